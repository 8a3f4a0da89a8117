package dev.otlprelay.export.xray;

import java.nio.ByteBuffer;

/** Where the exporter's datagrams go: the daemon over UDP, or a test's capture. */
interface DatagramSender extends AutoCloseable {
    /** Sends one datagram; false when it could not be handed to the network. Never throws. */
    boolean send(ByteBuffer datagram);

    @Override
    void close();
}
