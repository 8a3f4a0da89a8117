package dev.otlprelay.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.otlprelay.support.FakeHoneycomb;
import dev.otlprelay.support.Otlp;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.util.ReferenceCountUtil;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A client's own Honeycomb key, as users send one (OTEL_EXPORTER_OTLP_HEADERS), over OTLP/HTTP and OTLP/gRPC, in
 * every key mode, appears nowhere the relay shows things: not in its log, not on /metrics, not on /debug/*; nor does a
 * mistyped key holding a control byte, which the JDK's HTTP client refuses to send (its exception quotes the value).
 * The spool is on, so its paths run with the client's key in its records. (That grpc-java's own warning about such a
 * value is redacted is HeaderRedactionTest's: grpc-java logs it where it writes headers, not where a server reads
 * them.)
 */
class ClientKeyIT {
    private static final String RELAY_KEY = "hcaik_relaykeyrelaykeyrelaykeyrelaykey";
    private static final String CLIENT_KEY = "hcaik_clientsecretclientsecretclientsecre";
    /** A key a client mistyped: a control byte inside it makes grpc-java log the whole value as bytes. */
    private static final String BROKEN_KEY = "hcaik_brokensecret\u0001brokensecretbrokensecret";

    @ParameterizedTest(name = "key_mode {0}")
    @ValueSource(strings = {"relay", "client", "client-or-relay"})
    void aClientsKeyIsNeverShown(String mode, @TempDir Path dir) throws Exception {
        try (FakeHoneycomb honeycomb = FakeHoneycomb.start()) {
            honeycomb.acceptKeys(RELAY_KEY, CLIENT_KEY);
            RelayProcess.Ports ports = RelayProcess.Ports.free();
            Path config = java.nio.file.Files.writeString(dir.resolve("relay.yaml"),
                    "honeycomb:\n  key_mode: " + mode + "\n");
            Map<String, String> env = new HashMap<>(Map.of("HONEYCOMB_API_KEY", RELAY_KEY,
                    "HONEYCOMB_API_ENDPOINT", honeycomb.url(), "RELAY_SPOOL_DIR", dir.resolve("spool").toString(),
                    "RELAY_CONFIG", config.toString()));
            try (RelayProcess relay = RelayProcess.start(ports.env(env), "run")) {
                await().atMost(Duration.ofSeconds(30)).until(() -> relay.allOutput().contains("otlp-relay listening"));
                HttpClient http = HttpClient.newHttpClient();
                HttpResponse<String> overHttp = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                                + ports.httpPort() + "/v1/traces")).header("Content-Type", "application/x-protobuf")
                        .header("x-honeycomb-team", CLIENT_KEY)
                        .POST(HttpRequest.BodyPublishers.ofByteArray(Otlp.validRequest(2).toByteArray())).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(overHttp.statusCode()).isEqualTo(200);
                assertThat(grpcExport(ports.grpcPort(), CLIENT_KEY)).isEqualTo("0");
                grpcExport(ports.grpcPort(), BROKEN_KEY);
                // The two good keys' three spans arrive; the broken key's span, if grpc-java let it through, cannot
                // be sent (no valid header holds it) and is dropped with a reason.
                await().atMost(Duration.ofSeconds(30)).until(() -> honeycomb.spans().size() >= 3);
                await().atMost(Duration.ofSeconds(30)).until(() -> dev.otlprelay.support.TestRelay.Scrape.value(
                        http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ports.adminPort()
                                + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body(),
                        "otlp_relay_exporter_queue_spans", "exporter", "honeycomb") == 0);

                for (String page : List.of("/metrics", "/debug/config", "/debug/sampling", "/readyz", "/")) {
                    String body = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ports.adminPort()
                            + page)).build(), HttpResponse.BodyHandlers.ofString()).body();
                    assertNoKey(page, body);
                }
                assertThat(relay.terminate(Duration.ofSeconds(30))).isZero();
                assertNoKey("the relay's output", relay.allOutput());
            }
        }
    }

    private static void assertNoKey(String where, String text) {
        for (String key : List.of(CLIENT_KEY, BROKEN_KEY, RELAY_KEY, "brokensecret", "clientsecret")) {
            assertThat(text).as(where).doesNotContain(key)
                    .doesNotContain(Arrays.toString(key.getBytes(StandardCharsets.US_ASCII)).replace("]", ""));
        }
        // The bytes of the broken key's secret part, as grpc-java prints them.
        assertThat(text).as(where).doesNotContain(Arrays.toString("brokensecret".getBytes(StandardCharsets.US_ASCII))
                .replace("[", "").replace("]", ""));
    }

    /** One OTLP/gRPC export whose x-honeycomb-team is {@code key}, sent as raw HTTP/2; its grpc-status. */
    private static String grpcExport(int port, String key) throws Exception {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try {
            Channel connection = new Bootstrap().group(group).channel(NioSocketChannel.class)
                    .handler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(Http2FrameCodecBuilder.forClient().build(),
                                    new Http2MultiplexHandler(new ChannelInboundHandlerAdapter()));
                        }
                    }).connect("127.0.0.1", port).sync().channel();
            CompletableFuture<String> status = new CompletableFuture<>();
            Http2StreamChannel stream = new Http2StreamChannelBootstrap(connection)
                    .handler(new ChannelInboundHandlerAdapter() {
                        @Override
                        public void channelRead(ChannelHandlerContext ctx, Object msg) {
                            if (msg instanceof Http2HeadersFrame h && h.headers().get("grpc-status") != null) {
                                status.complete(h.headers().get("grpc-status").toString());
                            }
                            ReferenceCountUtil.release(msg);
                        }

                        @Override
                        public void channelInactive(ChannelHandlerContext ctx) {
                            status.complete("closed");
                        }
                    }).open().sync().getNow();
            byte[] message = Otlp.validRequest(1).toByteArray();
            ByteBuf framed = Unpooled.buffer().writeByte(0).writeInt(message.length).writeBytes(message);
            stream.write(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers(false).method("POST").scheme("http")
                    .path("/opentelemetry.proto.collector.trace.v1.TraceService/Export").authority("127.0.0.1")
                    .set("content-type", "application/grpc").set("te", "trailers").set("x-honeycomb-team", key)));
            stream.writeAndFlush(new DefaultHttp2DataFrame(framed, true)).sync();
            String result = status.get(10, TimeUnit.SECONDS);
            connection.close().sync();
            return result;
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }
}
