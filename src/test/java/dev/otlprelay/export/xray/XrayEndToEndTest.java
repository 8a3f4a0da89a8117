package dev.otlprelay.export.xray;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.otlprelay.support.TestRelay;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The relay as users configure it ({@code AWS_XRAY_DAEMON_ADDRESS}), fed by the OpenTelemetry Java SDK over
 * OTLP/HTTP, sending to a UDP socket standing in for the daemon: every span once, in valid datagrams; and, with nothing
 * listening there, a relay that keeps taking spans and counts what it loses.
 */
class XrayEndToEndTest {
    private static final int TRACES = 10;

    @Test
    void everySpanSentByTheSdkArrivesAtTheDaemonOnceNestedInItsServicesSegment(@TempDir Path dir)
            throws IOException {
        // The seeds' attribute indexed, so that annotations and their rules are exercised end to end too.
        Path config = Files.writeString(dir.resolve("relay.yaml"), "xray:\n  indexed_attributes: [app.result_length]\n");
        try (DatagramSocket daemon = UdpEmitterTest.daemon();
             TestRelay relay = new TestRelay(Map.of("AWS_XRAY_DAEMON_ADDRESS", "127.0.0.1:" + daemon.getLocalPort(),
                     "RELAY_CONFIG", config.toString()))) {
            assertThat(sendTraces(relay, TRACES)).as("the relay accepted every export").isTrue();
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                assertThat(relay.metric("otlp_relay_exporter_sent_spans_total", "exporter", "xray"))
                        .isEqualTo(2 * TRACES);
                assertThat(relay.metric("otlp_relay_exporter_queue_spans", "exporter", "xray")).isZero();
            });
            List<JsonNode> datagrams = new ArrayList<>();
            daemon.setSoTimeout(500);
            try {
                while (true) {
                    datagrams.add(XrayDocumentRules.valid(UdpEmitterTest.receive(daemon)));
                }
            } catch (SocketTimeoutException drained) {
                // Every datagram sent has been read.
            }

            // Each span exactly once: a segment, a subsegment nested in it, or (when the SDK's batch split the
            // trace) an independent subsegment naming its parent.
            Map<String, JsonNode> byId = new HashMap<>();
            Map<String, String> parentOf = new HashMap<>();
            for (JsonNode doc : datagrams) {
                collect(doc, null, byId, parentOf);
            }
            assertThat(byId).hasSize(2 * TRACES);
            int segments = 0;
            for (Map.Entry<String, JsonNode> e : byId.entrySet()) {
                JsonNode doc = e.getValue();
                if (doc.path("name").asText().equals("home-activities-mock-data")) {
                    JsonNode parent = byId.get(parentOf.get(e.getKey()));
                    assertThat(parent).as("parent segment of %s", e.getKey()).isNotNull();
                    assertThat(parent.get("name").asText()).isEqualTo("backend-flask");
                    assertThat(doc.get("annotations")).isEqualTo(XrayDocumentRules.JSON.createObjectNode()
                            .put("app_result_length", 3));
                    assertThat(doc.at("/metadata/default/app.now").asText()).isEqualTo("2026-11-23T09:00:00+00:00");
                } else {
                    segments++;
                    assertThat(doc.get("name").asText()).isEqualTo("backend-flask");
                    assertThat(doc.at("/http/request/url").asText())
                            .isEqualTo("http://localhost:4567/api/activities/home");
                }
            }
            assertThat(segments).isEqualTo(TRACES);
            String scrape = relay.admin("/metrics").body();
            assertThat(TestRelay.Scrape.value(scrape, "otlp_relay_xray_datagrams_total", "result", "sent"))
                    .isEqualTo(datagrams.size());
            assertThat(TestRelay.Scrape.value(scrape, "otlp_relay_xray_segments_total", "type", "segment"))
                    .isEqualTo(TRACES);
            assertThat(TestRelay.Scrape.value(scrape, "otlp_relay_xray_spans_total", "placement", "document"))
                    .isEqualTo(TRACES);
            assertThat(TestRelay.Scrape.value(scrape, "otlp_relay_xray_spans_total", "placement", "nested")
                    + TestRelay.Scrape.value(scrape, "otlp_relay_xray_spans_total", "placement", "independent"))
                    .isEqualTo(TRACES);
            assertThat(TestRelay.Scrape.value(scrape, "otlp_relay_xray_spans_total", "placement", "nested"))
                    .as("the SDK exports a trace's two spans together, at least most of the time").isPositive();
            XrayAccountingTest.assertIdentity(scrape, 2 * TRACES);
        }
    }

    /** Every span of a datagram by id, and the id of the span each is nested in or names as its parent. */
    private static void collect(JsonNode doc, String parent, Map<String, JsonNode> byId,
                                Map<String, String> parentOf) {
        String id = doc.get("id").asText();
        assertThat(byId.put(id, doc)).as("span %s sent once", id).isNull();
        String p = parent != null ? parent : doc.path("parent_id").asText(null);
        if (p != null) {
            parentOf.put(id, p);
        }
        for (JsonNode sub : doc.path("subsegments")) {
            collect(sub, id, byId, parentOf);
        }
    }

    @Test
    void relayKeepsTakingSpansAndCountsTheLossWhenNothingListensOnTheDaemonPort() throws IOException {
        int closedPort;
        try (DatagramSocket s = UdpEmitterTest.daemon()) {
            closedPort = s.getLocalPort();
        }
        try (TestRelay relay = new TestRelay(Map.of("AWS_XRAY_DAEMON_ADDRESS", "127.0.0.1:" + closedPort))) {
            for (int round = 1; round <= 3; round++) {
                assertThat(sendTraces(relay, TRACES)).as("round %s accepted", round).isTrue();
            }
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                assertThat(relay.metric("otlp_relay_exporter_enqueued_spans_total", "exporter", "xray"))
                        .isEqualTo(3 * 2 * TRACES);
                assertThat(relay.metric("otlp_relay_exporter_queue_spans", "exporter", "xray")).isZero();
            });

            String scrape = relay.admin("/metrics").body();
            double failed = TestRelay.Scrape.value(scrape, "otlp_relay_xray_datagrams_total", "result", "failed");
            assertThat(failed).as("failures seen (Linux reports every other one)").isPositive();
            double lost = TestRelay.Scrape.value(scrape, "otlp_relay_dropped_spans_total", "exporter", "xray",
                    "reason", "send_failed");
            assertThat(lost).as("the spans in the failed datagrams").isGreaterThanOrEqualTo(failed);
            assertThat(TestRelay.Scrape.value(scrape, "otlp_relay_exporter_sent_spans_total", "exporter", "xray"))
                    .isEqualTo(XrayAccountingTest.placedSpans(scrape))
                    .isEqualTo(3 * 2 * TRACES - lost);
            XrayAccountingTest.assertIdentity(scrape, 3 * 2 * TRACES);
            assertThat(relay.admin("/readyz").statusCode()).as("still ready").isEqualTo(200);
            assertThat(relay.captured.spans()).as("other destinations unaffected").hasSize(3 * 2 * TRACES);
        }
    }

    /**
     * The seeds' shape through the OpenTelemetry SDK: per trace, a Flask server span and its internal child with
     * {@code app.now} and {@code app.result_length}. True when every export was accepted.
     */
    private static boolean sendTraces(TestRelay relay, int traces) {
        SdkTracerProvider provider = SdkTracerProvider.builder()
                .setResource(Resource.create(Attributes.of(AttributeKey.stringKey("service.name"), "backend-flask")))
                .addSpanProcessor(BatchSpanProcessor.builder(OtlpHttpSpanExporter.builder()
                                .setEndpoint(relay.httpUrl() + "/v1/traces").build())
                        .setScheduleDelay(Duration.ofMillis(50)).build())
                .build();
        Tracer tracer = provider.get("xray-e2e");
        for (int i = 0; i < traces; i++) {
            Span root = tracer.spanBuilder("GET /api/activities/home").setSpanKind(SpanKind.SERVER)
                    .setAttribute("http.method", "GET").setAttribute("http.host", "localhost:4567")
                    .setAttribute("http.target", "/api/activities/home").setAttribute("http.status_code", 200L)
                    .startSpan();
            tracer.spanBuilder("home-activities-mock-data").setParent(Context.current().with(root))
                    .setAttribute("app.now", "2026-11-23T09:00:00+00:00").setAttribute("app.result_length", 3L)
                    .startSpan().end();
            root.end();
        }
        CompletableResultCode flushed = provider.forceFlush().join(30, TimeUnit.SECONDS);
        provider.shutdown().join(30, TimeUnit.SECONDS);
        return flushed.isSuccess();
    }
}
