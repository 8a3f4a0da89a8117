package dev.otlprelay.receive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.otlprelay.support.CapturingExporter.CapturedSpan;
import dev.otlprelay.support.TestRelay;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every transport must show, driven by the real OpenTelemetry Java SDK exporters. One thin
 * subclass per transport supplies the exporter.
 */
abstract class SdkConformanceSuite {
    static final int TRACES = 150;
    static final AttributeKey<Long> INDEX = AttributeKey.longKey("test.index");

    /** The SDK exporter under test, pointed at the relay. */
    abstract SpanExporter exporter(TestRelay relay);

    /** {@code http} or {@code grpc}. */
    abstract String transport();

    /** The {@code code} tag of a successful request on this transport. */
    abstract String okCode();

    @Test
    void everySpanArrivesOnceWithAttributesAndEventsIntact() {
        try (TestRelay relay = new TestRelay()) {
            SdkTracerProvider provider = provider(exporter(relay));
            Tracer tracer = provider.get("conformance");
            for (int i = 0; i < TRACES; i++) {
                Span root = tracer.spanBuilder("GET /api/activities/home").setSpanKind(SpanKind.SERVER)
                        .setAttribute(INDEX, (long) i)
                        .setAttribute("http.method", "GET")
                        .setAttribute("http.status_code", 200L)
                        .setAttribute("app.ratio", 0.25)
                        .setAttribute("app.cached", true)
                        .setAttribute(AttributeKey.stringArrayKey("app.tags"), List.of("a", "b"))
                        .startSpan();
                try (Scope ignored = root.makeCurrent()) {
                    Span child = tracer.spanBuilder("home-activities-mock-data").setAttribute(INDEX, (long) i)
                            .setAttribute("app.now", "2026-11-23T09:00:00+00:00")
                            .setAttribute("app.result_length", 3L).startSpan();
                    child.addEvent("exception", Attributes.of(AttributeKey.stringKey("exception.type"), "KeyError",
                            AttributeKey.stringKey("exception.message"), "'handle'"));
                    child.setStatus(StatusCode.ERROR, "boom");
                    child.end();
                }
                root.end();
            }
            provider.forceFlush().join(30, TimeUnit.SECONDS);
            provider.shutdown().join(30, TimeUnit.SECONDS);

            await().atMost(Duration.ofSeconds(30)).until(() -> relay.captured.spans().size() >= 2 * TRACES);
            List<CapturedSpan> spans = relay.captured.spans();
            assertThat(spans).hasSize(2 * TRACES);
            assertThat(spans).extracting(s -> s.span().getSpanId()).doesNotHaveDuplicates();
            for (CapturedSpan s : spans) {
                assertThat(attribute(s.resource().getResource().getAttributesList(), "service.name").getStringValue())
                        .isEqualTo("backend-flask");
                Map<String, AnyValue> attrs = attributes(s.span().getAttributesList());
                assertThat(s.span().getTraceId().size()).isEqualTo(16);
                if (s.span().getName().equals("GET /api/activities/home")) {
                    assertThat(s.span().getKind()).isEqualTo(io.opentelemetry.proto.trace.v1.Span.SpanKind
                            .SPAN_KIND_SERVER);
                    assertThat(attrs.get("http.method").getStringValue()).isEqualTo("GET");
                    assertThat(attrs.get("http.status_code").getIntValue()).isEqualTo(200);
                    assertThat(attrs.get("app.ratio").getDoubleValue()).isEqualTo(0.25);
                    assertThat(attrs.get("app.cached").getBoolValue()).isTrue();
                    assertThat(attrs.get("app.tags").getArrayValue().getValuesList())
                            .extracting(AnyValue::getStringValue).containsExactly("a", "b");
                } else {
                    assertThat(s.span().getName()).isEqualTo("home-activities-mock-data");
                    assertThat(s.span().getParentSpanId().size()).isEqualTo(8);
                    assertThat(attrs.get("app.now").getStringValue()).isEqualTo("2026-11-23T09:00:00+00:00");
                    assertThat(attrs.get("app.result_length").getIntValue()).isEqualTo(3);
                    assertThat(s.span().getEventsList()).singleElement().satisfies(e -> {
                        assertThat(e.getName()).isEqualTo("exception");
                        assertThat(attributes(e.getAttributesList()).get("exception.type").getStringValue())
                                .isEqualTo("KeyError");
                    });
                    assertThat(s.span().getStatus().getMessage()).isEqualTo("boom");
                }
            }
            // Both spans of every trace arrived, and the counters agree exactly with what arrived.
            assertThat(spans).extracting(s -> attributes(s.span().getAttributesList()).get("test.index")
                    .getIntValue()).containsOnly(range()).hasSize(2 * TRACES);
            assertThat(relay.metric("otlp_relay_receiver_accepted_spans_total", "transport", transport()))
                    .isEqualTo(2 * TRACES);
            assertThat(relay.metric("otlp_relay_receiver_refused_spans_total", "transport", transport()))
                    .isZero();
            assertThat(relay.metric("otlp_relay_receiver_requests_total", "transport", transport(), "code",
                    okCode())).isPositive();
            assertThat(relay.metric("otlp_relay_exporter_sent_spans_total", "exporter", "capture"))
                    .isEqualTo(2 * TRACES);
        }
    }

    private static Long[] range() {
        Long[] r = new Long[TRACES];
        for (int i = 0; i < TRACES; i++) {
            r[i] = (long) i;
        }
        return r;
    }

    static SdkTracerProvider provider(SpanExporter exporter) {
        return SdkTracerProvider.builder()
                .setResource(Resource.create(Attributes.of(AttributeKey.stringKey("service.name"), "backend-flask")))
                .addSpanProcessor(BatchSpanProcessor.builder(exporter).setMaxExportBatchSize(64)
                        .setScheduleDelay(Duration.ofMillis(50)).build())
                .build();
    }

    static Map<String, AnyValue> attributes(List<KeyValue> list) {
        Map<String, AnyValue> m = new HashMap<>();
        for (KeyValue kv : list) {
            m.put(kv.getKey(), kv.getValue());
        }
        return m;
    }

    static AnyValue attribute(List<KeyValue> list, String key) {
        return attributes(list).get(key);
    }
}
