package dev.otlprelay.support;

import static dev.otlprelay.support.FakeHoneycomb.Behaviour.hang;
import static dev.otlprelay.support.FakeHoneycomb.Behaviour.ok;
import static dev.otlprelay.support.FakeHoneycomb.Behaviour.outageFor;
import static dev.otlprelay.support.FakeHoneycomb.Behaviour.partialSuccess;
import static dev.otlprelay.support.FakeHoneycomb.Behaviour.status;
import static dev.otlprelay.support.FakeHoneycomb.Behaviour.tooManyRequests;
import static dev.otlprelay.support.FakeHoneycomb.Behaviour.tooManyRequestsUntil;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class FakeHoneycombTest {
    private static final String KEY = "hcaik_01hq0000000000000000000000000000000000000000000000000000";
    private static final String CLASSIC_HEX_KEY = "0123456789abcdef0123456789abcdef";
    private static final String CLASSIC_INGEST_KEY = "hcaic_" + "a".repeat(58);
    private static final String PROTOBUF = "application/x-protobuf";

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private FakeHoneycomb fake;

    @BeforeEach
    void start() {
        fake = FakeHoneycomb.start();
    }

    @AfterEach
    void stop() {
        fake.close();
    }

    // ---------------------------------------------------------------- helpers

    private HttpRequest.Builder traces(String team, String dataset, String contentType, String encoding,
                                       byte[] body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(fake.url() + "/v1/traces"))
                .timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (team != null) {
            b.header("x-honeycomb-team", team);
        }
        if (dataset != null) {
            b.header("x-honeycomb-dataset", dataset);
        }
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        if (encoding != null) {
            b.header("Content-Encoding", encoding);
        }
        return b;
    }

    private HttpResponse<byte[]> send(HttpRequest.Builder b) {
        try {
            return client.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private HttpResponse<byte[]> post(String team, ExportTraceServiceRequest request) {
        return send(traces(team, null, PROTOBUF, null, request.toByteArray()));
    }

    private static String body(HttpResponse<byte[]> r) {
        return new String(r.body(), StandardCharsets.UTF_8);
    }

    // ---------------------------------------------------------------- tests

    @Test
    void acceptsGzipProtobufAndRecordsHeadersSizesAndDecodedSpans() throws Exception {
        ExportTraceServiceRequest request = Otlp.validRequest(3);
        byte[] raw = request.toByteArray();
        byte[] gz = Otlp.gzip(raw);

        HttpResponse<byte[]> r = send(traces(KEY, "my-dataset", PROTOBUF, "gzip", gz));

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/x-protobuf");
        assertThat(ExportTraceServiceResponse.parseFrom(r.body()).hasPartialSuccess()).isFalse();
        assertThat(fake.requests()).singleElement().satisfies(rec -> {
            assertThat(rec.path()).isEqualTo("/v1/traces");
            assertThat(rec.team()).isEqualTo(KEY);
            assertThat(rec.dataset()).isEqualTo("my-dataset");
            assertThat(rec.contentType()).isEqualTo(PROTOBUF);
            assertThat(rec.contentEncoding()).isEqualTo("gzip");
            assertThat(rec.wireBytes()).isEqualTo(gz.length);
            assertThat(rec.rawBytes()).isEqualTo(raw.length);
            assertThat(rec.raw()).isEqualTo(raw);
            assertThat(rec.traces()).isEqualTo(request);
            assertThat(rec.spanCount()).isEqualTo(3);
            assertThat(rec.status()).isEqualTo(200);
        });
        assertThat(fake.spans()).extracting(Span::getName).containsExactly("span-0", "span-1", "span-2");
        assertThat(fake.spanCount()).isEqualTo(3);
        assertThat(fake.attempts()).isEqualTo(1);
    }

    @Test
    void keepsJsonBodiesUndecodedAndAnswersJson() {
        byte[] json = "{\"resourceSpans\":[]}".getBytes(StandardCharsets.UTF_8);

        HttpResponse<byte[]> r = send(traces(KEY, null, "application/json", null, json));

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(body(r)).isEqualTo("{}");
        assertThat(fake.requests()).singleElement().satisfies(rec -> {
            assertThat(rec.traces()).isNull();
            assertThat(rec.raw()).isEqualTo(json);
        });
        assertThat(fake.spanCount()).isZero();
    }

    @Test
    void missingKeyIsRefusedWith401() {
        HttpResponse<byte[]> r = post(null, Otlp.validRequest(1));

        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(body(r)).isEqualTo("{\"error\":\"unknown API key - check your credentials\"}");
        assertThat(fake.attempts()).isEqualTo(1);
        assertThat(fake.requests()).singleElement().extracting(FakeHoneycomb.Received::status).isEqualTo(401);
        assertThat(fake.spanCount()).isZero();
    }

    @Test
    void keyOutsideTheAcceptedSetIsRefusedWith401() {
        fake.acceptKeys(KEY);

        assertThat(post("some-other-key", Otlp.validRequest(1)).statusCode()).isEqualTo(401);
        assertThat(post(KEY, Otlp.validRequest(1)).statusCode()).isEqualTo(200);
        assertThat(fake.spanCount()).isEqualTo(1);
    }

    @Test
    void classicKeyNeedsADatasetHeader() {
        byte[] body = Otlp.validRequest(1).toByteArray();

        HttpResponse<byte[]> without = send(traces(CLASSIC_HEX_KEY, null, PROTOBUF, null, body));
        HttpResponse<byte[]> with = send(traces(CLASSIC_HEX_KEY, "legacy", PROTOBUF, null, body));
        HttpResponse<byte[]> ingestWithout = send(traces(CLASSIC_INGEST_KEY, null, PROTOBUF, null, body));

        assertThat(without.statusCode()).isEqualTo(400);
        assertThat(body(without)).contains("x-honeycomb-dataset");
        assertThat(with.statusCode()).isEqualTo(200);
        assertThat(ingestWithout.statusCode()).isEqualTo(400);
        assertThat(FakeHoneycomb.isClassicKey(KEY)).isFalse();
        assertThat(fake.spanCount()).isEqualTo(1);
    }

    @Test
    void scripted429CarriesRetryAfterSecondsThenFallsBackToTheDefault() {
        fake.thenAnswer(tooManyRequests(Duration.ofMillis(1500)), 1);

        HttpResponse<byte[]> first = post(KEY, Otlp.validRequest(2));
        HttpResponse<byte[]> second = post(KEY, Otlp.validRequest(2));

        assertThat(first.statusCode()).isEqualTo(429);
        assertThat(first.headers().firstValue("Retry-After")).hasValue("2");
        assertThat(second.statusCode()).isEqualTo(200);
        assertThat(fake.attempts()).isEqualTo(2);
        assertThat(fake.spanCount()).isEqualTo(2);
    }

    @Test
    void plain429HasNoRetryAfter() {
        fake.thenAnswer(tooManyRequests(), 1);

        HttpResponse<byte[]> r = post(KEY, Otlp.validRequest(1));

        assertThat(r.statusCode()).isEqualTo(429);
        assertThat(r.headers().firstValue("Retry-After")).isEmpty();
    }

    @Test
    void retryAfterHttpDateIsAValidRfc1123Date() {
        // 00:30 in Paris (UTC+1 in March) is the previous day in GMT; the fraction of a second is dropped.
        ZonedDateTime until = ZonedDateTime.of(2031, 3, 5, 0, 30, 15, 500_000_000, ZoneId.of("Europe/Paris"));
        fake.thenAnswer(tooManyRequestsUntil(until), 1);

        HttpResponse<byte[]> r = post(KEY, Otlp.validRequest(1));

        assertThat(r.statusCode()).isEqualTo(429);
        String value = r.headers().firstValue("Retry-After").orElseThrow();
        assertThat(value).isEqualTo("Tue, 04 Mar 2031 23:30:15 GMT");
        ZonedDateTime parsed = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME);
        assertThat(parsed.toInstant()).isEqualTo(until.toInstant().truncatedTo(ChronoUnit.SECONDS));
    }

    @Test
    void scriptedFailuresCountAsAttemptsButDeliverNothing() {
        fake.thenAnswer(status(503), 2).thenAnswer(status(502)).thenAnswer(status(504));

        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            statuses.add(post(KEY, Otlp.validRequest(1)).statusCode());
        }

        assertThat(statuses).containsExactly(503, 503, 502, 504, 200);
        assertThat(fake.attempts()).isEqualTo(5);
        assertThat(fake.requests()).extracting(FakeHoneycomb.Received::status)
                .containsExactly(503, 503, 502, 504, 200);
        assertThat(fake.spanCount()).isEqualTo(1);
    }

    @Test
    void outageAnswers503UntilItsDurationHasElapsedThen200() {
        fake.answer(outageFor(Duration.ofMillis(300)));

        assertThat(post(KEY, Otlp.validRequest(1)).statusCode()).isEqualTo(503);
        assertThat(post(KEY, Otlp.validRequest(1)).statusCode()).isEqualTo(503);
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50))
                .until(() -> post(KEY, Otlp.validRequest(1)).statusCode() == 200);

        assertThat(fake.spanCount()).isEqualTo(1);
        assertThat(post(KEY, Otlp.validRequest(1)).statusCode()).isEqualTo(200);
    }

    @Test
    void scriptedOutageFallsThroughToTheNextScriptedAnswer() {
        fake.thenAnswer(outageFor(Duration.ofMillis(300)), 1).thenAnswer(status(400), 1);

        assertThat(post(KEY, Otlp.validRequest(1)).statusCode()).isEqualTo(503);
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50))
                .until(() -> post(KEY, Otlp.validRequest(1)).statusCode() == 400);
        assertThat(post(KEY, Otlp.validRequest(1)).statusCode()).isEqualTo(200);
    }

    @Test
    void hangDoesNotAnswerSoAClientTimesOut() {
        fake.thenAnswer(hang(), 1);
        HttpRequest.Builder b = traces(KEY, null, PROTOBUF, null, Otlp.validRequest(1).toByteArray())
                .timeout(Duration.ofSeconds(1));

        assertThatThrownBy(() -> client.send(b.build(), HttpResponse.BodyHandlers.ofByteArray()))
                .isInstanceOf(HttpTimeoutException.class);
        assertThat(fake.attempts()).isEqualTo(1);
        assertThat(fake.hanging()).isEqualTo(1);
        assertThat(fake.releaseHangs()).isEqualTo(1);
        assertThat(post(KEY, Otlp.validRequest(1)).statusCode()).isEqualTo(200);
        assertThat(fake.spanCount()).isEqualTo(1);
    }

    @Test
    void hangAnswersOnlyWhenReleased() throws Exception {
        fake.thenAnswer(hang(), 1);
        CompletableFuture<HttpResponse<byte[]>> pending = client.sendAsync(
                traces(KEY, null, PROTOBUF, null, Otlp.validRequest(2).toByteArray()).build(),
                HttpResponse.BodyHandlers.ofByteArray());

        await().atMost(Duration.ofSeconds(5)).until(() -> fake.hanging() == 1);
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(1)).until(() -> !pending.isDone());
        assertThat(fake.requests()).isEmpty();

        fake.releaseHangs(ok());

        assertThat(pending.get(5, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        assertThat(fake.spanCount()).isEqualTo(2);
        assertThat(fake.hanging()).isZero();
    }

    @Test
    void closeReleasesHangingRequests() throws Exception {
        fake.answer(hang());
        CompletableFuture<HttpResponse<byte[]>> pending = client.sendAsync(
                traces(KEY, null, PROTOBUF, null, Otlp.validRequest(1).toByteArray()).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        await().atMost(Duration.ofSeconds(5)).until(() -> fake.hanging() == 1);

        fake.close();

        assertThat(pending.handle((r, e) -> r == null ? -1 : r.statusCode()).get(5, TimeUnit.SECONDS))
                .isIn(503, -1);
    }

    @Test
    void split413AboveRefusesTracesRequestsWithTooManySpans() {
        fake.split413Above(2);

        HttpResponse<byte[]> big = post(KEY, Otlp.validRequest(3));
        HttpResponse<byte[]> small = post(KEY, Otlp.validRequest(2));

        assertThat(big.statusCode()).isEqualTo(413);
        assertThat(small.statusCode()).isEqualTo(200);
        assertThat(fake.spanCount()).isEqualTo(2);
        assertThat(fake.attempts()).isEqualTo(2);
    }

    @Test
    void bodyOverTheUncompressedLimitIs413() {
        byte[] raw = Otlp.validRequest(50).toByteArray();
        fake.limitBytes(raw.length - 1);

        HttpResponse<byte[]> r = send(traces(KEY, null, PROTOBUF, "gzip", Otlp.gzip(raw)));

        assertThat(r.statusCode()).isEqualTo(413);
        assertThat(fake.requests()).singleElement().satisfies(rec -> {
            assertThat(rec.rawBytes()).isEqualTo(raw.length);
            assertThat(rec.raw()).isNull();
        });
        assertThat(fake.spanCount()).isZero();
    }

    @Test
    void partialSuccessAnswersWithPartialSuccessAndRecordsAllSpans() throws Exception {
        fake.thenAnswer(partialSuccess(2, "2 spans had invalid timestamps"), 1);

        HttpResponse<byte[]> r = post(KEY, Otlp.validRequest(5));

        assertThat(r.statusCode()).isEqualTo(200);
        ExportTraceServiceResponse response = ExportTraceServiceResponse.parseFrom(r.body());
        assertThat(response.hasPartialSuccess()).isTrue();
        assertThat(response.getPartialSuccess().getRejectedSpans()).isEqualTo(2);
        assertThat(response.getPartialSuccess().getErrorMessage()).isEqualTo("2 spans had invalid timestamps");
        assertThat(fake.spanCount()).isEqualTo(5);
        assertThat(fake.rejectedReported()).isEqualTo(2);
    }

    @Test
    void spanIdCountsRevealDuplicates() {
        fake.thenAnswer(status(503), 1);
        post(KEY, Otlp.validRequest(2)); // refused: not counted
        post(KEY, Otlp.validRequest(2));
        post(KEY, Otlp.validRequest(3));

        assertThat(fake.spanIdCounts()).containsEntry("0000000000000001", 2).containsEntry("0000000000000002", 2)
                .containsEntry("0000000000000003", 1).hasSize(3);
    }

    @Test
    void awaitSpansWaitsForDeliveryAndFailsWithAnExplanationOnTimeout() throws Exception {
        CompletableFuture<HttpResponse<byte[]>> later = client.sendAsync(
                traces(KEY, null, PROTOBUF, null, Otlp.validRequest(4).toByteArray()).build(),
                HttpResponse.BodyHandlers.ofByteArray());

        assertThat(fake.awaitSpans(4, Duration.ofSeconds(5))).hasSize(4);
        assertThat(later.get(5, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        assertThatThrownBy(() -> fake.awaitSpans(5, Duration.ofMillis(100)))
                .isInstanceOf(AssertionError.class).hasMessageContaining("expected 5 delivered spans, got 4");
    }

    @Test
    void resetForgetsRecordingsScriptAndSettings() {
        fake.acceptKeys("only-this").thenAnswer(status(503), 3);
        post("only-this", Otlp.validRequest(1));

        fake.reset();

        assertThat(fake.attempts()).isZero();
        assertThat(fake.requests()).isEmpty();
        assertThat(post(KEY, Otlp.validRequest(1)).statusCode()).isEqualTo(200);
        assertThat(fake.spanCount()).isEqualTo(1);
    }

    @Test
    void answersMetricsAndLogsAndRefusesUnknownPathsAndMethods() {
        for (String path : List.of("/v1/metrics", "/v1/logs")) {
            HttpResponse<byte[]> r = send(HttpRequest.newBuilder(URI.create(fake.url() + path))
                    .header("x-honeycomb-team", KEY).header("Content-Type", PROTOBUF)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[0])));
            assertThat(r.statusCode()).as(path).isEqualTo(200);
        }
        assertThat(send(HttpRequest.newBuilder(URI.create(fake.url() + "/v1/nope")).header("x-honeycomb-team", KEY)
                .POST(HttpRequest.BodyPublishers.noBody())).statusCode()).isEqualTo(404);
        assertThat(send(HttpRequest.newBuilder(URI.create(fake.url() + "/v1/traces")).GET()).statusCode())
                .isEqualTo(405);
        assertThat(fake.url()).startsWith("http://127.0.0.1:").doesNotEndWith("/");
        assertThat(fake.requests()).extracting(FakeHoneycomb.Received::traces).containsOnlyNulls();
    }
}
