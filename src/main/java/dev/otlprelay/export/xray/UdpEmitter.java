package dev.otlprelay.export.xray;

import dev.otlprelay.config.HostPort;
import dev.otlprelay.transport.SocketTransport;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPromise;
import io.netty.channel.EventLoopGroup;
import io.netty.util.ReferenceCountUtil;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Sends datagrams to the X-Ray daemon on a connected Netty datagram channel, in bursts of at most
 * {@link Pacer#MAX_BURST} datagrams and {@link #MAX_BURST_CHARGE} of the daemon's socket buffer, written with one flush — one {@code sendmmsg} call on the epoll transport — paced by a
 * {@link Pacer}. The channel has an event loop of its own ({@code xray-udp}); the exporter's thread hands it each
 * burst as one task and goes on encoding while it is written (at most {@value #IN_FLIGHT} bursts at once), and
 * {@link #flush} waits for every write, so that each datagram is counted as sent or failed when it returns.
 *
 * <p>Connected, so that the kernel reports the ICMP "port unreachable" of a daemon that is not listening. Linux
 * holds one such error on the socket; the transport reports it either on the next write, which then fails (NIO), or
 * as a read error on the channel (epoll, and NIO when it reads first). A write that fails is that datagram lost; a
 * refusal reported on the channel means the daemon's port refused what was sent, so the burst that sees it is
 * counted failed as a whole: while nothing listens, every datagram of every burst is refused, and a refusal is seen
 * one burst late, so the count of failed bursts follows the count of lost ones. UDP says nothing of datagrams lost
 * later. Nothing here throws: a failure is a bit in {@link #flush}'s answer.
 *
 * <p>The daemon's host name is resolved when connecting, lazily, and again after an I/O error (a sidecar daemon
 * may start later or move); attempts are at most one a second while it cannot be resolved.
 *
 * <p>Logging is per interval, never per datagram: the first failure is logged, then at most one a minute; sending
 * is reported as working again only after {@value #RECOVERED_AFTER} datagrams in a row are not refused.
 *
 * <p>Not thread-safe: the exporter's one thread calls it.
 */
final class UdpEmitter implements DatagramSender {
    private static final Logger LOG = Logger.getLogger(UdpEmitter.class.getName());
    private static final long RECONNECT_NANOS = 1_000_000_000L;
    private static final long LOG_INTERVAL_NANOS = 60_000_000_000L;
    /** How long a burst's writes may take before its datagrams count as failed (a loopback burst takes < 1 ms). */
    private static final long WRITE_TIMEOUT_MILLIS = 5_000;
    static final int RECOVERED_AFTER = 10;
    /**
     * The receive-buffer charge ({@link #receiveBufferCharge}) of one burst at most: what 64 datagrams of a span each
     * took (2.3 kB each), 69 % of the daemon's socket buffer (it keeps Linux's default, 212,992 bytes), leaving room
     * for the application's own X-Ray SDK. Nested documents are larger, so fewer of them go back to back.
     */
    static final long MAX_BURST_CHARGE = 64 * 2_304;
    /** Bursts being written at once, at most: enough for encoding and sending to overlap. */
    private static final int IN_FLIGHT = 2;

    private final HostPort daemon;
    private final Pacer pacer;
    private final LongSupplier clock;
    private final SocketTransport transport;
    private final EventLoopGroup loop;
    /** Refusals the channel reported since the last burst looked; written on the event loop. */
    private final AtomicInteger refusals = new AtomicInteger();
    private final List<ByteBuf> burst = new ArrayList<>(Pacer.MAX_BURST);
    /** {@link #receiveBufferCharge} of the datagrams in {@link #burst}. */
    private long burstCharge;
    /** The number, since the last flush, of each datagram in {@link #burst}. */
    private final int[] burstIndex = new int[Pacer.MAX_BURST];
    private Channel channel;
    private long nextConnectNanos;
    private long nextLogNanos;
    /** A failure was logged and no recovery since. */
    private boolean failing;
    private int successesInARow;
    private BitSet failures = new BitSet();
    private int sinceFlush;

    UdpEmitter(HostPort daemon, Pacer pacer, LongSupplier clock, SocketTransport transport) {
        this.daemon = daemon;
        this.pacer = pacer;
        this.clock = clock;
        this.transport = transport;
        this.loop = transport.group(1, "xray-udp");
        long now = clock.getAsLong();
        this.nextConnectNanos = now;
        this.nextLogNanos = now;
    }

    /** The transport the datagrams go by, for the start-up line and the tests. */
    SocketTransport transport() {
        return transport;
    }

    @Override
    public void send(ByteBuffer datagram) {
        int index = sinceFlush++;
        long charge = receiveBufferCharge(datagram.remaining());
        if (burst.size() == Pacer.MAX_BURST) {
            sendBurst();
        } else if (!burst.isEmpty() && burstCharge + charge > MAX_BURST_CHARGE) {
            // As much as the daemon's socket should take at once: what is held goes, and the next datagram waits
            // as it would after a full bucket, so that the daemon has time to read.
            sendBurst();
            pacer.drain();
        }
        if (!pacer.tryAcquire()) {
            // The bucket is empty: what is held goes now, then the wait for the next tokens.
            sendBurst();
            pacer.acquire();
        }
        if (connected() == null) {
            failures.set(index);
            successesInARow = 0;
            return;
        }
        ByteBuf copy = ByteBufAllocator.DEFAULT.directBuffer(datagram.remaining());
        copy.writeBytes(datagram);
        burstIndex[burst.size()] = index;
        burst.add(copy);
        burstCharge += charge;
    }

    /**
     * What a datagram of {@code bytes} takes of the receiving socket's buffer on Linux, estimated from above: the
     * kernel charges each datagram's whole buffer (measured on loopback with the default 212,992 bytes: 300-byte
     * datagrams take 1.3 kB, 900 to 1,500 bytes 2.3 kB, 2,500 bytes 4.4 kB, 8,000 bytes 17.7 kB, 64,000 bytes 71 kB).
     */
    static long receiveBufferCharge(int bytes) {
        return Math.max(1_280, 2L * bytes + bytes / 4 + 512);
    }

    @Override
    public BitSet flush() {
        sendBurst();
        while (!inFlight.isEmpty()) {
            settle(inFlight.poll());
        }
        BitSet result = failures;
        failures = new BitSet();
        sinceFlush = 0;
        return result;
    }

    /**
     * Hands the held datagrams to the event loop, to be written with one flush, without waiting for them: the next
     * burst is encoded while this one is sent. At most {@link #IN_FLIGHT} bursts are on their way; the oldest is
     * settled first when one more would exceed that.
     */
    private void sendBurst() {
        if (burst.isEmpty()) {
            return;
        }
        Channel ch = channel;
        int n = burst.size();
        ChannelPromise[] promises = new ChannelPromise[n];
        for (int i = 0; i < n; i++) {
            promises[i] = ch.newPromise();
        }
        ByteBuf[] datagrams = burst.toArray(ByteBuf[]::new);
        burst.clear();
        burstCharge = 0;
        if (inFlight.size() == IN_FLIGHT) {
            settle(inFlight.poll());
        }
        inFlight.add(new Burst(promises, Arrays.copyOf(burstIndex, n)));
        ch.eventLoop().execute(() -> {
            for (int i = 0; i < n; i++) {
                ch.write(datagrams[i], promises[i]);
            }
            ch.flush();
        });
    }

    /** Bursts handed to the event loop and not settled yet, oldest first. */
    private final ArrayDeque<Burst> inFlight = new ArrayDeque<>(IN_FLIGHT);

    /** A burst on its way: each datagram's write and its number since the last flush. */
    private record Burst(ChannelPromise[] promises, int[] indices) {
    }

    /** Waits for a burst's writes and records which of its datagrams failed. */
    private void settle(Burst b) {
        int n = b.promises().length;
        Throwable writeError = null;
        boolean interrupted = false;
        for (int i = 0; i < n; i++) {
            ChannelPromise promise = b.promises()[i];
            boolean done = promise.isDone();
            if (!done && !interrupted) {
                try {
                    done = promise.await(WRITE_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    // Shutdown past its deadline: what is not known to be written counts as failed, at once.
                    Thread.currentThread().interrupt();
                    interrupted = true;
                }
            }
            if (done && promise.isSuccess()) {
                continue;
            }
            failures.set(b.indices()[i]);
            if (writeError == null) {
                writeError = done ? promise.cause()
                        : new TimeoutException("the burst was not written within " + WRITE_TIMEOUT_MILLIS + " ms");
            }
        }
        if (refusals.getAndSet(0) > 0) {
            for (int i = 0; i < n; i++) {
                failures.set(b.indices()[i]);
            }
            failed("nothing listens on " + daemon + " (ICMP port unreachable)");
            return;
        }
        if (writeError != null) {
            if (isRefusal(writeError)) {
                failed("nothing listens on " + daemon + " (ICMP port unreachable)");
            } else {
                failed("cannot send to " + daemon + ": " + writeError);
                closeChannel();
            }
            return;
        }
        if (failing && (successesInARow += n) >= RECOVERED_AFTER) {
            failing = false;
            LOG.info("xray: sending to the daemon at " + daemon + " again");
        }
    }

    private static boolean isRefusal(Throwable t) {
        // NIO throws PortUnreachableException; epoll's native error reads "Connection refused" (ECONNREFUSED).
        return t instanceof PortUnreachableException || t instanceof ConnectException
                || (t.getMessage() != null && t.getMessage().contains("Connection refused"));
    }

    private Channel connected() {
        if (channel != null && channel.isOpen()) {
            return channel;
        }
        channel = null;
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
        try {
            channel = new Bootstrap().group(loop).channel(transport.datagramChannel())
                    // Reads are how a refusal is reported (the daemon sends nothing else): see the class comment.
                    .option(ChannelOption.AUTO_READ, true)
                    .handler(new RefusalCounter(refusals))
                    .connect(address).syncUninterruptibly().channel();
            return channel;
        } catch (RuntimeException e) {
            failed("cannot connect to " + daemon + ": " + e);
            return null;
        }
    }

    /** Counts the refusals the channel reports and drops anything read (the daemon sends nothing). */
    private static final class RefusalCounter extends ChannelInboundHandlerAdapter {
        private final AtomicInteger refusals;

        RefusalCounter(AtomicInteger refusals) {
            this.refusals = refusals;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ReferenceCountUtil.release(msg);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (isRefusal(cause)) {
                refusals.incrementAndGet();
            }
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
            channel.close().syncUninterruptibly();
            channel = null;
        }
    }

    @Override
    public void close() {
        flush();
        burst.forEach(ReferenceCountUtil::release);
        burst.clear();
        closeChannel();
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
