package dev.otlprelay.bench;

import dev.otlprelay.config.HostPort;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCalls;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import dev.otlprelay.transport.SocketTransport;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpContentDecompressor;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The listeners {@link SinkOptions} asks for, sharing one set of counts: a fake Honeycomb, a fake X-Ray daemon,
 * and a null relay on OTLP/HTTP and OTLP/gRPC.
 */
final class Sink implements AutoCloseable {
    /** Honeycomb refuses batches over 5 MB uncompressed; room to spare. */
    private static final int MAX_BODY_BYTES = 64 * 1024 * 1024;

    private final SinkOptions options;
    private final SinkCounts counts = new SinkCounts();
    /** The relay's own transport, so that the null relay is a floor measured on the same footing. */
    private final SocketTransport transport = SocketTransport.best();
    private final EventLoopGroup boss = transport.group(1, "sink-accept");
    private final EventLoopGroup workers = transport.group(2, "sink-io");
    private final Map<String, HostPort> bound = new LinkedHashMap<>();
    private Channel honeycomb;
    private Channel nullRelay;
    private Server nullRelayGrpc;
    private XrayDatagramCounter xray;

    Sink(SinkOptions options) {
        this.options = options;
    }

    /** Binds every listener; {@link #bound()} then names their actual addresses. */
    void start() throws IOException, InterruptedException {
        try {
            if (options.honeycomb() != null) {
                honeycomb = http(options.honeycomb(), () -> new ChannelHandler[] {new HttpServerCodec(),
                    new HttpServerKeepAliveHandler(), new HttpContentDecompressor(0),
                    new HttpObjectAggregator(MAX_BODY_BYTES), new HoneycombSinkHandler(counts)});
                bound.put("honeycomb", address(options.honeycomb(), honeycomb));
            }
            if (options.xray() != null) {
                xray = new XrayDatagramCounter(options.xray(), counts);
                xray.start();
                bound.put("xray", new HostPort(options.xray().host(), xray.port()));
            }
            if (options.nullRelay() != null) {
                nullRelay = http(options.nullRelay(), () -> new ChannelHandler[] {new HttpServerCodec(),
                    new HttpServerKeepAliveHandler(), new NullRelayHandler(counts)});
                bound.put("null-relay", address(options.nullRelay(), nullRelay));
            }
            if (options.nullRelayGrpc() != null) {
                HostPort a = options.nullRelayGrpc();
                nullRelayGrpc = NettyServerBuilder.forAddress(new InetSocketAddress(a.host(), a.port()))
                        .directExecutor().maxInboundMessageSize(MAX_BODY_BYTES).addService(nullTraceService())
                        .build().start();
                bound.put("null-relay-grpc", new HostPort(a.host(), nullRelayGrpc.getPort()));
            }
        } catch (IOException | InterruptedException | RuntimeException e) {
            close();
            throw e;
        }
    }

    /** Listener name ({@code honeycomb}, {@code xray}, {@code null-relay}, {@code null-relay-grpc}) → address. */
    Map<String, HostPort> bound() {
        return Collections.unmodifiableMap(bound);
    }

    SinkCounts counts() {
        return counts;
    }

    private Channel http(HostPort address, Supplier<ChannelHandler[]> handlers) throws InterruptedException {
        return new ServerBootstrap().group(boss, workers).channel(transport.serverChannel())
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(handlers.get());
                    }
                })
                .bind(new InetSocketAddress(address.host(), address.port())).sync().channel();
    }

    private static HostPort address(HostPort asked, Channel channel) {
        return new HostPort(asked.host(), ((InetSocketAddress) channel.localAddress()).getPort());
    }

    /** TraceService/Export that reads the message and throws it away unread, answering an empty response. */
    private ServerServiceDefinition nullTraceService() {
        MethodDescriptor<Long, byte[]> export = MethodDescriptor.<Long, byte[]>newBuilder()
                .setType(MethodDescriptor.MethodType.UNARY)
                .setFullMethodName(GrpcTransport.EXPORT.getFullMethodName())
                .setRequestMarshaller(new Discarding())
                .setResponseMarshaller(GrpcTransport.BytesMarshaller.INSTANCE)
                .build();
        byte[] empty = new byte[0];
        return ServerServiceDefinition.builder(export.getServiceName())
                .addMethod(export, ServerCalls.asyncUnaryCall((bytes, observer) -> {
                    counts.nullRelayRequests.increment();
                    counts.nullRelayBytes.add(bytes);
                    observer.onNext(empty);
                    observer.onCompleted();
                }))
                .build();
    }

    /** Reads a request message to its end and keeps only its length. */
    private static final class Discarding implements MethodDescriptor.Marshaller<Long> {
        @Override
        public InputStream stream(Long value) {
            throw new UnsupportedOperationException("the null relay only receives");
        }

        @Override
        public Long parse(InputStream stream) {
            byte[] scratch = new byte[16 * 1024];
            long n = 0;
            try {
                for (int r = stream.read(scratch); r >= 0; r = stream.read(scratch)) {
                    n += r;
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return n;
        }
    }

    @Override
    public void close() {
        if (honeycomb != null) {
            honeycomb.close().syncUninterruptibly();
        }
        if (nullRelay != null) {
            nullRelay.close().syncUninterruptibly();
        }
        if (nullRelayGrpc != null) {
            nullRelayGrpc.shutdownNow();
            try {
                nullRelayGrpc.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (xray != null) {
            xray.close();
        }
        boss.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        workers.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
