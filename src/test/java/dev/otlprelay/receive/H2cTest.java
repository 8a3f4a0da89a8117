package dev.otlprelay.receive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.rpc.Status;
import dev.otlprelay.support.Otlp;
import dev.otlprelay.support.TestRelay;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.handler.codec.http2.HttpConversionUtil;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * OTLP/HTTP over HTTP/2 with prior knowledge (h2c) on the OTLP/HTTP port is served as over HTTP/1.1: delivered,
 * answered with the same statuses, counted; it is never answered 200 unread.
 */
class H2cTest {
    private TestRelay relay;
    private EventLoopGroup group;
    private Channel connection;

    @BeforeEach
    void start() throws Exception {
        relay = new TestRelay();
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        connection = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(Http2FrameCodecBuilder.forClient().build(),
                                new Http2MultiplexHandler(new ChannelInboundHandlerAdapter()));
                    }
                })
                .connect("127.0.0.1", relay.relay.httpPort()).sync().channel();
    }

    @AfterEach
    void stop() {
        connection.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        relay.close();
    }

    /** One request on a new stream of the connection; its whole response. */
    private FullHttpResponse post(String path, String contentType, byte[] body) throws Exception {
        CompletableFuture<FullHttpResponse> response = new CompletableFuture<>();
        Http2StreamChannel stream = new Http2StreamChannelBootstrap(connection)
                .handler(new ChannelInitializer<Http2StreamChannel>() {
                    @Override
                    protected void initChannel(Http2StreamChannel ch) {
                        ch.pipeline().addLast(new Http2StreamFrameToHttpObjectCodec(false),
                                new HttpObjectAggregator(1 << 20),
                                new SimpleChannelInboundHandler<FullHttpResponse>() {
                                    @Override
                                    protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse r) {
                                        response.complete(r.retainedDuplicate());
                                    }
                                });
                    }
                }).open().sync().getNow();
        FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, path,
                Unpooled.wrappedBuffer(body));
        request.headers().set(HttpHeaderNames.HOST, "127.0.0.1").set(HttpHeaderNames.CONTENT_TYPE, contentType)
                .set(HttpConversionUtil.ExtensionHeaderNames.SCHEME.text(), "http")
                .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
        stream.writeAndFlush(request).sync();
        return response.get(10, TimeUnit.SECONDS);
    }

    @Test
    void tracesOverH2cAreDeliveredAndAnswered200() throws Exception {
        FullHttpResponse r = post("/v1/traces", "application/x-protobuf", Otlp.validRequest(3).toByteArray());

        assertThat(r.status().code()).isEqualTo(200);
        assertThat(r.headers().get(HttpHeaderNames.CONTENT_TYPE)).isEqualTo("application/x-protobuf");
        r.release();
        await().atMost(Duration.ofSeconds(10)).until(() -> relay.captured.spans().size() == 3);
        assertThat(relay.metric("otlp_relay_receiver_accepted_spans_total", "transport", "http")).isEqualTo(3);
    }

    @Test
    void badInputOverH2cGetsTheSameErrorsAsOverHttp1() throws Exception {
        FullHttpResponse garbage = post("/v1/traces", "application/x-protobuf", new byte[] {(byte) 0xff, 1, 2});
        assertThat(garbage.status().code()).isEqualTo(400);
        Status status = Status.parseFrom(ByteBufUtil.getBytes(garbage.content()));
        assertThat(status.getMessage()).isNotEmpty();
        garbage.release();

        FullHttpResponse wrongPath = post("/v1/traces/v1/traces", "application/x-protobuf", new byte[0]);
        assertThat(wrongPath.status().code()).isEqualTo(404);
        wrongPath.release();
        assertThat(relay.metric("otlp_relay_receiver_refused_requests_total", "transport", "http", "reason",
                "invalid_protobuf")).isEqualTo(1);
        assertThat(relay.captured.spans()).isEmpty();
    }

    @Test
    void streamsOfOneConnectionAreServedEachInTurn() throws Exception {
        for (int i = 1; i <= 3; i++) {
            FullHttpResponse r = post("/v1/traces", "application/json",
                    ("{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"traceId\":\"5759e988bd862e3fe1be46a994272793\","
                            + "\"spanId\":\"53995c3f42cd8a0" + i + "\",\"name\":\"GET /\"}]}]}]}")
                            .getBytes(StandardCharsets.UTF_8));
            assertThat(r.status().code()).isEqualTo(200);
            r.release();
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> relay.captured.spans().size() == 3);
    }

    /** curl, where the machine has it, as a user would try it. */
    @Test
    void curlWithHttp2PriorKnowledgeIsServed(@TempDir Path dir) throws Exception {
        Path curl = Path.of("/usr/bin/curl");
        assumeTrue(Files.isExecutable(curl), "skipped: no /usr/bin/curl on this machine");
        Path body = Files.write(dir.resolve("body.pb"), Otlp.validRequest(2).toByteArray());
        Process p = new ProcessBuilder(curl.toString(), "-sS", "--max-time", "10", "--http2-prior-knowledge", "-o", "/dev/null",
                "-w", "%{http_version} %{http_code}", "-H", "Content-Type: application/x-protobuf",
                "--data-binary", "@" + body, relay.httpUrl() + "/v1/traces").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(out).isEqualTo("2 200");
        await().atMost(Duration.ofSeconds(10)).until(() -> relay.captured.spans().size() == 2);
    }
}
