package dev.otlprelay.export.xray;

import static dev.otlprelay.export.xray.XraySpans.ROOT;
import static dev.otlprelay.export.xray.XraySpans.flask;
import static dev.otlprelay.export.xray.XraySpans.span;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.otlprelay.export.ExportQueue;
import dev.otlprelay.export.Exporter;
import dev.otlprelay.pipeline.Batch;
import dev.otlprelay.pipeline.TraceBatch;
import dev.otlprelay.telemetry.RelayMetrics;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Span.SpanKind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** What X-Ray's queue holds while X-Ray is behind: received bytes, not decoded requests. */
class XrayBacklogTest {

    /** The real exporter, with its first export held until released and what each export was given noted. */
    private static final class Recording implements Exporter {
        final XrayExporter xray;
        final CountDownLatch release = new CountDownLatch(1);
        final List<Boolean> decodedWhenTaken = new CopyOnWriteArrayList<>();

        Recording(XrayExporter xray) {
            this.xray = xray;
        }

        @Override
        public String name() {
            return xray.name();
        }

        @Override
        public Batch toHold(Batch batch) {
            return xray.toHold(batch);
        }

        @Override
        public int export(Batch batch) throws Exception {
            decodedWhenTaken.add(((TraceBatch) batch).isDecoded());
            release.await(30, TimeUnit.SECONDS);
            return xray.export(batch);
        }
    }

    /** A received batch: its encoding is what the request decodes from; its size is what the queue counts. */
    private static TraceBatch received(long sizeBytes, int first, int count) {
        TraceBatch b = XraySpans.batch(flask(), children(first, count));
        return new TraceBatch(b.request(), b.spanCount(), sizeBytes, b.client(), b.receivedNanos(),
                b.request().toByteString());
    }

    @Test
    void aBatchBehindABacklogWaitsAsItsBytesAndSendsTheSameDatagrams() {
        CapturingSender direct = new CapturingSender();
        try (RelayMetrics metrics = new RelayMetrics()) {
            XrayExporter reference = new XrayExporter(XraySpans.config(), metrics, direct,
                    DatagramEncoder.MAX_DATAGRAM_BYTES);
            reference.export(received(1000, 1, 3));
            reference.export(received(1000, 4, 3));
            reference.export(received(1000, 7, 3));
        }

        CapturingSender queued = new CapturingSender();
        try (RelayMetrics metrics = new RelayMetrics()) {
            Recording exporter = new Recording(new XrayExporter(XraySpans.config(), metrics, queued,
                    DatagramEncoder.MAX_DATAGRAM_BYTES));
            ExportQueue queue = new ExportQueue(exporter, 64L << 20, metrics);
            queue.start();
            queue.accept(received(1000, 1, 3));
            await().atMost(Duration.ofSeconds(30)).until(() -> exporter.decodedWhenTaken.size() == 1);
            queue.accept(received(ExportQueue.HOLD_COMPACT_BYTES, 4, 3));
            queue.accept(received(1000, 7, 3));
            exporter.release.countDown();
            await().atMost(Duration.ofSeconds(30)).until(() -> queue.queuedSpans() == 0);

            assertThat(exporter.decodedWhenTaken)
                    .as("the first two arrived with less than HOLD_COMPACT_BYTES queued; the third behind more")
                    .containsExactly(true, true, false);
            queue.close();
        }
        assertThat(toStrings(queued.datagrams)).isEqualTo(toStrings(direct.datagrams)).hasSize(9);
    }

    @Test
    void aBatchWithoutReceivedBytesWaitsDecoded() {
        TraceBatch rebuilt = XraySpans.batch(flask(), children(1, 2));
        try (RelayMetrics metrics = new RelayMetrics()) {
            XrayExporter xray = new XrayExporter(XraySpans.config(), metrics, new CapturingSender(),
                    DatagramEncoder.MAX_DATAGRAM_BYTES);
            assertThat(xray.toHold(rebuilt)).isSameAs(rebuilt);
            TraceBatch held = (TraceBatch) xray.toHold(received(1000, 1, 2));
            assertThat(held.isDecoded()).isFalse();
            assertThat(held.request()).isEqualTo(rebuilt.request());
            assertThat(held.isDecoded()).isTrue();
        }
    }

    private static List<String> toStrings(List<byte[]> datagrams) {
        List<String> out = new ArrayList<>();
        datagrams.forEach(d -> out.add(new String(d, java.nio.charset.StandardCharsets.UTF_8)));
        return out;
    }

    private static Span[] children(int first, int count) {
        Span[] spans = new Span[count];
        for (int i = 0; i < count; i++) {
            spans[i] = span("work-" + (first + i), SpanKind.SPAN_KIND_INTERNAL, String.format("%016x", first + i),
                    ROOT).build();
        }
        return spans;
    }
}
