package dev.otlprelay.export.xray;

import java.nio.ByteBuffer;
import java.util.BitSet;

/**
 * Where the exporter's datagrams go: the daemon over UDP, or a test's capture. Datagrams are taken one by one and
 * may be sent in bursts; {@link #flush} sends what is left and says which could not be handed to the network.
 */
interface DatagramSender extends AutoCloseable {
    /** Takes one datagram (its bytes are copied or sent before this returns). Never throws. */
    void send(ByteBuffer datagram);

    /**
     * Sends every datagram still held and returns those of the datagrams taken since the last flush that could not
     * be handed to the network: bit {@code i} is set when the {@code i}-th (from 0, in the order taken) failed.
     * Never throws.
     */
    BitSet flush();

    @Override
    void close();
}
