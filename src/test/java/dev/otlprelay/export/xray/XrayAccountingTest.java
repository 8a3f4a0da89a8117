package dev.otlprelay.export.xray;

import static dev.otlprelay.export.xray.XraySpans.ROOT;
import static dev.otlprelay.export.xray.XraySpans.flask;
import static dev.otlprelay.export.xray.XraySpans.span;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import dev.otlprelay.export.ExportQueue;
import dev.otlprelay.support.TestRelay;
import dev.otlprelay.telemetry.RelayMetrics;
import dev.otlprelay.transport.SocketTransport;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Span.SpanKind;
import java.io.IOException;
import java.net.DatagramSocket;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The X-Ray exporter behind its real {@link ExportQueue}, and the queue's identity read from the scrape:
 * {@code enqueued = sent + dropped{reason} + queued} for {@code exporter="xray"}, also when the exporter itself drops
 * spans (datagrams that fail, documents too large), so that those are not counted as sent as well.
 */
class XrayAccountingTest {

    @Test
    void identityHoldsWhenNothingListensOnTheDaemonPort() throws IOException {
        int closedPort;
        try (DatagramSocket s = UdpEmitterTest.daemon()) {
            closedPort = s.getLocalPort();
        }
        try (RelayMetrics metrics = new RelayMetrics()) {
            ExportQueue queue = new ExportQueue(new XrayExporter(XraySpans.daemonAt(closedPort, 0), metrics,
                    SocketTransport.best()), 1L << 20, metrics);
            queue.start();
            for (int batch = 0; batch < 3; batch++) {
                queue.accept(XraySpans.batch(flask(), children(10)));
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> queue.queuedSpans() == 0);

            String scrape = metrics.scrape();
            double failed = value(scrape, "otlp_relay_xray_datagrams_total", "result", "failed");
            // Linux reports the ICMP "port unreachable" of one datagram on the next send: about half fail visibly.
            assertThat(failed).isPositive();
            assertThat(value(scrape, "otlp_relay_dropped_spans_total", "exporter", "xray", "reason", "send_failed"))
                    .isEqualTo(failed);
            assertThat(value(scrape, "otlp_relay_exporter_sent_spans_total", "exporter", "xray"))
                    .as("only datagrams handed to the network count as sent")
                    .isEqualTo(value(scrape, "otlp_relay_xray_datagrams_total", "result", "sent"))
                    .isEqualTo(30 - failed);
            assertIdentity(scrape, 30);
            queue.close();
        }
    }

    @Test
    void identityHoldsWhenDocumentsAreTooLargeFailOrCannotBeTranslated() {
        Span small = child(1, "w");
        // The smallest form of a document named with 200 characters is larger than the whole document of "w".
        int limit;
        try (ExporterFixture measure = new ExporterFixture(XraySpans.config())) {
            measure.export(flask(), small);
            limit = measure.sender.datagrams.get(0).length;
        }
        CapturingSender fourthSendFails = new CapturingSender(i -> i == 3);
        try (RelayMetrics metrics = new RelayMetrics()) {
            ExportQueue queue = new ExportQueue(new XrayExporter(XraySpans.config(), metrics, fourthSendFails, limit),
                    1L << 20, metrics);
            queue.start();
            Span[] spans = new Span[9];
            for (int i = 0; i < 6; i++) {
                spans[i] = child(i + 1, "w");
            }
            spans[6] = child(7, "x".repeat(200));
            spans[7] = child(8, "y".repeat(200));
            spans[8] = child(9, "w").toBuilder().setSpanId(ByteString.copyFrom(new byte[3])).build();
            queue.accept(XraySpans.batch(flask(), spans));
            await().atMost(Duration.ofSeconds(30)).until(() -> queue.queuedSpans() == 0);

            String scrape = metrics.scrape();
            assertThat(fourthSendFails.datagrams).hasSize(5);
            assertThat(value(scrape, "otlp_relay_dropped_spans_total", "exporter", "xray", "reason", "too_large"))
                    .isEqualTo(2);
            assertThat(value(scrape, "otlp_relay_dropped_spans_total", "exporter", "xray", "reason", "send_failed"))
                    .isEqualTo(1);
            assertThat(value(scrape, "otlp_relay_dropped_spans_total", "exporter", "xray", "reason", "export_failed"))
                    .isEqualTo(1);
            assertThat(value(scrape, "otlp_relay_exporter_sent_spans_total", "exporter", "xray")).isEqualTo(5);
            assertIdentity(scrape, 9);
            queue.close();
        }
    }

    /** {@code enqueued = sent + dropped{every reason} + queued}, each read from the scrape. */
    static void assertIdentity(String scrape, double expectedEnqueued) {
        double enqueued = value(scrape, "otlp_relay_exporter_enqueued_spans_total", "exporter", "xray");
        double sent = value(scrape, "otlp_relay_exporter_sent_spans_total", "exporter", "xray");
        double dropped = value(scrape, "otlp_relay_dropped_spans_total", "exporter", "xray");
        double queued = value(scrape, "otlp_relay_exporter_queue_spans", "exporter", "xray");
        assertThat(enqueued).isEqualTo(expectedEnqueued);
        assertThat(sent + dropped + queued).as("sent %s + dropped %s + queued %s", sent, dropped, queued)
                .isEqualTo(enqueued);
        if (queued == 0) {
            assertThat(placedSpans(scrape)).as("spans by placement").isEqualTo(sent);
        }
    }

    /** Spans in sent datagrams, by placement, summed: what X-Ray was sent. */
    static double placedSpans(String scrape) {
        return value(scrape, "otlp_relay_xray_spans_total", "placement", "document")
                + value(scrape, "otlp_relay_xray_spans_total", "placement", "independent")
                + value(scrape, "otlp_relay_xray_spans_total", "placement", "nested");
    }

    private static double value(String scrape, String name, String... labels) {
        return TestRelay.Scrape.value(scrape, name, labels);
    }

    private static Span[] children(int count) {
        Span[] spans = new Span[count];
        for (int i = 0; i < count; i++) {
            spans[i] = child(i + 1, "work-" + i);
        }
        return spans;
    }

    private static Span child(int id, String name) {
        return span(name, SpanKind.SPAN_KIND_INTERNAL, String.format("%016x", id), ROOT).build();
    }
}
