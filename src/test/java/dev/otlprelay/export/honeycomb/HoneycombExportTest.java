package dev.otlprelay.export.honeycomb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import dev.otlprelay.support.FakeHoneycomb;
import dev.otlprelay.support.FakeHoneycomb.Behaviour;
import dev.otlprelay.support.Http;
import dev.otlprelay.support.Otlp;
import dev.otlprelay.support.TestRelay;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Spans sent by the OpenTelemetry SDK through the relay to a fake Honeycomb that can fail on purpose: every span
 * is delivered exactly once when Honeycomb recovers, failures are retried or dropped as Honeycomb's answer
 * says, the queue pushes back when full, the key never leaks, and the accounting identity holds.
 */
class HoneycombExportTest {
    static final String KEY = "hcaik_01jxyzsecretsecretsecretsecretsecretsecretsecretsecretse";
    FakeHoneycomb honeycomb;
    TestRelay relay;
    final List<String> logLines = new CopyOnWriteArrayList<>();
    final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord r) {
            logLines.add(r.getLevel() + " " + r.getLoggerName() + " " + r.getMessage()
                    + (r.getThrown() == null ? "" : " " + r.getThrown()));
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void start() {
        honeycomb = FakeHoneycomb.start();
        Logger.getLogger("").addHandler(capture);
    }

    @AfterEach
    void stop() {
        if (relay != null) {
            relay.close();
        }
        honeycomb.close();
        Logger.getLogger("").removeHandler(capture);
        assertThat(String.join("\n", logLines)).doesNotContain(KEY);
    }

    /** A relay sending to the fake, with fast retries unless the test says otherwise. */
    private TestRelay relay(String extraYaml, Map<String, String> extraEnv) throws IOException {
        Path yaml = Files.createTempFile("relay", ".yaml");
        yaml.toFile().deleteOnExit();
        String base = """
                honeycomb:
                  batch_timeout: 50ms
                  retry_initial_backoff: 100ms
                  retry_max_backoff: 500ms
                  retry_max_elapsed: 120s
                  request_timeout: 2s
                """;
        // A key the test sets itself replaces the default above.
        StringBuilder merged = new StringBuilder();
        for (String line : base.split("\n")) {
            String key = line.strip().split(":")[0];
            if (!line.startsWith("  ") || !extraYaml.contains("  " + key + ":")) {
                merged.append(line).append('\n');
            }
        }
        Files.writeString(yaml, merged + extraYaml);
        Map<String, String> env = new HashMap<>(Map.of("HONEYCOMB_API_KEY", KEY,
                "HONEYCOMB_API_ENDPOINT", honeycomb.url(), "RELAY_CONFIG", yaml.toString()));
        env.putAll(extraEnv);
        relay = new TestRelay(env);
        return relay;
    }

    private TestRelay relay() throws IOException {
        return relay("", Map.of());
    }

    private static SdkTracerProvider sdk(TestRelay relay) {
        return SdkTracerProvider.builder()
                .setResource(Resource.create(Attributes.of(AttributeKey.stringKey("service.name"), "backend-flask")))
                .addSpanProcessor(BatchSpanProcessor.builder(OtlpHttpSpanExporter.builder()
                        .setEndpoint(relay.httpUrl() + "/v1/traces").build()).setMaxExportBatchSize(100)
                        .setScheduleDelay(Duration.ofMillis(20)).build())
                .build();
    }

    private static void sendSpans(SdkTracerProvider provider, int count) {
        Tracer tracer = provider.get("honeycomb-test");
        for (int i = 0; i < count; i++) {
            tracer.spanBuilder("GET /api/activities/home").setAttribute("test.index", i)
                    .setAttribute("app.result_length", 3L).startSpan().end();
        }
        provider.forceFlush().join(60, TimeUnit.SECONDS);
    }

    private double honeycombMetric(String name, String... labels) {
        String[] all = new String[labels.length + 2];
        all[0] = "exporter";
        all[1] = "honeycomb";
        System.arraycopy(labels, 0, all, 2, labels.length);
        return relay.metric(name, all);
    }

    /** enqueued = sent + dropped{reason} + queued, read from one scrape. */
    private void assertAccountingHolds() {
        String scrape = relay.admin("/metrics").body();
        double enqueued = TestRelay.Scrape.value(scrape, "otlp_relay_exporter_enqueued_spans_total", "exporter",
                "honeycomb");
        double sent = TestRelay.Scrape.value(scrape, "otlp_relay_exporter_sent_spans_total", "exporter",
                "honeycomb");
        double dropped = TestRelay.Scrape.value(scrape, "otlp_relay_dropped_spans_total", "exporter", "honeycomb");
        double queued = TestRelay.Scrape.value(scrape, "otlp_relay_exporter_queue_spans", "exporter", "honeycomb");
        assertThat(sent + dropped + queued).as("sent + dropped + queued").isEqualTo(enqueued);
        double accepted = TestRelay.Scrape.value(scrape, "otlp_relay_receiver_accepted_spans_total");
        assertThat(enqueued).as("every accepted span reaches the Honeycomb destination").isEqualTo(accepted);
    }

    private static Map<String, AnyValue> attributes(Span s) {
        Map<String, AnyValue> m = new HashMap<>();
        for (KeyValue kv : s.getAttributesList()) {
            m.put(kv.getKey(), kv.getValue());
        }
        return m;
    }

    @Test
    void sdkSpansArriveExactlyOnceGzippedWithTheKeyAndAttributesIntact() throws Exception {
        relay();
        SdkTracerProvider provider = sdk(relay);
        sendSpans(provider, 500);
        honeycomb.awaitSpans(500, Duration.ofSeconds(30));
        provider.shutdown().join(10, TimeUnit.SECONDS);

        assertThat(honeycomb.spanIdCounts()).hasSize(500).allSatisfy((id, n) -> assertThat(n).isEqualTo(1));
        assertThat(honeycomb.requests()).allSatisfy(r -> {
            assertThat(r.team()).isEqualTo(KEY);
            assertThat(r.dataset()).isNull();
            assertThat(r.contentEncoding()).isEqualTo("gzip");
            assertThat(r.contentType()).isEqualTo("application/x-protobuf");
            assertThat(r.rawBytes()).isLessThanOrEqualTo(4 * 1024 * 1024);
            assertThat(r.status()).isEqualTo(200);
        });
        List<Long> indexes = new ArrayList<>();
        for (Span s : honeycomb.spans()) {
            assertThat(attributes(s).get("app.result_length").getIntValue()).isEqualTo(3);
            indexes.add(attributes(s).get("test.index").getIntValue());
        }
        assertThat(indexes).doesNotHaveDuplicates().hasSize(500);
        await().untilAsserted(() -> assertThat(honeycombMetric("otlp_relay_exporter_sent_spans_total"))
                .isEqualTo(500));
        assertAccountingHolds();
    }

    @Test
    void classicKeysAndAConfiguredDatasetSendTheDatasetHeader() throws Exception {
        relay("", Map.of("HONEYCOMB_DATASET", "cruddur"));
        Http.post(relay.httpUrl() + "/v1/traces", "application/x-protobuf", null, Otlp.validRequest(3)
                .toByteArray());
        honeycomb.awaitSpans(3, Duration.ofSeconds(10));
        assertThat(honeycomb.requests()).allSatisfy(r -> assertThat(r.dataset()).isEqualTo("cruddur"));
    }

    @Test
    void outageOf429And500And503ThenRecoveryDeliversEverySpanAndCountsRetries() throws Exception {
        relay();
        // A few seconds of 503 after the 429s and 500s: with backoffs of 100-500 ms that is many attempts, and the
        // suite does not spend half a minute waiting for a real-time outage.
        honeycomb.thenAnswer(Behaviour.tooManyRequests(), 3).thenAnswer(Behaviour.status(500), 2)
                .thenAnswer(Behaviour.status(502), 1).thenAnswer(Behaviour.status(504), 1)
                .thenAnswer(Behaviour.outageFor(Duration.ofSeconds(3)));
        SdkTracerProvider provider = sdk(relay);
        sendSpans(provider, 300);
        honeycomb.awaitSpans(300, Duration.ofSeconds(90));
        provider.shutdown().join(10, TimeUnit.SECONDS);

        assertThat(honeycomb.spanIdCounts()).hasSize(300).allSatisfy((id, n) -> assertThat(n).isEqualTo(1));
        assertThat(honeycombMetric("otlp_relay_exporter_retries_total")).isPositive();
        assertThat(honeycombMetric("otlp_relay_exporter_send_failed_spans_total", "reason", "http_429"))
                .isPositive();
        assertThat(honeycombMetric("otlp_relay_exporter_send_failed_spans_total", "reason", "http_500"))
                .as("500 is retried (honeycomb.retry_on), not dropped").isPositive();
        assertThat(honeycombMetric("otlp_relay_exporter_send_failed_spans_total", "reason", "http_503"))
                .isPositive();
        assertThat(honeycombMetric("otlp_relay_exporter_send_failed_spans_total", "reason", "http_502"))
                .as("502 is retried").isPositive();
        assertThat(honeycombMetric("otlp_relay_exporter_send_failed_spans_total", "reason", "http_504"))
                .as("504 is retried").isPositive();
        await().untilAsserted(() -> assertThat(honeycombMetric("otlp_relay_exporter_sent_spans_total"))
                .isEqualTo(300));
        assertThat(honeycombMetric("otlp_relay_dropped_spans_total")).isZero();
        assertAccountingHolds();
    }

    /**
     * The received bytes, not a re-encoding, reach Honeycomb: this body puts a ResourceSpans' scope_spans before its
     * resource, an order protobuf-java never writes, so re-encoding the decoded request would change it.
     */
    @Test
    void aProtobufRequestHoneycombsLimitsLeaveAloneIsForwardedAsTheBytesReceived() throws Exception {
        relay();
        ResourceSpans rs = Otlp.validRequest(5).getResourceSpans(0);
        ByteArrayOutputStream reordered = new ByteArrayOutputStream();
        CodedOutputStream inner = CodedOutputStream.newInstance(reordered);
        for (ScopeSpans ss : rs.getScopeSpansList()) {
            inner.writeMessage(2, ss);
        }
        inner.writeMessage(1, rs.getResource());
        inner.flush();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        CodedOutputStream outer = CodedOutputStream.newInstance(body);
        outer.writeBytes(1, ByteString.copyFrom(reordered.toByteArray()));
        outer.flush();
        byte[] received = body.toByteArray();
        assertThat(ExportTraceServiceRequest.parseFrom(received).toByteArray()).as("re-encoding changes the bytes")
                .isNotEqualTo(received);

        assertThat(Http.post(relay.httpUrl() + "/v1/traces", "application/x-protobuf", null, received).statusCode())
                .isEqualTo(200);
        honeycomb.awaitSpans(5, Duration.ofSeconds(10));
        assertThat(honeycomb.requests()).singleElement().satisfies(r -> assertThat(r.raw()).isEqualTo(received));
    }

    @Test
    void aValueOverHoneycombsStringLimitInAReceivedRequestIsTruncatedAndCounted() throws Exception {
        relay();
        ExportTraceServiceRequest request = Otlp.validRequest(3);
        ResourceSpans rs = request.getResourceSpans(0);
        Span longValue = rs.getScopeSpans(0).getSpans(1).toBuilder().addAttributes(KeyValue.newBuilder()
                .setKey("app.payload").setValue(AnyValue.newBuilder().setStringValue("p".repeat(100_000)))).build();
        ExportTraceServiceRequest sent = request.toBuilder().setResourceSpans(0, rs.toBuilder()
                .setScopeSpans(0, rs.getScopeSpans(0).toBuilder().setSpans(1, longValue))).build();
        assertThat(Http.post(relay.httpUrl() + "/v1/traces", "application/x-protobuf", null, sent.toByteArray())
                .statusCode()).isEqualTo(200);
        List<Span> spans = honeycomb.awaitSpans(3, Duration.ofSeconds(10));
        assertThat(spans).filteredOn(s -> attributes(s).containsKey("app.payload")).singleElement()
                .satisfies(s -> assertThat(attributes(s).get("app.payload").getStringValue().length())
                        .isBetween(65_530, 65_535));
        assertThat(honeycombMetric("otlp_relay_exporter_truncated_values_total")).isEqualTo(1.0);
    }

    @Test
    void a413SplitsTheBatchAndDeliversEveryHalf() throws Exception {
        relay("  batch_max_spans: 64\n", Map.of());
        honeycomb.split413Above(10);
        Http.post(relay.httpUrl() + "/v1/traces", "application/x-protobuf", null, Otlp.validRequest(40)
                .toByteArray());
        honeycomb.awaitSpans(40, Duration.ofSeconds(20));
        assertThat(honeycomb.spanIdCounts()).hasSize(40).allSatisfy((id, n) -> assertThat(n).isEqualTo(1));
        assertThat(honeycomb.requests()).anySatisfy(r -> assertThat(r.status()).isEqualTo(413));
        assertThat(honeycombMetric("otlp_relay_exporter_send_failed_spans_total", "reason", "http_413"))
                .isPositive();
        await().untilAsserted(this::assertAccountingHolds);
    }

    @Test
    void a400IsDroppedWithItsReasonAndNotRetried() throws Exception {
        relay();
        honeycomb.answer(Behaviour.status(400));
        Http.post(relay.httpUrl() + "/v1/traces", "application/x-protobuf", null, Otlp.validRequest(5)
                .toByteArray());
        await().untilAsserted(() -> assertThat(honeycombMetric("otlp_relay_dropped_spans_total", "reason",
                "http_400")).isEqualTo(5));
        assertThat(honeycomb.attempts()).isEqualTo(1);
        assertThat(honeycombMetric("otlp_relay_exporter_retries_total")).isZero();
        assertAccountingHolds();
    }

    @Test
    void partialSuccessCountsTheRejectedSpansAsLost() throws Exception {
        relay();
        honeycomb.thenAnswer(Behaviour.partialSuccess(2, "2 spans had bad timestamps"), 1);
        Http.post(relay.httpUrl() + "/v1/traces", "application/x-protobuf", null, Otlp.validRequest(5)
                .toByteArray());
        await().untilAsserted(() -> assertThat(honeycombMetric("otlp_relay_dropped_spans_total", "reason",
                "partial_success")).isEqualTo(2));
        assertThat(honeycombMetric("otlp_relay_exporter_sent_spans_total")).isEqualTo(3);
        assertThat(logLines).anySatisfy(l -> assertThat(l).contains("2 spans had bad timestamps"));
        assertAccountingHolds();
    }

    @Test
    void whenHoneycombIsDownAndTheQueueFillsClientsGet503AndEverythingAcceptedIsDeliveredLater()
            throws Exception {
        relay("  queue_bytes: 1MiB\n", Map.of());
        honeycomb.answer(Behaviour.status(503));
        byte[] request = Otlp.validRequest(200).toByteArray();
        int accepted = 0;
        HttpResponse<byte[]> refused = null;
        for (int i = 0; i < 200 && refused == null; i++) {
            var withIds = Otlp.request("backend-flask", uniqueSpans(i, 200));
            HttpResponse<byte[]> r = Http.post(relay.httpUrl() + "/v1/traces", "application/x-protobuf", null,
                    withIds.toByteArray());
            if (r.statusCode() == 200) {
                accepted += 200;
            } else {
                refused = r;
            }
        }
        assertThat(request.length).isPositive();
        assertThat(refused).as("the queue filled and the relay pushed back").isNotNull();
        assertThat(refused.statusCode()).isEqualTo(503);
        assertThat(refused.headers().firstValue("retry-after")).isPresent();
        assertThat(relay.metric("otlp_relay_exporter_queue_bytes", "exporter", "honeycomb"))
                .isLessThanOrEqualTo(1024 * 1024 + request.length);
        assertThat(relay.admin("/readyz").statusCode()).isEqualTo(503);

        honeycomb.answer(Behaviour.ok());
        honeycomb.awaitSpans(accepted, Duration.ofSeconds(60));
        int deliveredOnce = accepted;
        assertThat(honeycomb.spanIdCounts()).hasSize(deliveredOnce);
        await().untilAsserted(() -> assertThat(honeycombMetric("otlp_relay_exporter_queue_spans")).isZero());
        assertAccountingHolds();
    }

    @Test
    void readinessFailsWhenTheOldestBatchIsOlderThanASubSecondLimit() throws Exception {
        relay("  ready_max_queue_age: 300ms\n", Map.of());
        honeycomb.answer(Behaviour.status(503));
        assertThat(relay.admin("/readyz").statusCode()).isEqualTo(200);
        Http.post(relay.httpUrl() + "/v1/traces", "application/x-protobuf", null, Otlp.validRequest(3).toByteArray());
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            var ready = relay.admin("/readyz");
            assertThat(ready.statusCode()).isEqualTo(503);
            assertThat(ready.body()).contains("the oldest batch for Honeycomb has waited");
        });
        honeycomb.answer(Behaviour.ok());
        honeycomb.awaitSpans(3, Duration.ofSeconds(30));
        await().atMost(Duration.ofSeconds(20)).until(() -> relay.admin("/readyz").statusCode() == 200);
    }

    private static Span[] uniqueSpans(int request, int count) {
        Span[] spans = new Span[count];
        for (int i = 0; i < count; i++) {
            long n = (long) request * count + i + 1;
            spans[i] = Otlp.span("s" + n, String.format("%032x", n), String.format("%016x", n));
        }
        return spans;
    }

    @Test
    void theKeyAppearsInNoEndpointOutput() throws Exception {
        relay();
        Http.post(relay.httpUrl() + "/v1/traces", "application/x-protobuf", null, Otlp.validRequest(1)
                .toByteArray());
        honeycomb.awaitSpans(1, Duration.ofSeconds(10));
        for (String path : List.of("/metrics", "/debug/config", "/readyz", "/healthz", "/")) {
            assertThat(relay.admin(path).body()).as(path).doesNotContain(KEY);
        }
        assertThat(relay.admin("/debug/config").body()).contains("sha256:");
    }

    @Test
    void clientKeyModeSendsEachTenantWithItsOwnKeyInSeparateBatches() throws Exception {
        relay("  key_mode: client\n", Map.of());
        var a = Otlp.validRequest(2).toByteArray();
        var b = Otlp.request("other", uniqueSpans(7, 3)).toByteArray();
        for (var pair : List.of(Map.entry("tenant-a-key", a), Map.entry("tenant-b-key", b))) {
            var req = java.net.http.HttpRequest.newBuilder(java.net.URI.create(relay.httpUrl() + "/v1/traces"))
                    .header("Content-Type", "application/x-protobuf").header("x-honeycomb-team", pair.getKey())
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(pair.getValue())).build();
            assertThat(java.net.http.HttpClient.newHttpClient().send(req,
                    HttpResponse.BodyHandlers.discarding()).statusCode()).isEqualTo(200);
        }
        honeycomb.awaitSpans(5, Duration.ofSeconds(10));
        assertThat(honeycomb.requests()).allSatisfy(r -> assertThat(r.spanCount())
                .isEqualTo(r.team().equals("tenant-a-key") ? 2 : 3));
        // A request without a key cannot be sent anywhere: dropped with a reason, not silently.
        Http.post(relay.httpUrl() + "/v1/traces", "application/x-protobuf", null, Otlp.validRequest(1)
                .toByteArray());
        await().untilAsserted(() -> assertThat(honeycombMetric("otlp_relay_dropped_spans_total", "reason",
                "no_api_key")).isEqualTo(1));
    }

    /**
     * At most half the senders work on retries: with two senders and two batches being retried against a Honeycomb
     * that hangs, a fresh batch still gets a sender instead of waiting behind the retries.
     */
    @Test
    void retriesNeverOccupyEverySenderSoFreshDataIsStillTried() throws Exception {
        relay("""
                  senders: 2
                  batch_timeout: 10ms
                """, Map.of());
        honeycomb.answer(Behaviour.hang()).thenAnswer(Behaviour.status(503), 2);
        for (int i = 0; i < 2; i++) {
            assertThat(Http.post(relay.httpUrl() + "/v1/traces", "application/x-protobuf", null,
                    Otlp.request("backend-flask", Otlp.span("GET /retried", "5759e988bd862e3fe1be46a99427279" + i,
                            "53995c3f42cd8ad" + i)).toByteArray()).statusCode()).isEqualTo(200);
            int attempts = i + 1;
            honeycomb.awaitAttempts(attempts, Duration.ofSeconds(10));
        }
        // Both are now waiting to be retried; the first retry hangs and takes the one retry slot.
        await().atMost(Duration.ofSeconds(10)).until(() -> honeycomb.hanging() >= 1);
        assertThat(Http.post(relay.httpUrl() + "/v1/traces", "application/x-protobuf", null,
                Otlp.request("backend-flask", Otlp.span("GET /fresh", "0123456789abcdef0123456789abcdef",
                        "0123456789abcdef")).toByteArray()).statusCode()).isEqualTo(200);

        await().atMost(Duration.ofSeconds(10)).until(() -> honeycomb.hanging() == 2);
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5)).until(() -> honeycomb.hanging() == 2);
        // The two that were hanging, answered now (what was waiting goes next, and hangs in turn).
        honeycomb.answer(Behaviour.hang());
        honeycomb.releaseHangs(Behaviour.ok());
        List<String> hung = new ArrayList<>();
        for (FakeHoneycomb.Received r : honeycomb.requests().subList(2, 4)) {
            r.traces().getResourceSpansList().forEach(rs -> rs.getScopeSpansList().forEach(ss ->
                    ss.getSpansList().forEach(span -> hung.add(span.getName()))));
        }
        assertThat(hung).as("a retry and the fresh batch were being sent; the second retry waited")
                .containsExactlyInAnyOrder("GET /retried", "GET /fresh");
        honeycomb.answer(Behaviour.ok());
        honeycomb.releaseHangs(Behaviour.ok());
    }

    @Test
    void aBatchStillRefusedAfterRetryMaxElapsedIsGivenUpOnAndCounted() throws Exception {
        relay("""
                  retry_max_elapsed: 1s
                """, Map.of());
        honeycomb.answer(Behaviour.status(503));
        assertThat(Http.post(relay.httpUrl() + "/v1/traces", "application/x-protobuf", null,
                Otlp.validRequest(4).toByteArray()).statusCode()).isEqualTo(200);

        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(
                honeycombMetric("otlp_relay_dropped_spans_total", "reason", "retries_exhausted")).isEqualTo(4));
        assertThat(honeycombMetric("otlp_relay_exporter_retries_total")).as("it was retried first").isPositive();
        assertThat(honeycombMetric("otlp_relay_exporter_queue_spans")).isZero();
        assertAccountingHolds();
    }

    @Test
    void droppedMetricsAndLogsAreCountedInDataPointsAndLogRecords() throws Exception {
        relay();
        honeycomb.thenAnswer(Behaviour.status(400), 2);
        assertThat(Http.post(relay.httpUrl() + "/v1/metrics", "application/x-protobuf", null, Otlp.metrics(3, 4)
                .toByteArray()).statusCode()).isEqualTo(200);
        assertThat(Http.post(relay.httpUrl() + "/v1/logs", "application/x-protobuf", null, Otlp.logs(5).toByteArray())
                .statusCode()).isEqualTo(200);

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(honeycombMetric("otlp_relay_dropped_data_points_total", "reason", "http_400")).isEqualTo(7);
            assertThat(honeycombMetric("otlp_relay_dropped_log_records_total", "reason", "http_400")).isEqualTo(5);
        });
        assertThat(honeycombMetric("otlp_relay_dropped_spans_total")).isZero();
    }

    @Test
    void anOversizedMetricsBodyIsSplitByDataPointsAndEveryHalfDelivered() throws Exception {
        relay();
        honeycomb.thenAnswer(Behaviour.status(413), 1);
        byte[] body = Otlp.metrics(3, 7).toByteArray();
        assertThat(Http.post(relay.httpUrl() + "/v1/metrics", "application/x-protobuf", null, body).statusCode())
                .isEqualTo(200);

        await().atMost(Duration.ofSeconds(10)).until(() -> honeycomb.requests().size() == 3);
        List<Integer> points = new ArrayList<>();
        for (int i = 1; i < 3; i++) {
            points.add(dev.otlprelay.pipeline.PassthroughBatch.dataPoints(
                    io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest.parseFrom(
                            honeycomb.requests().get(i).raw())));
        }
        assertThat(points).containsExactly(5, 5);
        assertThat(honeycombMetric("otlp_relay_dropped_data_points_total")).isZero();
    }

    @Test
    void aProtobufMetricsBodyIsForwardedByteForByte() throws Exception {
        relay();
        byte[] body = Otlp.metrics(2, 3).toByteArray();
        assertThat(Http.post(relay.httpUrl() + "/v1/metrics", "application/x-protobuf", null, body).statusCode())
                .isEqualTo(200);
        await().atMost(Duration.ofSeconds(10)).until(() -> !honeycomb.requests().isEmpty());
        assertThat(honeycomb.requests().get(0).path()).isEqualTo("/v1/metrics");
        assertThat(honeycomb.requests().get(0).raw()).isEqualTo(body);
    }

    private static final String JSON_GAUGE = """
            {"resourceMetrics":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"flask"}}]},\
            "scopeMetrics":[{"metrics":[{"name":"requests","gauge":{"dataPoints":[%s]}}]}]}]}""";

    private static byte[] jsonGauge(int points) {
        List<String> each = new ArrayList<>();
        for (int i = 0; i < points; i++) {
            each.add("{\"asInt\":\"" + (i + 1) + "\",\"timeUnixNano\":\"" + (1_700_000_000_000_000_000L + i) + "\"}");
        }
        return JSON_GAUGE.formatted(String.join(",", each)).getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    @Test
    void aJsonMetricsBodyIsForwardedAsTheProtobufItDecodesTo() throws Exception {
        relay();
        assertThat(Http.post(relay.httpUrl() + "/v1/metrics", "application/json", null, jsonGauge(2)).statusCode())
                .isEqualTo(200);
        await().atMost(Duration.ofSeconds(10)).until(() -> !honeycomb.requests().isEmpty());

        FakeHoneycomb.Received sent = honeycomb.requests().get(0);
        assertThat(sent.path()).isEqualTo("/v1/metrics");
        assertThat(sent.contentType()).isEqualTo("application/x-protobuf");
        var request = io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest.parseFrom(sent.raw());
        var metric = request.getResourceMetrics(0).getScopeMetrics(0).getMetrics(0);
        assertThat(request.getResourceMetrics(0).getResource().getAttributes(0).getValue().getStringValue())
                .isEqualTo("flask");
        assertThat(metric.getName()).isEqualTo("requests");
        assertThat(metric.getGauge().getDataPointsList()).extracting(p -> p.getAsInt()).containsExactly(1L, 2L);
        assertThat(metric.getGauge().getDataPoints(1).getTimeUnixNano()).isEqualTo(1_700_000_000_000_000_001L);
    }

    @Test
    void anOversizedJsonMetricsBodyIsSplitByDataPointsAndEveryHalfDelivered() throws Exception {
        relay();
        honeycomb.thenAnswer(Behaviour.status(413), 1);
        assertThat(Http.post(relay.httpUrl() + "/v1/metrics", "application/json", null, jsonGauge(9)).statusCode())
                .isEqualTo(200);

        await().atMost(Duration.ofSeconds(10)).until(() -> honeycomb.requests().size() == 3);
        List<Integer> points = new ArrayList<>();
        for (int i = 1; i < 3; i++) {
            points.add(dev.otlprelay.pipeline.PassthroughBatch.dataPoints(
                    io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest.parseFrom(
                            honeycomb.requests().get(i).raw())));
        }
        // Two senders take the halves at once, so either may reach Honeycomb first.
        assertThat(points).containsExactlyInAnyOrder(4, 5);
        assertThat(honeycombMetric("otlp_relay_dropped_data_points_total")).isZero();
    }

    @Test
    void aJsonLogsBodyGivenUpOnIsCountedInLogRecords() throws Exception {
        relay();
        honeycomb.thenAnswer(Behaviour.status(400), 1);
        byte[] logs = """
                {"resourceLogs":[{"scopeLogs":[{"logRecords":[{"body":{"stringValue":"a"}},{"body":{"stringValue":"b"}}]}]}]}"""
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        assertThat(Http.post(relay.httpUrl() + "/v1/logs", "application/json", null, logs).statusCode())
                .isEqualTo(200);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
                honeycombMetric("otlp_relay_dropped_log_records_total", "reason", "http_400")).isEqualTo(2));
    }
}
