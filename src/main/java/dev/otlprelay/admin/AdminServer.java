package dev.otlprelay.admin;

import dev.otlprelay.config.HostPort;
import dev.otlprelay.telemetry.ConnectionErrors;
import dev.otlprelay.telemetry.RelayMetrics;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import dev.otlprelay.transport.SocketTransport;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * The admin listener (default port 8888): {@code /metrics} (Prometheus text), {@code /healthz} (the process is
 * alive), {@code /readyz} (it should be sent traffic). Nothing here ever shows a secret.
 */
public final class AdminServer implements AutoCloseable {
    private static final int MAX_REQUEST_BYTES = 4 * 1024 * 1024;
    private static final String EXPLAIN = "/debug/sampling/explain";
    private static final String JSON = "application/json";

    private final HostPort address;
    private final RelayMetrics metrics;
    private final Readiness readiness;
    /** What makes {@code /healthz} fail: the relay can no longer do its work. */
    private final Readiness liveness;
    private final ConnectionErrors errors;
    private final Supplier<String> configSummary;
    private final SamplingDebug sampling;
    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final SocketTransport transport;
    /** Scraping renders every meter: keep that off the event loops the receivers share. */
    private final ExecutorService scrapes = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
            // Bounded: an explain request may hold 4 MiB while it waits; beyond this the admin port answers 503.
            new ArrayBlockingQueue<>(MAX_WAITING), r -> {
                Thread t = new Thread(r, "admin-scrape");
                t.setDaemon(true);
                return t;
            });
    private Channel listener;
    /** Slow admin requests (scrapes, explanations) waiting for the admin thread, at most. */
    static final int MAX_WAITING = 8;

    public AdminServer(HostPort address, RelayMetrics metrics, Readiness readiness, Supplier<String> configSummary,
                       SamplingDebug sampling, SocketTransport transport, EventLoopGroup boss,
                       EventLoopGroup workers) {
        this(address, metrics, readiness, new Readiness(), configSummary, sampling, transport, boss, workers);
    }

    public AdminServer(HostPort address, RelayMetrics metrics, Readiness readiness, Readiness liveness,
                       Supplier<String> configSummary, SamplingDebug sampling, SocketTransport transport,
                       EventLoopGroup boss, EventLoopGroup workers) {
        this.liveness = liveness;
        this.sampling = sampling;
        this.address = address;
        this.metrics = metrics;
        this.readiness = readiness;
        this.errors = new ConnectionErrors(metrics, "admin");
        this.configSummary = configSummary;
        this.boss = boss;
        this.workers = workers;
        this.transport = transport;
    }

    public void start() throws InterruptedException {
        listener = new ServerBootstrap()
                .group(boss, workers)
                .channel(transport.serverChannel())
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(MAX_REQUEST_BYTES),
                                new Handler());
                    }
                })
                .bind(new InetSocketAddress(address.host(), address.port())).sync().channel();
    }

    public int port() {
        return ((InetSocketAddress) listener.localAddress()).getPort();
    }

    @Override
    public void close() {
        if (listener != null) {
            listener.close().syncUninterruptibly();
        }
        scrapes.shutdownNow();
    }

    private final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            boolean keepAlive = HttpUtil.isKeepAlive(request);
            String uri = request.uri();
            String path = uri.contains("?") ? uri.substring(0, uri.indexOf('?')) : uri;
            if (path.equals(EXPLAIN)) {
                if (!HttpMethod.POST.equals(request.method())) {
                    send(ctx, keepAlive, HttpResponseStatus.METHOD_NOT_ALLOWED, "text/plain",
                            "method " + request.method() + " not allowed on " + path
                                    + " (expected: POST with an OTLP/JSON trace request)\n");
                    return;
                }
                byte[] body = new byte[request.content().readableBytes()];
                request.content().readBytes(body);
                // Explaining decodes and matches a whole request: off the event loop.
                offLoop(ctx, keepAlive, () -> {
                    SamplingDebug.Answer a = sampling.explain(body);
                    send(ctx, keepAlive, HttpResponseStatus.valueOf(a.status()), JSON, a.json());
                });
                return;
            }
            if (!HttpMethod.GET.equals(request.method()) && !HttpMethod.HEAD.equals(request.method())) {
                send(ctx, keepAlive, HttpResponseStatus.METHOD_NOT_ALLOWED, "text/plain",
                        "method " + request.method() + " not allowed on " + path + " (expected: GET)\n");
                return;
            }
            switch (path) {
                case "/metrics" -> offLoop(ctx, keepAlive, () -> send(ctx, keepAlive, HttpResponseStatus.OK,
                        "text/plain; version=0.0.4; charset=utf-8", metrics.scrape()));
                case "/healthz" -> {
                    List<String> dead = liveness.problems();
                    if (dead.isEmpty()) {
                        send(ctx, keepAlive, HttpResponseStatus.OK, "text/plain", "ok\n");
                    } else {
                        send(ctx, keepAlive, HttpResponseStatus.SERVICE_UNAVAILABLE, "text/plain",
                                "not alive\n" + String.join("\n", dead) + "\n");
                    }
                }
                case "/readyz" -> {
                    List<String> problems = readiness.problems();
                    if (problems.isEmpty()) {
                        send(ctx, keepAlive, HttpResponseStatus.OK, "text/plain", "ready\n");
                    } else {
                        send(ctx, keepAlive, HttpResponseStatus.SERVICE_UNAVAILABLE, "text/plain",
                                "not ready\n" + String.join("\n", problems) + "\n");
                    }
                }
                case "/debug/config" -> send(ctx, keepAlive, HttpResponseStatus.OK, "text/plain",
                        configSummary.get());
                case "/debug/sampling" -> offLoop(ctx, keepAlive, () -> send(ctx, keepAlive, HttpResponseStatus.OK,
                        JSON, sampling.describe()));
                case "/" -> send(ctx, keepAlive, HttpResponseStatus.OK, "text/plain",
                        "otlp-relay admin\n  /metrics       Prometheus metrics\n  /healthz       liveness\n"
                                + "  /readyz        readiness\n  /debug/config  effective configuration (secrets as"
                                + " fingerprints)\n  /debug/sampling  sampling rules in force and their counters\n"
                                + "  POST /debug/sampling/explain  how an OTLP/JSON trace request would be sampled\n");
                default -> send(ctx, keepAlive, HttpResponseStatus.NOT_FOUND, "text/plain", "no admin endpoint at "
                        + path + " (expected: /metrics, /healthz, /readyz, /debug/config, /debug/sampling or "
                        + EXPLAIN + ")\n");
            }
        }

        /** Runs slow work on the admin thread; 503 when {@value #MAX_WAITING} requests are waiting already. */
        private void offLoop(ChannelHandlerContext ctx, boolean keepAlive, Runnable work) {
            try {
                scrapes.execute(work);
            } catch (RejectedExecutionException busy) {
                send(ctx, keepAlive, HttpResponseStatus.SERVICE_UNAVAILABLE, "text/plain",
                        "the admin endpoint is busy: " + MAX_WAITING + " requests are waiting; retry later\n");
            }
        }

        private void send(ChannelHandlerContext ctx, boolean keepAlive, HttpResponseStatus status, String type,
                          String body) {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                    Unpooled.wrappedBuffer(bytes));
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, type);
            response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
            HttpUtil.setKeepAlive(response, keepAlive);
            if (keepAlive) {
                ctx.writeAndFlush(response);
            } else {
                ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            errors.caught(cause);
            ctx.close();
        }
    }
}
