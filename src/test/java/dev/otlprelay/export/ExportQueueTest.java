package dev.otlprelay.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.otlprelay.pipeline.Batch;
import dev.otlprelay.pipeline.ClientContext;
import dev.otlprelay.pipeline.OtlpEncoding;
import dev.otlprelay.pipeline.TraceBatch;
import dev.otlprelay.support.Otlp;
import dev.otlprelay.support.TestRelay;
import dev.otlprelay.telemetry.RelayMetrics;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The queue every destination but Honeycomb sits behind: each span counted once, whatever the exporter does. */
class ExportQueueTest {

    private static TraceBatch batch(int spans) {
        ExportTraceServiceRequest r = Otlp.validRequest(spans);
        return new TraceBatch(r, spans, r.getSerializedSize(), new ClientContext("http", null, null), 0);
    }

    private static double value(RelayMetrics metrics, String name, String... labels) {
        return TestRelay.Scrape.value(metrics.scrape(), name, labels);
    }

    /** Throws an Error on its first batch and delivers the others. */
    private static final class FailingOnce implements Exporter {
        final List<Batch> delivered = new CopyOnWriteArrayList<>();
        private boolean failed;

        @Override
        public String name() {
            return "flaky";
        }

        @Override
        public int export(Batch batch) {
            if (!failed) {
                failed = true;
                throw new StackOverflowError("an exporter bug");
            }
            delivered.add(batch);
            return 0;
        }
    }

    @Test
    void anErrorInAnExporterCountsItsBatchAsFailedAndTheQueueGoesOn() {
        try (RelayMetrics metrics = new RelayMetrics()) {
            FailingOnce exporter = new FailingOnce();
            ExportQueue queue = new ExportQueue(exporter, 1L << 20, metrics);
            queue.start();
            queue.accept(batch(3));
            queue.accept(batch(2));
            await().atMost(Duration.ofSeconds(10)).until(() -> exporter.delivered.size() == 1);
            await().atMost(Duration.ofSeconds(10)).until(() -> queue.queuedSpans() == 0);

            assertThat(value(metrics, "otlp_relay_dropped_spans_total", "exporter", "flaky", "reason",
                    "export_failed")).isEqualTo(3);
            assertThat(value(metrics, "otlp_relay_exporter_sent_spans_total", "exporter", "flaky")).isEqualTo(2);
            assertThat(queue.deadReason()).as("the sending thread survived the Error").isNull();
            queue.close();
        }
    }

    @Test
    void whatIsStillQueuedAtTheDrainDeadlineIsCountedAsShutdown() throws Exception {
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        Exporter stuck = new Exporter() {
            @Override
            public String name() {
                return "stuck";
            }

            @Override
            public int export(Batch batch) throws InterruptedException {
                release.await();
                return 0;
            }
        };
        try (RelayMetrics metrics = new RelayMetrics()) {
            ExportQueue queue = new ExportQueue(stuck, 1L << 20, metrics);
            queue.start();
            queue.accept(batch(2));
            await().atMost(Duration.ofSeconds(10)).until(() -> queue.oldestAgeSeconds() > 0);
            queue.accept(batch(3));
            queue.accept(batch(4));

            long lost = queue.drain(Duration.ofMillis(50));

            assertThat(lost).as("the queued batches; the one being exported is interrupted").isEqualTo(7);
            assertThat(value(metrics, "otlp_relay_dropped_spans_total", "exporter", "stuck", "reason", "shutdown"))
                    .isEqualTo(9);
            assertThat(queue.queuedSpans()).isZero();
            release.countDown();
            queue.close();
        }
    }

    @Test
    void aBatchTheExporterDoesNotTakeIsNeitherQueuedNorCounted() {
        try (RelayMetrics metrics = new RelayMetrics()) {
            Exporter tracesOnly = new Exporter() {
                @Override
                public String name() {
                    return "traces-only";
                }

                @Override
                public int export(Batch batch) {
                    return 0;
                }

                @Override
                public boolean takes(Batch batch) {
                    return batch instanceof TraceBatch;
                }
            };
            ExportQueue queue = new ExportQueue(tracesOnly, 1L << 20, metrics);
            queue.accept(new dev.otlprelay.pipeline.PassthroughBatch(dev.otlprelay.pipeline.PassthroughBatch.Signal
                    .METRICS, new byte[1000], OtlpEncoding.PROTOBUF, 1000,
                    new ClientContext("http", null, null), 0, 10));

            assertThat(queue.queuedBytes()).as("no room taken").isZero();
            assertThat(value(metrics, "otlp_relay_exporter_enqueued_spans_total", "exporter", "traces-only")).isZero();
            queue.close();
        }
    }

    @Test
    void aBatchOfferedToAClosedQueueIsCountedAsShutdownNotQueueFull() {
        try (RelayMetrics metrics = new RelayMetrics()) {
            FailingOnce exporter = new FailingOnce();
            ExportQueue queue = new ExportQueue(exporter, 1L << 20, metrics);
            queue.start();
            queue.drain(Duration.ZERO);
            queue.accept(batch(4));

            assertThat(value(metrics, "otlp_relay_dropped_spans_total", "exporter", "flaky", "reason", "shutdown"))
                    .isEqualTo(4);
            assertThat(value(metrics, "otlp_relay_dropped_spans_total", "exporter", "flaky", "reason",
                    "queue_full")).isZero();
            queue.close();
        }
    }
}
