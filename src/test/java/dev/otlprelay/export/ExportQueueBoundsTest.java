package dev.otlprelay.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.otlprelay.pipeline.Batch;
import dev.otlprelay.pipeline.ClientContext;
import dev.otlprelay.pipeline.OtlpEncoding;
import dev.otlprelay.pipeline.PassthroughBatch;
import dev.otlprelay.pipeline.TraceBatch;
import dev.otlprelay.support.Otlp;
import dev.otlprelay.support.TestRelay;
import dev.otlprelay.telemetry.RelayMetrics;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The shared queue's bounds and counts: capacity exactly, pushing back, compact holding, what exporters report. */
class ExportQueueBoundsTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private final RelayMetrics metrics = new RelayMetrics();
    private final CountDownLatch release = new CountDownLatch(1);
    private ExportQueue queue;

    /** Blocks every export until released; records what it was given; reports {@code dropped} per batch. */
    private final class Gate implements Exporter {
        final List<Batch> exported = new CopyOnWriteArrayList<>();
        final List<Batch> held = new CopyOnWriteArrayList<>();
        final boolean pushesBack;
        final int dropped;
        boolean closed;

        Gate(boolean pushesBack, int dropped) {
            this.pushesBack = pushesBack;
            this.dropped = dropped;
        }

        @Override
        public String name() {
            return "gate";
        }

        @Override
        public int export(Batch batch) throws InterruptedException {
            release.await();
            exported.add(batch);
            return dropped;
        }

        @Override
        public Batch toHold(Batch batch) {
            Batch compact = ((TraceBatch) batch).bytesOnly();
            held.add(compact);
            return compact;
        }

        @Override
        public boolean takes(Batch batch) {
            return batch instanceof TraceBatch;
        }

        @Override
        public boolean pushesBack() {
            return pushesBack;
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    private static TraceBatch sized(int spans, long sizeBytes) {
        var request = Otlp.validRequest(spans);
        return new TraceBatch(request, spans, sizeBytes, new ClientContext("http", null, null), System.nanoTime(),
                request.toByteString());
    }

    private static PassthroughBatch logs() {
        byte[] body = Otlp.logs(2).toByteArray();
        return new PassthroughBatch(PassthroughBatch.Signal.LOGS, body, OtlpEncoding.PROTOBUF, body.length,
                new ClientContext("http", null, null), 0, 2);
    }

    private ExportQueue started(Gate gate, long capacity) {
        queue = new ExportQueue(gate, capacity, metrics);
        queue.start();
        return queue;
    }

    private double metric(String name, String... labels) {
        return TestRelay.Scrape.value(metrics.scrape(), name, labels);
    }

    @AfterEach
    void stop() {
        release.countDown();
        if (queue != null) {
            queue.close();
        }
        metrics.close();
    }

    @Test
    void aSheddingQueueTakesBatchesUpToItsCapacityExactlyAndDropsTheNextAsQueueFull() {
        ExportQueue q = started(new Gate(false, 0), 100);
        q.accept(sized(1, 60));
        await().atMost(WAIT).until(() -> q.oldestAgeSeconds() > 0);
        q.accept(sized(2, 40));
        assertThat(q.queuedBytes()).as("the batch being exported still counts").isEqualTo(100);
        assertThat(q.queuedSpans()).isEqualTo(3);

        q.accept(sized(4, 1));

        assertThat(metric("otlp_relay_dropped_spans_total", "exporter", "gate", "reason", "queue_full")).isEqualTo(4);
        assertThat(q.queuedBytes()).isEqualTo(100);
        assertThat(metric("otlp_relay_exporter_enqueued_spans_total", "exporter", "gate")).isEqualTo(7);
        assertThat(q.hasRoomFor(sized(1, 1_000_000))).as("a shedding queue never pushes back").isTrue();
    }

    @Test
    void aQueueThatPushesBackHasRoomUpToItsCapacityAndNoneWhenClosed() {
        ExportQueue q = started(new Gate(true, 0), 100);
        q.accept(sized(1, 60));
        assertThat(q.hasRoomFor(sized(1, 40))).isTrue();
        assertThat(q.hasRoomFor(sized(1, 41))).isFalse();
        assertThat(q.hasRoomFor(logs())).as("what it does not take takes no room").isTrue();

        q.accept(sized(1, 50));
        assertThat(q.queuedBytes()).as("asked first, so a concurrent overshoot is taken, not dropped")
                .isEqualTo(110);
        assertThat(metric("otlp_relay_dropped_spans_total", "exporter", "gate")).isZero();

        release.countDown();
        await().atMost(WAIT).until(() -> q.queuedBytes() == 0);
        q.drain(Duration.ZERO);
        assertThat(q.hasRoomFor(sized(1, 1))).isFalse();
    }

    @Test
    void aBatchArrivingBehindHoldCompactBytesIsHeldCompactAndOneArrivingSoonerIsNot() {
        Gate gate = new Gate(false, 0);
        ExportQueue q = started(gate, 64L << 20);
        TraceBatch first = sized(1, ExportQueue.HOLD_COMPACT_BYTES - 1);
        q.accept(first);
        TraceBatch second = sized(1, 1);
        q.accept(second);
        TraceBatch third = sized(1, 1);
        q.accept(third);

        assertThat(gate.held).as("only the third arrived behind 4 MiB").hasSize(1);
        release.countDown();
        await().atMost(WAIT).until(() -> gate.exported.size() == 3);
        assertThat(gate.exported.get(0)).isSameAs(first);
        assertThat(gate.exported.get(1)).isSameAs(second);
        assertThat(gate.exported.get(2)).isSameAs(gate.held.get(0)).isNotSameAs(third);
    }

    @Test
    void spansTheExporterReportsDroppedAreNotCountedAsSent() {
        ExportQueue q = started(new Gate(false, 2), 1 << 20);
        release.countDown();
        q.accept(sized(5, 10));
        await().atMost(WAIT).until(() -> q.queuedSpans() == 0);
        assertThat(metric("otlp_relay_exporter_sent_spans_total", "exporter", "gate")).isEqualTo(3);
    }

    @Test
    void anExporterReportingImpossibleDropsIsClampedToTheBatch() {
        ExportQueue low = started(new Gate(false, -3), 1 << 20);
        release.countDown();
        low.accept(sized(5, 10));
        await().atMost(WAIT).until(() -> low.queuedSpans() == 0);
        assertThat(metric("otlp_relay_exporter_sent_spans_total", "exporter", "gate")).isEqualTo(5);
        low.close();

        ExportQueue high = started(new Gate(false, 9), 1 << 20);
        high.accept(sized(5, 10));
        await().atMost(WAIT).until(() -> high.queuedSpans() == 0);
        assertThat(metric("otlp_relay_exporter_sent_spans_total", "exporter", "gate")).as("none of the second")
                .isEqualTo(5);

        ExportQueue exact = started(new Gate(false, 5), 1 << 20);
        exact.accept(sized(5, 10));
        await().atMost(WAIT).until(() -> exact.queuedSpans() == 0);
        assertThat(metric("otlp_relay_exporter_sent_spans_total", "exporter", "gate")).isEqualTo(5);
        high.close();
    }

    @Test
    void theOldestAgeCountsTheBatchBeingExportedAndIsZeroWhenEmpty() {
        ExportQueue q = started(new Gate(false, 0), 1 << 20);
        assertThat(q.oldestAgeSeconds()).isZero();
        q.accept(sized(1, 10));
        await().atMost(WAIT).until(() -> q.oldestAgeSeconds() > 0);
        assertThat(q.oldestAgeSeconds()).isLessThan(60);
        release.countDown();
        await().atMost(WAIT).until(() -> q.queuedSpans() == 0);
        assertThat(q.oldestAgeSeconds()).isZero();
    }

    @Test
    void anExportInterruptedByTheDrainIsCountedAsShutdownNotAsFailed() {
        ExportQueue q = started(new Gate(false, 0), 1 << 20);
        q.accept(sized(3, 10));
        await().atMost(WAIT).until(() -> q.oldestAgeSeconds() > 0);

        assertThat(q.drain(Duration.ofMillis(50))).as("nothing was left waiting").isZero();

        await().atMost(WAIT).until(() -> q.queuedSpans() == 0);
        assertThat(metric("otlp_relay_dropped_spans_total", "exporter", "gate", "reason", "shutdown")).isEqualTo(3);
        assertThat(metric("otlp_relay_dropped_spans_total", "exporter", "gate", "reason", "export_failed")).isZero();
        assertThat(q.queuedBytes()).isZero();
        assertThat(q.deadReason()).as("stopped on purpose").isNull();
    }

    @Test
    void theQueueIsNamedForItsExporterAndClosesIt() {
        Gate gate = new Gate(false, 0);
        ExportQueue q = started(gate, 1 << 20);
        assertThat(q.name()).isEqualTo("gate");
        assertThat(q.capacityBytes()).isEqualTo(1 << 20);
        assertThat(q.deadReason()).isNull();
        q.close();
        assertThat(gate.closed).isTrue();
    }

    @Test
    void aQueueWithoutCapacityIsRefused() {
        assertThatThrownBy(() -> new ExportQueue(new Gate(false, 0), 0, metrics))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("capacityBytes: 0 (expected: > 0)");
        assertThat(new ExportQueue(new Gate(false, 0), 1, metrics).capacityBytes()).isEqualTo(1);
    }
}
