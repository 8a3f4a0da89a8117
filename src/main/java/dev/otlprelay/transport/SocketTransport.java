package dev.otlprelay.transport;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.function.Supplier;

/**
 * The sockets' Netty transport: event loops and channel types that belong together. {@link #best()} is Linux's
 * native epoll when its library loads (it comes in the jar for x86-64 Linux; it writes a burst of datagrams with one
 * {@code sendmmsg} call) and Java NIO otherwise, with the reason. Netty's own switch,
 * {@code -Dio.netty.transport.noNative=true}, forces NIO.
 */
public final class SocketTransport {
    private static final SocketTransport NIO = new SocketTransport("nio", NioIoHandler::newFactory,
            NioServerSocketChannel.class, NioDatagramChannel.class, null);

    private final String name;
    private final Supplier<IoHandlerFactory> handlers;
    private final Class<? extends ServerSocketChannel> serverChannel;
    private final Class<? extends DatagramChannel> datagramChannel;
    /** Why epoll is not used, for the start-up line; null when it is, or when NIO was asked for. */
    private final String fallbackReason;

    private SocketTransport(String name, Supplier<IoHandlerFactory> handlers,
                      Class<? extends ServerSocketChannel> serverChannel,
                      Class<? extends DatagramChannel> datagramChannel, String fallbackReason) {
        this.name = name;
        this.handlers = handlers;
        this.serverChannel = serverChannel;
        this.datagramChannel = datagramChannel;
        this.fallbackReason = fallbackReason;
    }

    /** Epoll when it loads here, else NIO. */
    public static SocketTransport best() {
        if (Epoll.isAvailable()) {
            return new SocketTransport("epoll", EpollIoHandler::newFactory, EpollServerSocketChannel.class,
                    EpollDatagramChannel.class, null);
        }
        Throwable why = Epoll.unavailabilityCause();
        String reason = why == null ? "unavailable" : why.getClass().getSimpleName() + ": " + why.getMessage();
        return new SocketTransport("nio", NioIoHandler::newFactory, NioServerSocketChannel.class, NioDatagramChannel.class,
                reason);
    }

    /** Java NIO, which works everywhere. */
    public static SocketTransport nio() {
        return NIO;
    }

    /** {@code epoll} or {@code nio}. */
    public String name() {
        return name;
    }

    /** The name, and why epoll is not used when it is not: for the start-up log line. */
    public String describe() {
        return fallbackReason == null ? name : name + " (epoll is not available: " + fallbackReason + ")";
    }

    /** An event loop group of {@code threads} daemon threads (0: Netty's default, twice the cores) named so. */
    public EventLoopGroup group(int threads, String threadName) {
        return new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory(threadName, true), handlers.get());
    }

    public Class<? extends ServerSocketChannel> serverChannel() {
        return serverChannel;
    }

    public Class<? extends DatagramChannel> datagramChannel() {
        return datagramChannel;
    }

    @Override
    public String toString() {
        return describe();
    }
}
