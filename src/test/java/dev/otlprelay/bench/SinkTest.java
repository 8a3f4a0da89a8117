package dev.otlprelay.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.otlprelay.config.HostPort;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The sink counts only what really arrived and decodes; the null relay answers without decoding. */
class SinkTest {
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static final HostPort ANY = HostPort.parse("127.0.0.1:0");

    private Sink sink;

    @BeforeEach
    void start() throws Exception {
        sink = new Sink(new SinkOptions(ANY, ANY, ANY, ANY, Duration.ofSeconds(5)));
        sink.start();
    }

    @AfterEach
    void stop() {
        sink.close();
    }

    private String url(String listener, String path) {
        return "http://" + sink.bound().get(listener) + path;
    }

    private HttpResponse<String> post(String listener, byte[] body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url(listener, "/v1/traces")))
                .header("Content-Type", "application/x-protobuf").POST(HttpRequest.BodyPublishers.ofByteArray(body));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private String counts(String listener) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url(listener, "/counts"))).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    private static byte[] gzip(byte[] plain) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(plain);
        }
        return out.toByteArray();
    }

    private static ExportTraceServiceRequest request(int traces) {
        return FlaskTraces.requests(new FlaskTraces.Shape(traces, 100_000, 0, 8, 1), 1_763_888_400_000_000_000L)
                .get(0);
    }

    private static int spanCount(ExportTraceServiceRequest r) {
        return r.getResourceSpansList().stream().flatMap(rs -> rs.getScopeSpansList().stream())
                .mapToInt(ss -> ss.getSpansCount()).sum();
    }

    @Test
    void countsTheSpansOfGzippedAndPlainBatchesAndAnswersAnEmptyResponse() throws Exception {
        ExportTraceServiceRequest r = request(20);
        HttpResponse<String> gz = post("honeycomb", gzip(r.toByteArray()), "Content-Encoding", "gzip",
                "x-honeycomb-team", "bench-key");
        HttpResponse<String> plain = post("honeycomb", r.toByteArray(), "x-honeycomb-team", "bench-key");
        assertThat(gz.statusCode()).isEqualTo(200);
        assertThat(plain.statusCode()).isEqualTo(200);
        assertThat(gz.body()).isEmpty();
        assertThat(counts("honeycomb")).contains("\"honeycomb_spans\":" + 2 * spanCount(r) + ",")
                .contains("\"honeycomb_requests\":2,");
    }

    @Test
    void countsNothingForABodyThatDoesNotDecodeOrHasNoKey() throws Exception {
        assertThat(post("honeycomb", "not protobuf at all".getBytes(StandardCharsets.UTF_8), "x-honeycomb-team",
                "k").statusCode()).isEqualTo(400);
        assertThat(post("honeycomb", request(3).toByteArray()).statusCode()).isEqualTo(401);
        assertThat(counts("honeycomb")).contains("\"honeycomb_spans\":0,").contains("\"honeycomb_bad_requests\":1,")
                .contains("\"honeycomb_no_key\":1,");
    }

    @Test
    void countsWellFormedXrayDatagramsAndTheSpansNestedInThemAndSetsAsideTheRest() throws Exception {
        String header = "{\"format\": \"json\", \"version\": 1}\n";
        String nested = "{\"name\":\"q\",\"id\":\"2a2b3c4d5e6f7081\",\"start_time\":1.478293361271E9}";
        List<String> datagrams = List.of(
                header + "{\"name\":\"backend-flask\",\"id\":\"53995c3f42cd8ad8\",\"trace_id\":"
                        + "\"1-5759e988-bd862e3fe1be46a994272793\",\"start_time\":1.478293361271E9,"
                        + "\"end_time\":1.478293361449E9,\"http\":{\"request\":{\"method\":\"GET\"}},"
                        + "\"subsegments\":[{\"name\":\"w\",\"id\":\"3a2b3c4d5e6f7081\",\"start_time\":1,"
                        + "\"subsegments\":[" + nested + "," + nested + "]}]}",
                header + "{\"name\":\"nested without a name\",\"id\":\"53995c3f42cd8ad8\",\"trace_id\":"
                        + "\"1-5759e988-bd862e3fe1be46a994272793\",\"start_time\":1,"
                        + "\"subsegments\":[{\"id\":\"3a2b3c4d5e6f7081\",\"start_time\":1}]}",
                header + "{\"name\":\"SELECT\",\"id\":\"1a2b3c4d5e6f7081\",\"trace_id\":"
                        + "\"1-5759e988-bd862e3fe1be46a994272793\",\"start_time\":1.478293361271E9,"
                        + "\"type\":\"subsegment\",\"parent_id\":\"53995c3f42cd8ad8\"}",
                "{\"name\":\"no header\",\"id\":\"1\",\"trace_id\":\"t\",\"start_time\":1}",
                header + "{\"name\":\"cut short\",\"id\":\"1a2b\"",
                header + "{\"name\":\"no trace id\",\"id\":\"1a2b3c4d5e6f7081\",\"start_time\":1}");
        try (DatagramChannel udp = DatagramChannel.open()) {
            HostPort xray = sink.bound().get("xray");
            for (String d : datagrams) {
                udp.send(ByteBuffer.wrap(d.getBytes(StandardCharsets.UTF_8)),
                        new InetSocketAddress(xray.host(), xray.port()));
            }
        }
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(counts("honeycomb"))
                .contains("\"xray_datagrams\":2,").contains("\"xray_segments\":1,")
                .contains("\"xray_subsegments\":1,").contains("\"xray_spans\":5,")
                .contains("\"xray_invalid\":4,"));
    }

    @Test
    void theNullRelayAnswersEveryRequestWithoutDecodingIt() throws Exception {
        HttpResponse<String> r = post("null-relay", "anything, it is not read".getBytes(StandardCharsets.UTF_8));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(counts("null-relay")).contains("\"null_relay_requests\":1,").contains("\"honeycomb_spans\":0,");
    }

    @Test
    void theLoadGeneratorsRequestsAllReachTheNullRelayOverEveryProtocol() throws Exception {
        List<ExportTraceServiceRequest> requests = FlaskTraces.requests(new FlaskTraces.Shape(200, 64, 0.01, 32, 1),
                1_763_888_400_000_000_000L);
        long total = 0;
        for (RequestPool.Encoding encoding : RequestPool.Encoding.values()) {
            RequestPool pool = RequestPool.of(requests, encoding);
            try (Transport t = new HttpTransport(URI.create("http://" + sink.bound().get("null-relay")),
                    encoding == RequestPool.Encoding.PROTOBUF, 2)) {
                total += check(new LoadGenerator(pool, t, 0, Duration.ofMillis(300), 2, System.err));
            }
        }
        RequestPool pool = RequestPool.of(requests, RequestPool.Encoding.PROTOBUF);
        try (Transport t = new GrpcTransport(URI.create("http://" + sink.bound().get("null-relay-grpc")))) {
            total += check(new LoadGenerator(pool, t, 0, Duration.ofMillis(300), 2, System.err));
        }
        assertThat(counts("null-relay")).contains("\"null_relay_requests\":" + total + ",");
    }

    private static long check(LoadGenerator generator) throws InterruptedException {
        LoadSummary s = generator.run(new AtomicBoolean());
        assertThat(s.errors()).isEmpty();
        assertThat(s.requests()).isPositive();
        assertThat(s.spansOk()).isPositive();
        assertThat(s.p99Millis()).isLessThanOrEqualTo(s.maxMillis());
        return s.requests();
    }
}
