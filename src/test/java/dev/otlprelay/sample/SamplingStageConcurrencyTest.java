package dev.otlprelay.sample;

import static dev.otlprelay.sample.BufferFixtures.assertEverySpanAccountedFor;
import static dev.otlprelay.sample.BufferFixtures.batch;
import static dev.otlprelay.sample.BufferFixtures.child;
import static dev.otlprelay.sample.BufferFixtures.keepAll;
import static dev.otlprelay.sample.BufferFixtures.keepWhen;
import static dev.otlprelay.sample.BufferFixtures.root;
import static dev.otlprelay.sample.BufferFixtures.trace;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.otlprelay.pipeline.Acceptance;
import dev.otlprelay.pipeline.BatchConsumer;
import dev.otlprelay.pipeline.TraceBatch;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Many receiver threads at once, a ticking decision thread, ejections: every span still arrives exactly once. */
class SamplingStageConcurrencyTest extends SamplingStageHarness {
    private static final int THREADS = 4;
    private static final int BATCHES_PER_THREAD = 1_500;
    private static final int TRACES = 3_000;

    /** Keeps every span id it is given and notices a span handed on twice. */
    private static final class Ledger implements BatchConsumer {
        final Set<ByteString> seen = ConcurrentHashMap.newKeySet();
        final AtomicLong duplicates = new AtomicLong();
        final AtomicLong spans = new AtomicLong();

        @Override
        public Acceptance accept(dev.otlprelay.pipeline.Batch batch) {
            for (ResourceSpans rs : ((TraceBatch) batch).request().getResourceSpansList()) {
                for (ScopeSpans ss : rs.getScopeSpansList()) {
                    for (Span s : ss.getSpansList()) {
                        spans.incrementAndGet();
                        if (!seen.add(s.getTraceId().concat(s.getSpanId()))) {
                            duplicates.incrementAndGet();
                        }
                    }
                }
            }
            return Acceptance.ACCEPTED;
        }
    }

    @Test
    void concurrentReceiversTickAndEjectionsLoseAndDuplicateNothing() throws Exception {
        BufferFixtures.Settings settings = BufferFixtures.settings();
        settings.maxLiveTraces = 300;
        settings.maxSpansPerTrace = 12;
        settings.keptCacheTraces = 500;
        Ledger all = new Ledger();
        Ledger some = new Ledger();
        ExecutorService pool = Executors.newFixedThreadPool(THREADS + 1);
        try {
            SamplingStage stage = stage(settings, new Route("all", keepAll(), all),
                    new Route("some", keepWhen(t -> (t.traceId().byteAt(15) & 3) == 0), some));
            CountDownLatch start = new CountDownLatch(1);
            AtomicBoolean producing = new AtomicBoolean(true);
            // Span ids are unique per thread and batch, so every span can be recognised at the end.
            List<Future<Long>> producers = new ArrayList<>();
            for (int p = 0; p < THREADS; p++) {
                int thread = p;
                producers.add(pool.submit(() -> {
                    SplittableRandom random = new SplittableRandom(thread);
                    start.await();
                    long sent = 0;
                    for (int b = 0; b < BATCHES_PER_THREAD; b++) {
                        List<Span> spans = new ArrayList<>();
                        int traces = 1 + random.nextInt(3);
                        for (int t = 0; t < traces; t++) {
                            String id = trace(random.nextInt(TRACES));
                            long span = ((long) thread << 40) | ((long) b << 8) | t << 2;
                            spans.add(random.nextInt(5) == 0 ? root(id, span) : child(id, span, 1));
                            spans.add(child(id, span + 1, span));
                        }
                        while (stage.accept(batch(spans.toArray(Span[]::new))) != Acceptance.ACCEPTED) {
                            Thread.onSpinWait();
                        }
                        sent += spans.size();
                    }
                    return sent;
                }));
            }
            Future<?> ticker = pool.submit(() -> {
                start.await();
                while (producing.get()) {
                    clock.advance(Duration.ofMillis(50));
                    stage.tick();
                }
                return null;
            });
            start.countDown();
            long sent = 0;
            for (Future<Long> f : producers) {
                sent += f.get(2, TimeUnit.MINUTES);
            }
            producing.set(false);
            ticker.get(1, TimeUnit.MINUTES);
            assertEverySpanAccountedFor(stage);

            assertThat(stage.stop(Duration.ofSeconds(30))).isZero();

            SamplingStage.Stats stats = stage.stats();
            assertThat(stats.acceptedSpans()).isEqualTo(sent);
            assertThat(stats.bufferedSpans()).isZero();
            assertEverySpanAccountedFor(stage);
            assertThat(all.duplicates).hasValue(0);
            assertThat(some.duplicates).hasValue(0);
            assertThat(all.spans.get()).isEqualTo(sent);
            assertThat(all.seen).hasSize((int) sent);
            assertThat(some.spans.get() + stats.routes().get(1).sampledOutSpans()).isEqualTo(sent);
        } finally {
            pool.shutdownNow();
        }
    }
}
