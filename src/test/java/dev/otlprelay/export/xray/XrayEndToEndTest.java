package dev.otlprelay.export.xray;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
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
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The relay as users configure it ({@code AWS_XRAY_DAEMON_ADDRESS}), fed by the OpenTelemetry Java SDK over
 * OTLP/HTTP, sending to a UDP socket standing in for the daemon: one valid datagram per span.
 */
class XrayEndToEndTest {
    private static final int TRACES = 10;

    @Test
    void everySpanSentByTheSdkArrivesAtTheDaemonAsOneValidDatagram() throws IOException {
        try (DatagramSocket daemon = UdpEmitterTest.daemon();
             TestRelay relay = new TestRelay(Map.of("AWS_XRAY_DAEMON_ADDRESS", "127.0.0.1:" + daemon.getLocalPort()))) {
            SdkTracerProvider provider = SdkTracerProvider.builder()
                    .setResource(Resource.create(
                            Attributes.of(AttributeKey.stringKey("service.name"), "backend-flask")))
                    .addSpanProcessor(BatchSpanProcessor.builder(OtlpHttpSpanExporter.builder()
                                    .setEndpoint(relay.httpUrl() + "/v1/traces").build())
                            .setScheduleDelay(Duration.ofMillis(50)).build())
                    .build();
            Tracer tracer = provider.get("xray-e2e");
            for (int i = 0; i < TRACES; i++) {
                Span root = tracer.spanBuilder("GET /api/activities/home").setSpanKind(SpanKind.SERVER)
                        .setAttribute("http.method", "GET").setAttribute("http.host", "localhost:4567")
                        .setAttribute("http.target", "/api/activities/home").setAttribute("http.status_code", 200L)
                        .startSpan();
                tracer.spanBuilder("home-activities-mock-data").setParent(Context.current().with(root))
                        .setAttribute("app.now", "2026-11-23T09:00:00+00:00").setAttribute("app.result_length", 3L)
                        .startSpan().end();
                root.end();
            }
            provider.forceFlush().join(30, TimeUnit.SECONDS);
            provider.shutdown().join(30, TimeUnit.SECONDS);

            Map<String, JsonNode> byId = new HashMap<>();
            for (int i = 0; i < 2 * TRACES; i++) {
                byte[] datagram;
                try {
                    datagram = UdpEmitterTest.receive(daemon);
                } catch (SocketTimeoutException e) {
                    throw new AssertionError("datagram " + (i + 1) + " of " + 2 * TRACES + " never arrived; is the "
                            + "X-Ray exporter built by Relay from AWS_XRAY_DAEMON_ADDRESS?", e);
                }
                JsonNode doc = XrayDocumentRules.valid(datagram);
                assertThat(byId.put(doc.get("id").asText(), doc)).as("one datagram per span").isNull();
            }
            daemon.setSoTimeout(500);
            assertThatThrownBy(() -> UdpEmitterTest.receive(daemon)).isInstanceOf(SocketTimeoutException.class);

            int segments = 0;
            for (JsonNode doc : byId.values()) {
                if (doc.has("type")) {
                    assertThat(doc.get("name").asText()).isEqualTo("home-activities-mock-data");
                    JsonNode parent = byId.get(doc.get("parent_id").asText());
                    assertThat(parent).as("parent segment of %s", doc.get("id")).isNotNull();
                    assertThat(parent.get("trace_id")).isEqualTo(doc.get("trace_id"));
                } else {
                    segments++;
                    assertThat(doc.get("name").asText()).isEqualTo("backend-flask");
                    assertThat(doc.at("/http/request/url").asText())
                            .isEqualTo("http://localhost:4567/api/activities/home");
                }
            }
            assertThat(segments).isEqualTo(TRACES);
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                    assertThat(relay.metric("otlp_relay_xray_datagrams_total", "result", "sent"))
                            .isEqualTo(2 * TRACES));
        }
    }
}
