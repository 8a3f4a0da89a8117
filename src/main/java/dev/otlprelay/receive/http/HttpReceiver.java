package dev.otlprelay.receive.http;

import dev.otlprelay.config.CorsConfig;
import dev.otlprelay.config.HostPort;
import dev.otlprelay.receive.Admission;
import dev.otlprelay.receive.Ingest;
import dev.otlprelay.telemetry.ConnectionErrors;
import dev.otlprelay.telemetry.RelayMetrics;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import dev.otlprelay.transport.SocketTransport;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The OTLP/HTTP listener (default port 4318). Its pipeline, per connection:
 * <pre>
 *   ProtocolSniffer ─┬─ HTTP/1.1: HttpServerCodec → IdleStateHandler → OtlpHttpHandler
 *                    └─ HTTP/2 (h2c, prior knowledge): Http2FrameCodec → Http2MultiplexHandler, per stream
 *                         Http2StreamRouter ─┬─ OTLP/HTTP: Http2StreamFrameToHttpObjectCodec → OtlpHttpHandler
 *                                            └─ gRPC: answered with where gRPC goes
 * </pre>
 */
public final class HttpReceiver implements AutoCloseable {
    private static final int IDLE_SECONDS = 120;

    private final HostPort address;
    private final Supplier<String> grpcAddress;
    private final Ingest ingest;
    private final Admission admission;
    private final RelayMetrics metrics;
    private final long maxRequestBytes;
    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final SocketTransport transport;
    private final ChannelGroup connections = new DefaultChannelGroup("otlp-http", GlobalEventExecutor.INSTANCE);
    private Channel listener;
    private final ConnectionErrors errors;
    private final Duration requestTimeout;
    private final Cors cors;

    public HttpReceiver(HostPort address, Supplier<String> grpcAddress, Ingest ingest, Admission admission,
                        RelayMetrics metrics, long maxRequestBytes, Duration requestTimeout, CorsConfig cors,
                        SocketTransport transport, EventLoopGroup boss, EventLoopGroup workers) {
        this.requestTimeout = requestTimeout;
        this.cors = new Cors(cors);
        this.address = address;
        this.grpcAddress = grpcAddress;
        this.ingest = ingest;
        this.admission = admission;
        this.metrics = metrics;
        this.maxRequestBytes = maxRequestBytes;
        this.boss = boss;
        this.workers = workers;
        this.transport = transport;
        this.errors = new ConnectionErrors(metrics, OtlpHttpHandler.TRANSPORT);
    }

    public void start() throws InterruptedException {
        ServerBootstrap b = new ServerBootstrap()
                .group(boss, workers)
                .channel(transport.serverChannel())
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        connections.add(ch);
                        ch.pipeline().addLast("sniff", new ProtocolSniffer(new PipelineInstaller()));
                    }
                });
        listener = b.bind(new InetSocketAddress(address.host(), address.port())).sync().channel();
    }

    private final class PipelineInstaller implements ProtocolSniffer.Installer {
        @Override
        public void http1(ChannelHandlerContext sniffer) {
            sniffer.pipeline().addAfter(sniffer.name(), "otlp", new OtlpHttpHandler(ingest, admission, metrics,
                    maxRequestBytes, requestTimeout, cors, errors));
            sniffer.pipeline().addAfter(sniffer.name(), "idle", new IdleStateHandler(IDLE_SECONDS, 0, 0,
                    TimeUnit.SECONDS));
            sniffer.pipeline().addAfter(sniffer.name(), "http", new HttpServerCodec());
        }

        @Override
        public void http2(ChannelHandlerContext sniffer) {
            // The frame codec first: the multiplexer finds it when added. One child channel per stream, each
            // routed by its content type: OTLP/HTTP served, gRPC told where to go.
            sniffer.pipeline().addAfter(sniffer.name(), "h2", Http2FrameCodecBuilder.forServer().build());
            sniffer.pipeline().addAfter("h2", "h2-streams", new Http2MultiplexHandler(
                    new ChannelInitializer<Http2StreamChannel>() {
                        @Override
                        protected void initChannel(Http2StreamChannel stream) {
                            stream.pipeline().addLast("route", new Http2StreamRouter(grpcAddress,
                                    () -> new OtlpHttpHandler(ingest, admission, metrics, maxRequestBytes,
                                            requestTimeout, cors, errors), errors,
                                    () -> metrics.refusedRequests(OtlpHttpHandler.TRANSPORT, "wrong_protocol")
                                            .increment()));
                        }
                    }));
        }
    }

    /** The bound port (useful when configured as 0). */
    public int port() {
        return ((InetSocketAddress) listener.localAddress()).getPort();
    }

    public boolean isBound() {
        return listener != null && listener.isActive();
    }

    /** Stops accepting connections; open ones finish their current request. */
    public void closeListener() {
        if (listener != null) {
            listener.close().syncUninterruptibly();
        }
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(5));
    }

    /** Stops accepting and closes every connection, waiting for that at most {@code wait}. */
    public void close(Duration wait) {
        closeListener();
        connections.close().awaitUninterruptibly(Math.max(1, wait.toMillis()), TimeUnit.MILLISECONDS);
    }
}
