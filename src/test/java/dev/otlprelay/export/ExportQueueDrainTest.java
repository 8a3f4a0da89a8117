package dev.otlprelay.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.otlprelay.pipeline.Acceptance;
import dev.otlprelay.pipeline.Batch;
import dev.otlprelay.pipeline.ClientContext;
import dev.otlprelay.pipeline.TraceBatch;
import dev.otlprelay.support.Otlp;
import dev.otlprelay.support.TestRelay;
import dev.otlprelay.telemetry.RelayMetrics;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** How the shared queue stops: what it waits for, what it counts, and what it says, once. */
class ExportQueueDrainTest {

    private final RelayMetrics metrics = new RelayMetrics();
    private final Logger log = Logger.getLogger(ExportQueue.class.getName());
    private final List<LogRecord> logged = new CopyOnWriteArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord r) {
            logged.add(r);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    /** Holds every export until released; counts what it delivered. */
    private static class Gated implements Exporter {
        final CountDownLatch release = new CountDownLatch(1);
        final AtomicInteger entered = new AtomicInteger();
        final AtomicInteger delivered = new AtomicInteger();
        final AtomicBoolean interrupted = new AtomicBoolean();
        private final int reportDropped;

        Gated(int reportDropped) {
            this.reportDropped = reportDropped;
        }

        @Override
        public String name() {
            return "gated";
        }

        @Override
        public int export(Batch batch) throws InterruptedException {
            entered.incrementAndGet();
            try {
                release.await();
            } catch (InterruptedException e) {
                interrupted.set(true);
                throw e;
            }
            delivered.addAndGet(batch.spanCount());
            return reportDropped;
        }
    }

    @BeforeEach
    void captureLog() {
        log.addHandler(capture);
    }

    @AfterEach
    void release() {
        log.removeHandler(capture);
        metrics.close();
    }

    private static TraceBatch batch(int spans) {
        ExportTraceServiceRequest r = Otlp.validRequest(spans);
        return new TraceBatch(r, spans, r.getSerializedSize(), new ClientContext("http", null, null), 0);
    }

    private double value(String name, String... labels) {
        return TestRelay.Scrape.value(metrics.scrape(), name, labels);
    }

    private List<String> warnings() {
        return logged.stream().filter(r -> r.getLevel().intValue() >= Level.WARNING.intValue())
                .map(LogRecord::getMessage).toList();
    }

    @Test
    void drainWaitsForEverythingQueuedToBeSentAndLosesNothing() {
        Gated exporter = new Gated(0);
        ExportQueue queue = new ExportQueue(exporter, 1L << 20, metrics);
        queue.start();
        assertThat(queue.accept(batch(2))).isSameAs(Acceptance.ACCEPTED);
        assertThat(queue.accept(batch(3))).isSameAs(Acceptance.ACCEPTED);
        await().atMost(Duration.ofSeconds(10)).until(() -> exporter.entered.get() == 1);

        CompletableFuture<Long> lost = CompletableFuture.supplyAsync(() -> queue.drain(Duration.ofSeconds(60)));
        assertThat(lost).as("still sending: drain waits").isNotDone();
        exporter.release.countDown();

        // Far inside the 60 s deadline: the sender wakes the draining thread when the queue empties.
        await().atMost(Duration.ofSeconds(20)).until(lost::isDone);
        assertThat(lost.join()).isZero();
        assertThat(exporter.delivered.get()).isEqualTo(5);
        assertThat(value("otlp_relay_exporter_sent_spans_total", "exporter", "gated")).isEqualTo(5);
        assertThat(value("otlp_relay_dropped_spans_total", "exporter", "gated", "reason", "shutdown")).isZero();
        assertThat(queue.queuedBytes()).isZero();
        assertThat(warnings()).as("nothing lost, nothing to warn about").isEmpty();
        queue.close();
    }

    @Test
    void leftoversAtTheDeadlineAreCountedOnceAndReleaseTheirBytes() {
        Gated exporter = new Gated(0);
        ExportQueue queue = new ExportQueue(exporter, 1L << 20, metrics);
        queue.start();
        queue.accept(batch(1));
        await().atMost(Duration.ofSeconds(10)).until(() -> exporter.entered.get() == 1);
        queue.accept(batch(3));
        queue.accept(batch(4));

        long lost = queue.drain(Duration.ofMillis(20));
        queue.close(); // a second drain finds nothing left to count

        assertThat(lost).isEqualTo(7);
        assertThat(exporter.interrupted).as("the export in flight is interrupted").isTrue();
        assertThat(value("otlp_relay_dropped_spans_total", "exporter", "gated", "reason", "shutdown"))
                .as("7 queued + 1 interrupted, each once").isEqualTo(8);
        assertThat(queue.queuedBytes()).isZero();
        assertThat(queue.queuedSpans()).isZero();
        assertThat(warnings()).containsExactly("gated: 7 spans could not be delivered before the shutdown deadline");
        assertThat(queue.accept(batch(2))).as("a stopped queue still answers: the spans are counted")
                .isSameAs(Acceptance.ACCEPTED);
    }

    @Test
    void oneSpanLeftIsStillWarnedAbout() {
        Gated exporter = new Gated(0);
        ExportQueue queue = new ExportQueue(exporter, 1L << 20, metrics);
        queue.start();
        queue.accept(batch(1));
        await().atMost(Duration.ofSeconds(10)).until(() -> exporter.entered.get() == 1);
        queue.accept(batch(1));

        assertThat(queue.drain(Duration.ofMillis(20))).isEqualTo(1);
        assertThat(warnings()).contains("gated: 1 spans could not be delivered before the shutdown deadline");
        queue.close();
    }

    @Test
    void aDrainingThreadThatIsInterruptedReturnsAndKeepsItsInterrupt() throws Exception {
        Gated exporter = new Gated(0);
        ExportQueue queue = new ExportQueue(exporter, 1L << 20, metrics);
        queue.start();
        queue.accept(batch(2));
        await().atMost(Duration.ofSeconds(10)).until(() -> exporter.entered.get() == 1);
        queue.accept(batch(5));

        CompletableFuture<Boolean> stillInterrupted = new CompletableFuture<>();
        CompletableFuture<Long> lost = new CompletableFuture<>();
        Thread stopper = new Thread(() -> {
            lost.complete(queue.drain(Duration.ofSeconds(120)));
            stillInterrupted.complete(Thread.currentThread().isInterrupted());
        });
        stopper.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> stopper.getState() == Thread.State.TIMED_WAITING);
        stopper.interrupt();

        await().atMost(Duration.ofSeconds(20)).until(stillInterrupted::isDone);
        assertThat(stillInterrupted.join()).as("the caller's interrupt is not swallowed").isTrue();
        assertThat(lost.join()).isEqualTo(5);
        await().atMost(Duration.ofSeconds(10)).until(() ->
                value("otlp_relay_dropped_spans_total", "exporter", "gated", "reason", "shutdown") == 7);
        queue.close();
    }

    @Test
    void aValidDropReportIsCountedWithoutComplaint() {
        Gated exporter = new Gated(3);
        exporter.release.countDown();
        ExportQueue queue = new ExportQueue(exporter, 1L << 20, metrics);
        queue.start();
        queue.accept(batch(3));
        await().atMost(Duration.ofSeconds(10)).until(() -> queue.queuedSpans() == 0);

        assertThat(value("otlp_relay_exporter_sent_spans_total", "exporter", "gated")).as("all 3 dropped").isZero();
        assertThat(logged).as("3 of 3 is a valid report").noneMatch(r -> r.getLevel() == Level.SEVERE);
        queue.close();
    }

    @Test
    void aReportOfNoDropsIsNotABug() {
        Gated exporter = new Gated(0);
        exporter.release.countDown();
        ExportQueue queue = new ExportQueue(exporter, 1L << 20, metrics);
        queue.start();
        queue.accept(batch(2));
        await().atMost(Duration.ofSeconds(10)).until(() -> queue.queuedSpans() == 0);

        assertThat(value("otlp_relay_exporter_sent_spans_total", "exporter", "gated")).isEqualTo(2);
        assertThat(logged).noneMatch(r -> r.getLevel() == Level.SEVERE);
        queue.close();
    }

    @Test
    void aFullQueueAndABatchNotTakenBothAnswerAccepted() {
        Gated exporter = new Gated(0) {
            @Override
            public boolean takes(Batch batch) {
                return batch.spanCount() != 9;
            }
        };
        ExportQueue queue = new ExportQueue(exporter, 1, metrics);
        assertThat(queue.accept(batch(9))).as("not for this exporter").isSameAs(Acceptance.ACCEPTED);
        assertThat(queue.accept(batch(2))).as("full: dropped and counted").isSameAs(Acceptance.ACCEPTED);
        assertThat(value("otlp_relay_dropped_spans_total", "exporter", "gated", "reason", "queue_full")).isEqualTo(2);
        queue.close();
    }

    @Test
    void theQueueIsVisibleInMetricsAndItsThreadNeverHoldsTheJvmOpen() {
        Gated exporter = new Gated(0);
        ExportQueue queue = new ExportQueue(exporter, 4096, metrics);
        queue.start();
        queue.accept(batch(1));
        await().atMost(Duration.ofSeconds(10)).until(() -> exporter.entered.get() == 1);

        assertThat(value("otlp_relay_exporter_queue_capacity_bytes", "exporter", "gated")).isEqualTo(4096);
        assertThat(value("otlp_relay_exporter_queue_spans", "exporter", "gated")).isEqualTo(1);
        Thread worker = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals("export-gated")).findFirst().orElseThrow();
        assertThat(worker.isDaemon()).isTrue();
        exporter.release.countDown();
        queue.close();
    }
}
