package dev.otlprelay.export.xray;

import static dev.otlprelay.export.xray.XraySpans.ROOT;
import static dev.otlprelay.export.xray.XraySpans.flask;
import static dev.otlprelay.export.xray.XraySpans.span;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.otlprelay.pipeline.ClientContext;
import dev.otlprelay.pipeline.OtlpEncoding;
import dev.otlprelay.pipeline.PassthroughBatch;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Span.SpanKind;
import org.junit.jupiter.api.Test;

class XrayExporterTest {

    @Test
    void isNamedXray() {
        try (ExporterFixture fixture = new ExporterFixture(XraySpans.config())) {
            assertThat(fixture.exporter.name()).isEqualTo("xray");
            assertThat(fixture.exporter.pushesBack()).isFalse();
        }
    }

    @Test
    void ignoresMetricsAndLogs() {
        try (ExporterFixture fixture = new ExporterFixture(XraySpans.config())) {
            int dropped = fixture.exporter.export(new PassthroughBatch(PassthroughBatch.Signal.METRICS,
                    new byte[] {1}, OtlpEncoding.PROTOBUF, 1, new ClientContext("http", null, null), 0, 1));

            assertThat(dropped).isZero();
            assertThat(fixture.sender.datagrams).isEmpty();
            assertThat(fixture.metric("otlp_relay_xray_datagrams_total")).isZero();
        }
    }

    @Test
    void takesTracesOnlySoMetricsAndLogsTakeNoRoomInItsQueue() {
        try (ExporterFixture fixture = new ExporterFixture(XraySpans.config())) {
            ClientContext client = new ClientContext("http", null, null);
            for (PassthroughBatch.Signal signal : PassthroughBatch.Signal.values()) {
                assertThat(fixture.exporter.takes(new PassthroughBatch(signal, new byte[] {1}, OtlpEncoding.PROTOBUF,
                        1, client, 0, 1))).as(signal.name()).isFalse();
            }
            var request = dev.otlprelay.support.Otlp.validRequest(2);
            assertThat(fixture.exporter.takes(new dev.otlprelay.pipeline.TraceBatch(request, 2,
                    request.getSerializedSize(), client, 0))).isTrue();
        }
    }

    @Test
    void countsEverySpanExactlyOnceAsSentFailedOrDroppedOneDatagramPerSpan() {
        CapturingSender everyThirdFails = new CapturingSender(i -> i % 3 == 2);
        try (ExporterFixture fixture = new ExporterFixture(XraySpans.perSpan(), everyThirdFails,
                DatagramEncoder.MAX_DATAGRAM_BYTES)) {
            Span[] spans = new Span[10];
            spans[0] = span("GET /", SpanKind.SPAN_KIND_SERVER, ROOT, null).build();
            for (int i = 1; i < 9; i++) {
                spans[i] = span("work", SpanKind.SPAN_KIND_INTERNAL, String.format("%016x", i), ROOT).build();
            }
            // Ids are validated by the receiver; should a malformed one slip through, it is counted, not fatal.
            spans[9] = span("bad", SpanKind.SPAN_KIND_INTERNAL, ROOT, ROOT).setSpanId(ByteString.copyFrom(new byte[3]))
                    .build();

            int dropped = fixture.exporter.export(XraySpans.batch(flask(), spans));

            assertThat(dropped).as("reported to the queue, which counts the rest as sent").isEqualTo(4);
            assertThat(fixture.metric("otlp_relay_xray_datagrams_total", "result", "sent")).isEqualTo(6);
            assertThat(fixture.metric("otlp_relay_xray_datagrams_total", "result", "failed")).isEqualTo(3);
            assertThat(fixture.metric("otlp_relay_dropped_spans_total", "exporter", "xray", "reason", "send_failed"))
                    .isEqualTo(3);
            assertThat(fixture.metric("otlp_relay_dropped_spans_total", "exporter", "xray", "reason",
                    "export_failed")).isEqualTo(1);
            assertThat(fixture.metric("otlp_relay_xray_segments_total", "type", "segment")
                    + fixture.metric("otlp_relay_xray_segments_total", "type", "subsegment")).isEqualTo(6);
            assertThat(fixture.metric("otlp_relay_xray_segments_total", "type", "segment")).isEqualTo(1);
        }
    }

    @Test
    void scrapeShowsTheContractMetricNames() {
        try (ExporterFixture fixture = new ExporterFixture(XraySpans.config())) {
            fixture.export(flask(), span("GET /", SpanKind.SPAN_KIND_SERVER, ROOT, null).build());

            assertThat(fixture.metrics.scrape())
                    .contains("otlp_relay_xray_segments_total{type=\"segment\"} 1.0")
                    .contains("otlp_relay_xray_segments_total{type=\"subsegment\"} 0.0")
                    .contains("otlp_relay_xray_datagrams_total{result=\"sent\"} 1.0")
                    .contains("otlp_relay_xray_datagrams_total{result=\"failed\"} 0.0")
                    .contains("otlp_relay_xray_datagrams_total{result=\"truncated\"} 0.0")
                    .containsPattern("(?m)^otlp_relay_xray_bytes_total [1-9]")
                    .contains("otlp_relay_dropped_spans_total{exporter=\"xray\",reason=\"send_failed\"} 0.0")
                    .contains("otlp_relay_dropped_spans_total{exporter=\"xray\",reason=\"too_large\"} 0.0");
        }
    }
}
