package dev.otlprelay.sample;

import static dev.otlprelay.sample.BufferFixtures.assertEverySpanAccountedFor;
import static dev.otlprelay.sample.BufferFixtures.batch;
import static dev.otlprelay.sample.BufferFixtures.child;
import static dev.otlprelay.sample.BufferFixtures.keepAll;
import static dev.otlprelay.sample.BufferFixtures.keepWhen;
import static dev.otlprelay.sample.BufferFixtures.trace;
import static org.assertj.core.api.Assertions.assertThat;

import dev.otlprelay.pipeline.Acceptance;
import dev.otlprelay.pipeline.BatchConsumer;
import dev.otlprelay.pipeline.TraceBatch;
import dev.otlprelay.sample.BufferFixtures.Capture;
import dev.otlprelay.sample.BufferFixtures.Counting;
import io.opentelemetry.proto.trace.v1.Span;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Memory stays bounded: under pressure the oldest traces are decided early, never lost, never an OOM. */
class SamplingStageMemoryBoundTest extends SamplingStageHarness {

    private double ejected() {
        return metrics.registry().get("otlp.relay.sampler.early.decisions").tag("reason", "ejected").counter().count();
    }

    @Test
    void aRequestThatEjectsManyTracesDecidesThemALotPerLockHoldAndHandsEachOnBeforeTheNext() {
        BufferFixtures.Settings settings = BufferFixtures.settings();
        settings.maxLiveTraces = 100;
        AtomicInteger decisions = new AtomicInteger();
        Sampler counting = trace -> {
            decisions.incrementAndGet();
            return Decision.keep(1, "all", "keep_all");
        };
        List<Integer> decidedWhenHandedOn = new CopyOnWriteArrayList<>();
        Counting taken = new Counting();
        BatchConsumer route = batch -> {
            decidedWhenHandedOn.add(decisions.get());
            return taken.accept(batch);
        };
        SamplingStage stage = stage(settings, new Route("all", counting, route));
        Span[] spans = new Span[1_100];
        for (int i = 0; i < spans.length; i++) {
            spans[i] = child(trace(i), 2, 1);
        }

        assertThat(stage.accept(batch(spans))).isSameAs(Acceptance.ACCEPTED);

        assertThat(decisions.get()).as("all beyond max_live_traces decided before accept returns").isEqualTo(1_000);
        assertThat(ejected()).isEqualTo(1_000);
        assertThat(taken.spans.get()).isEqualTo(1_000);
        assertThat(decidedWhenHandedOn.get(0)).as("the first lot went on before the rest were decided")
                .isEqualTo(256);
        assertThat(stage.stats().liveTraces()).isEqualTo(100);
        assertEverySpanAccountedFor(stage);
    }

    @Test
    void aHundredThousandRootlessTracesAreEjectedOldestFirstAndEverySpanIsAccountedFor() {
        BufferFixtures.Settings settings = BufferFixtures.settings();
        settings.maxLiveTraces = 1_000;
        settings.maxBufferBytes = 32 * 1024;
        Counting all = new Counting();
        Counting half = new Counting();
        SamplingStage stage = stage(settings, new Route("all", keepAll(), all),
                new Route("half", keepWhen(t -> (t.traceId().byteAt(15) & 1) == 0), half));

        int traces = 100_000;
        long maxLive = 0;
        long maxBytes = 0;
        for (int i = 0; i < traces; i += 4) {
            // Four rootless traces of two spans per request.
            Span[] spans = new Span[8];
            for (int j = 0; j < 4; j++) {
                spans[2 * j] = child(trace(i + j), 2, 1);
                spans[2 * j + 1] = child(trace(i + j), 3, 1);
            }
            assertThat(stage.accept(batch(spans))).isSameAs(Acceptance.ACCEPTED);
            SamplingStage.Stats stats = stage.stats();
            maxLive = Math.max(maxLive, stats.liveTraces());
            maxBytes = Math.max(maxBytes, stats.bufferedBytes());
        }

        assertThat(maxLive).isLessThanOrEqualTo(1_000);
        assertThat(maxBytes).isLessThanOrEqualTo(32 * 1024);
        assertThat(ejected()).isGreaterThan(90_000);
        assertEverySpanAccountedFor(stage);
        SamplingStage.Stats before = stage.stats();
        assertThat(before.acceptedSpans()).isEqualTo(2L * traces);
        assertThat(all.spans.get()).isEqualTo(before.routes().get(0).forwardedSpans());

        assertThat(stage.stop(Duration.ofSeconds(10))).isZero();

        SamplingStage.Stats after = stage.stats();
        assertThat(after.bufferedSpans()).isZero();
        assertThat(all.spans.get()).as("every span of every trace reached the keep-all route").isEqualTo(2L * traces);
        assertThat(half.spans.get() + after.routes().get(1).sampledOutSpans()).isEqualTo(2L * traces);
        assertThat(half.spans.get()).isBetween(2L * traces / 4, 2L * traces * 3 / 4);
        assertEverySpanAccountedFor(stage);
    }

    @Test
    void theOldestTraceIsEjectedWhenTheByteBoundIsReached() {
        Span first = child(trace(1), 2, 1);
        long spanBytes = first.getSerializedSize();
        BufferFixtures.Settings settings = BufferFixtures.settings();
        settings.maxBufferBytes = 3 * spanBytes;
        Capture all = new Capture();
        SamplingStage stage = stage(settings, new Route("all", keepAll(), all));

        stage.accept(batch(first));
        stage.accept(batch(child(trace(2), 2, 1)));
        stage.accept(batch(child(trace(3), 2, 1)));
        assertThat(all.batches).isEmpty();
        stage.accept(batch(child(trace(4), 2, 1)));

        assertThat(all.spans()).singleElement().satisfies(r -> assertThat(r.traceHex()).isEqualTo(trace(1)));
        assertThat(ejected()).isEqualTo(1);
        assertThat(stage.stats().bufferedBytes()).isEqualTo(3 * spanBytes);
    }

    @Test
    void theOldestTraceIsEjectedWhenTheLiveTraceBoundIsReached() {
        BufferFixtures.Settings settings = BufferFixtures.settings();
        settings.maxLiveTraces = 2;
        Capture all = new Capture();
        SamplingStage stage = stage(settings, new Route("all", keepAll(), all));

        stage.accept(batch(child(trace(1), 2, 1)));
        stage.accept(batch(child(trace(2), 2, 1)));
        stage.accept(batch(child(trace(1), 3, 1)));
        stage.accept(batch(child(trace(3), 2, 1)));

        assertThat(all.spanNamesOf(trace(1))).as("oldest by first arrival, with all its spans")
                .containsExactly("child-2", "child-3");
        assertThat(stage.stats().liveTraces()).isEqualTo(2);
    }

    @Test
    void answersRetryLaterAndTakesNothingWhileDecidedSpansFillTheBound() {
        BufferFixtures.Settings settings = BufferFixtures.settings();
        settings.maxSpansPerTrace = 1;
        TraceBatch one = batch(child(trace(1), 2, 1));
        long perBatch = one.request().getResourceSpans(0).getScopeSpans(0).getSpans(0).getSerializedSize();
        settings.maxBufferBytes = 10 * perBatch;
        Capture refusing = new Capture();
        refusing.refusing.set(true);
        SamplingStage stage = stage(settings, new Route("slow", keepAll(), refusing));

        int taken = 0;
        Acceptance answer;
        while (true) {
            TraceBatch next = batch(child(trace(taken + 1), 2, 1));
            long decided = stage.stats().routes().get(0).outboxBytes();
            boolean fits = decided + new Arrivals(next, false).bytes() <= settings.maxBufferBytes;
            answer = stage.accept(next);
            assertThat(answer).as("taken exactly while the decided spans and the request fit the bound")
                    .isSameAs(fits ? Acceptance.ACCEPTED : Acceptance.RETRY_LATER);
            if (answer != Acceptance.ACCEPTED) {
                break;
            }
            taken++;
            assertThat(taken).as("the stage must push back at some point").isLessThan(20);
        }
        assertThat(taken).isGreaterThan(1);
        SamplingStage.Stats full = stage.stats();
        assertThat(full.acceptedSpans()).as("the refused request is not counted").isEqualTo(taken);
        assertThat(full.routes().get(0).outboxSpans()).isEqualTo(taken);
        assertEverySpanAccountedFor(stage);
        assertThat(stage.notReadyReason()).contains("sampling.max_buffer_bytes");

        refusing.refusing.set(false);
        stage.tick();
        assertThat(refusing.spans()).hasSize(taken);
        assertThat(stage.notReadyReason()).isNull();
        assertThat(stage.accept(batch(child(trace(1000), 2, 1)))).isSameAs(Acceptance.ACCEPTED);
        assertEverySpanAccountedFor(stage);
    }
}
