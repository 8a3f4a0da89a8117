package dev.otlprelay.receive;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.rpc.Status;
import dev.otlprelay.support.Http;
import dev.otlprelay.support.Otlp;
import dev.otlprelay.support.TestRelay;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every kind of bad OTLP/HTTP input gets the status code the OTLP specification prescribes, a
 * {@code google.rpc.Status} body that says what was wrong, and a counter by reason; the relay stays up.
 */
class HttpBadInputTest {
    static final long LIMIT = 1024 * 1024;
    static final String PROTOBUF = "application/x-protobuf";
    static final String JSON = "application/json";
    static TestRelay relay;

    @BeforeAll
    static void start() {
        relay = new TestRelay(Map.of("RELAY_MAX_REQUEST_BYTES", Long.toString(LIMIT)));
    }

    @AfterAll
    static void stop() {
        relay.close();
    }

    @AfterEach
    void relayStaysUpAndReleasesItsBudget() {
        HttpResponse<byte[]> ok = post(PROTOBUF, null, Otlp.validRequest(1).toByteArray());
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(relay.relay.admission().inflight()).isZero();
    }

    private HttpResponse<byte[]> post(String contentType, String encoding, byte[] body) {
        return Http.post(relay.httpUrl() + "/v1/traces", contentType, encoding, body);
    }

    private static String protobufStatus(HttpResponse<byte[]> r) throws Exception {
        assertThat(r.headers().firstValue("content-type")).contains(PROTOBUF);
        return Status.parseFrom(r.body()).getMessage();
    }

    private static JsonNode jsonStatus(HttpResponse<byte[]> r) throws Exception {
        assertThat(r.headers().firstValue("content-type")).contains(JSON);
        return new ObjectMapper().readTree(r.body());
    }

    private double refused(String reason) {
        return relay.metric("otlp_relay_receiver_refused_requests_total", "transport", "http", "reason", reason);
    }

    @Test
    void garbageBytesGet400WithStatusBody() throws Exception {
        double before = refused("invalid_protobuf");
        byte[] garbage = new byte[32];
        Arrays.fill(garbage, (byte) 0xff);
        HttpResponse<byte[]> r = post(PROTOBUF, null, garbage);
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(protobufStatus(r)).contains("invalid OTLP/protobuf ExportTraceServiceRequest");
        assertThat(Status.parseFrom(r.body()).getCode()).isEqualTo(3);
        assertThat(refused("invalid_protobuf")).isEqualTo(before + 1);
    }

    @Test
    void truncatedProtobufGets400() throws Exception {
        byte[] full = Otlp.validRequest(3).toByteArray();
        HttpResponse<byte[]> r = post(PROTOBUF, null, Arrays.copyOf(full, full.length - 7));
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(protobufStatus(r)).containsIgnoringCase("ended unexpectedly");
    }

    @Test
    void invalidJsonGets400WithJsonStatusBody() throws Exception {
        double before = refused("invalid_json");
        HttpResponse<byte[]> r = post(JSON, null, "{\"resourceSpans\": [".getBytes(StandardCharsets.UTF_8));
        assertThat(r.statusCode()).isEqualTo(400);
        JsonNode status = jsonStatus(r);
        assertThat(status.get("code").asInt()).isEqualTo(3);
        assertThat(status.get("message").asText()).contains("invalid OTLP/JSON");
        assertThat(refused("invalid_json")).isEqualTo(before + 1);
    }

    @Test
    void badGzipGets400() throws Exception {
        double before = refused("invalid_gzip");
        HttpResponse<byte[]> r = post(PROTOBUF, "gzip", "this is not gzip".getBytes(StandardCharsets.UTF_8));
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(protobufStatus(r)).contains("invalid gzip body");
        assertThat(refused("invalid_gzip")).isEqualTo(before + 1);
    }

    @Test
    void truncatedGzipGets400() throws Exception {
        byte[] gz = Otlp.gzip(Otlp.validRequest(20).toByteArray());
        HttpResponse<byte[]> r = post(PROTOBUF, "gzip", Arrays.copyOf(gz, gz.length / 2));
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(protobufStatus(r)).contains("invalid gzip body");
    }

    @Test
    void unsupportedEncodingGets415() throws Exception {
        double before = refused("unsupported_encoding");
        HttpResponse<byte[]> r = post(PROTOBUF, "br", Otlp.validRequest(1).toByteArray());
        assertThat(r.statusCode()).isEqualTo(415);
        assertThat(protobufStatus(r)).contains("unsupported Content-Encoding \"br\"").contains("gzip");
        assertThat(refused("unsupported_encoding")).isEqualTo(before + 1);
    }

    @Test
    void unsupportedContentTypeGets415() throws Exception {
        double before = refused("unsupported_content_type");
        HttpResponse<byte[]> r = post("text/plain", null, "hello".getBytes(StandardCharsets.UTF_8));
        assertThat(r.statusCode()).isEqualTo(415);
        assertThat(jsonStatus(r).get("message").asText()).contains("unsupported Content-Type \"text/plain\"")
                .contains("application/x-protobuf");
        assertThat(refused("unsupported_content_type")).isEqualTo(before + 1);
    }

    @Test
    void oversizeBodyGets413() throws Exception {
        double before = refused("too_large");
        byte[] big = new byte[(int) LIMIT + 1];
        HttpResponse<byte[]> r = post(PROTOBUF, null, big);
        assertThat(r.statusCode()).isEqualTo(413);
        assertThat(protobufStatus(r)).contains("over the limit of " + LIMIT + " bytes");
        assertThat(Status.parseFrom(r.body()).getCode()).isEqualTo(8);
        assertThat(refused("too_large")).isEqualTo(before + 1);
    }

    @Test
    void gzipBombOfOneGibibyteGets413() throws Exception {
        // ~1 MB of gzip that inflates to 1 GiB: refused after inflating at most the 1 MiB limit.
        byte[] bomb = Otlp.gzipBomb(1L << 30);
        assertThat(bomb.length).isLessThan(1_100_000);
        double before = refused("too_large");
        HttpResponse<byte[]> r = post(PROTOBUF, "gzip", bomb);
        assertThat(r.statusCode()).isEqualTo(413);
        assertThat(protobufStatus(r)).contains("gzip body that inflates to more than " + LIMIT + " bytes");
        assertThat(refused("too_large")).isEqualTo(before + 1);
    }

    @Test
    void smallGzipBombGets413() throws Exception {
        byte[] bomb = Otlp.gzipBomb(10L * LIMIT);
        assertThat(bomb.length).isLessThan(12 * 1024);
        HttpResponse<byte[]> r = post(PROTOBUF, "gzip", bomb);
        assertThat(r.statusCode()).isEqualTo(413);
    }

    @Test
    void invalidIdsAreRejectedOneByOneWithPartialSuccess() throws Exception {
        var request = Otlp.request("backend-flask",
                Otlp.span("good-1", "0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331"),
                Otlp.span("short-trace", "0af7651916cd43dd8448eb211c8031", "b7ad6b7169203332"),
                Otlp.span("zero-trace", "00000000000000000000000000000000", "b7ad6b7169203333"),
                Otlp.span("long-span", "0af7651916cd43dd8448eb211c80319c", "b7ad6b716920333344"),
                Otlp.span("good-2", "0af7651916cd43dd8448eb211c80319d", "b7ad6b7169203335"));
        double before = relay.metric("otlp_relay_receiver_refused_spans_total", "transport", "http", "reason",
                "invalid_id");
        int capturedBefore = relay.captured.spans().size();
        HttpResponse<byte[]> r = post(PROTOBUF, null, request.toByteArray());
        assertThat(r.statusCode()).isEqualTo(200);
        ExportTraceServiceResponse response = ExportTraceServiceResponse.parseFrom(r.body());
        assertThat(response.getPartialSuccess().getRejectedSpans()).isEqualTo(3);
        assertThat(response.getPartialSuccess().getErrorMessage()).contains("3 of 5 spans rejected")
                .contains("short-trace").contains("trace_id has 15 bytes");
        assertThat(relay.metric("otlp_relay_receiver_refused_spans_total", "transport", "http", "reason",
                "invalid_id")).isEqualTo(before + 3);
        org.awaitility.Awaitility.await().until(() -> relay.captured.spans().size() >= capturedBefore + 2);
        assertThat(relay.captured.spans()).extracting(s -> s.span().getName()).contains("good-1", "good-2")
                .doesNotContain("short-trace", "zero-trace", "long-span");
    }

    @Test
    void invalidIdsInJsonGetJsonPartialSuccess() throws Exception {
        String json = """
                {"resourceSpans":[{"scopeSpans":[{"spans":[
                  {"traceId":"0AF7651916CD43DD8448EB211C80319C","spanId":"B7AD6B7169203331","name":"ok"},
                  {"traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"","name":"no-span-id"}]}]}]}""";
        HttpResponse<byte[]> r = post(JSON, null, json.getBytes(StandardCharsets.UTF_8));
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode body = jsonStatus(r);
        assertThat(body.at("/partialSuccess/rejectedSpans").asLong()).isEqualTo(1);
        assertThat(body.at("/partialSuccess/errorMessage").asText()).contains("no-span-id").contains("span_id");
    }

    @Test
    void emptyRequestGets200() {
        assertThat(post(PROTOBUF, null, new byte[0]).statusCode()).isEqualTo(200);
        assertThat(post(JSON, null, "{}".getBytes(StandardCharsets.UTF_8)).statusCode()).isEqualTo(200);
    }

    @Test
    void doubledPathGets404SayingTheRightPath() throws Exception {
        double before = refused("wrong_path");
        HttpResponse<byte[]> r = Http.post(relay.httpUrl() + "/v1/traces/v1/traces", PROTOBUF, null,
                Otlp.validRequest(1).toByteArray());
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(protobufStatus(r)).contains("expected: POST /v1/traces").contains("OTEL_EXPORTER_OTLP_ENDPOINT");
        assertThat(refused("wrong_path")).isEqualTo(before + 1);
    }

    @Test
    void unknownPathGets404ListingTheOtlpPaths() throws Exception {
        HttpResponse<byte[]> r = Http.post(relay.httpUrl() + "/api/traces", PROTOBUF, null, new byte[0]);
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(protobufStatus(r)).contains("/v1/traces, /v1/metrics or /v1/logs");
    }

    @Test
    void wrongMethodGets405WithAllowHeader() throws Exception {
        double before = refused("wrong_method");
        HttpResponse<byte[]> r = Http.request("GET", relay.httpUrl() + "/v1/traces");
        assertThat(r.statusCode()).isEqualTo(405);
        assertThat(r.headers().firstValue("allow")).contains("POST");
        assertThat(jsonStatus(r).get("message").asText()).contains("expected: POST");
        assertThat(refused("wrong_method")).isEqualTo(before + 1);
    }

    @Test
    void requestsAreCountedByStatusCode() {
        double before = relay.metric("otlp_relay_receiver_requests_total", "transport", "http", "code", "415");
        post("text/plain", null, new byte[1]);
        assertThat(relay.metric("otlp_relay_receiver_requests_total", "transport", "http", "code", "415"))
                .isEqualTo(before + 1);
    }

    @org.junit.jupiter.api.Test
    void headersOver8KibGet431() throws Exception {
        double before = refused("headers_too_large");
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", relay.relay.httpPort())) {
            socket.setSoTimeout(10_000);
            String request = "POST /v1/traces HTTP/1.1\r\nHost: relay\r\nContent-Type: application/x-protobuf\r\n"
                    + "X-Big: " + "a".repeat(9 * 1024) + "\r\nContent-Length: 0\r\n\r\n";
            socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertThat(answer).startsWith("HTTP/1.1 431");
            assertThat(answer).contains("request headers too large");
        }
        assertThat(refused("headers_too_large")).isEqualTo(before + 1);
    }

    @Test
    void aContentLengthOverTheLimitGets413BeforeAnyOfTheBodyIsSent() throws Exception {
        double before = refused("too_large");
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", relay.relay.httpPort())) {
            socket.setSoTimeout(10_000);
            // The body is never sent: only an answer given on the headers alone can arrive.
            String request = "POST /v1/traces HTTP/1.1\r\nHost: relay\r\nContent-Type: application/x-protobuf\r\n"
                    + "Content-Length: " + (LIMIT + 1) + "\r\n\r\n";
            socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            byte[] head = new byte[512];
            int n = socket.getInputStream().read(head);
            String answer = new String(head, 0, Math.max(n, 0), StandardCharsets.ISO_8859_1);
            assertThat(answer).startsWith("HTTP/1.1 413");
        }
        assertThat(refused("too_large")).isEqualTo(before + 1);
    }
}
