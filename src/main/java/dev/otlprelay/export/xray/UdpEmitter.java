package dev.otlprelay.export.xray;

import dev.otlprelay.config.HostPort;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.BitSet;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Sends datagrams to the X-Ray daemon on a connected {@link DatagramChannel}, paced by a {@link Pacer}.
 *
 * <p>Connected, so that the kernel reports the ICMP "port unreachable" of a daemon that is not listening: Linux
 * fails the <em>next</em> send with {@link PortUnreachableException} (observed on loopback: sends alternate
 * between success and that exception while nothing listens). Failures are therefore a lower bound of the loss,
 * and UDP says nothing of datagrams dropped later. Nothing here throws: a failure is a {@code false}.
 *
 * <p>The daemon's host name is resolved when connecting, lazily, and again after an I/O error (a sidecar daemon
 * may start later or move); attempts are at most one a second while it cannot be resolved.
 *
 * <p>Logging is per interval, never per datagram: the first failure is logged, then at most one a minute; sending
 * is reported as working again only after {@value #RECOVERED_AFTER} sends in a row succeed, since while nothing
 * listens every other send succeeds.
 */
final class UdpEmitter implements DatagramSender {
    private static final Logger LOG = Logger.getLogger(UdpEmitter.class.getName());
    private static final long RECONNECT_NANOS = 1_000_000_000L;
    private static final long LOG_INTERVAL_NANOS = 60_000_000_000L;
    static final int RECOVERED_AFTER = 10;

    private final HostPort daemon;
    private final Pacer pacer;
    private final LongSupplier clock;
    private DatagramChannel channel;
    private long nextConnectNanos;
    private long nextLogNanos;
    /** A failure was logged and no recovery since. */
    private boolean failing;
    private int successesInARow;

    UdpEmitter(HostPort daemon, Pacer pacer) {
        this(daemon, pacer, System::nanoTime);
    }

    UdpEmitter(HostPort daemon, Pacer pacer, LongSupplier clock) {
        this.daemon = daemon;
        this.pacer = pacer;
        this.clock = clock;
        long now = clock.getAsLong();
        this.nextConnectNanos = now;
        this.nextLogNanos = now;
    }

    private BitSet failures = new BitSet();
    private int sinceFlush;

    @Override
    public void send(ByteBuffer datagram) {
        int index = sinceFlush++;
        if (!write(datagram)) {
            failures.set(index);
        }
    }

    @Override
    public BitSet flush() {
        BitSet result = failures;
        failures = new BitSet();
        sinceFlush = 0;
        return result;
    }

    private boolean write(ByteBuffer datagram) {
        DatagramChannel ch = connected();
        if (ch == null) {
            return false;
        }
        pacer.acquire();
        try {
            ch.write(datagram);
            if (failing && ++successesInARow >= RECOVERED_AFTER) {
                failing = false;
                LOG.info("xray: sending to the daemon at " + daemon + " again");
            }
            return true;
        } catch (PortUnreachableException e) {
            // An earlier datagram was refused (nothing listens); the channel stays usable.
            failed("nothing listens on " + daemon + " (ICMP port unreachable)");
            return false;
        } catch (IOException e) {
            failed("cannot send to " + daemon + ": " + e);
            closeChannel();
            return false;
        }
    }

    private DatagramChannel connected() {
        if (channel != null) {
            return channel;
        }
        long now = clock.getAsLong();
        if (now - nextConnectNanos < 0) {
            return null;
        }
        nextConnectNanos = now + RECONNECT_NANOS;
        InetSocketAddress address = new InetSocketAddress(daemon.host(), daemon.port());
        if (address.isUnresolved()) {
            failed("cannot resolve the daemon host " + daemon.host());
            return null;
        }
        DatagramChannel ch = null;
        try {
            ch = DatagramChannel.open();
            ch.connect(address);
            channel = ch;
            return ch;
        } catch (IOException | RuntimeException e) {
            failed("cannot connect to " + daemon + ": " + e);
            if (ch != null) {
                try {
                    ch.close();
                } catch (IOException ignored) {
                    // Nothing more to release.
                }
            }
            return null;
        }
    }

    /** Logs the first failure after a recovery, then at most once a minute. */
    private void failed(String why) {
        successesInARow = 0;
        long now = clock.getAsLong();
        if (!failing || now - nextLogNanos >= 0) {
            LOG.log(Level.WARNING, "xray: " + why + "; datagrams are being lost (see otlp_relay_xray_datagrams_total"
                    + "{result=\"failed\"})");
            nextLogNanos = now + LOG_INTERVAL_NANOS;
        }
        failing = true;
    }

    private void closeChannel() {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // Closing a datagram channel releases the socket; nothing more to do.
            }
            channel = null;
        }
    }

    @Override
    public void close() {
        closeChannel();
    }
}
