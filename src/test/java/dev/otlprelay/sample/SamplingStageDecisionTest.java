package dev.otlprelay.sample;

import static dev.otlprelay.sample.BufferFixtures.assertEverySpanAccountedFor;
import static dev.otlprelay.sample.BufferFixtures.batch;
import static dev.otlprelay.sample.BufferFixtures.child;
import static dev.otlprelay.sample.BufferFixtures.hasSpanNamed;
import static dev.otlprelay.sample.BufferFixtures.keepAll;
import static dev.otlprelay.sample.BufferFixtures.keepWhen;
import static dev.otlprelay.sample.BufferFixtures.root;
import static dev.otlprelay.sample.BufferFixtures.span;
import static dev.otlprelay.sample.BufferFixtures.trace;
import static org.assertj.core.api.Assertions.assertThat;

import dev.otlprelay.pipeline.Acceptance;
import dev.otlprelay.sample.BufferFixtures.Capture;
import dev.otlprelay.sample.BufferFixtures.RecordingSampler;
import io.opentelemetry.proto.trace.v1.Span;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** When a trace is decided, and that it is always decided and handed on whole. */
class SamplingStageDecisionTest extends SamplingStageHarness {
    private final Capture all = new Capture();
    private final Capture errors = new Capture();

    private double early(String reason) {
        return metrics.registry().get("otlp.relay.sampler.early.decisions").tag("reason", reason).counter().count();
    }

    @Test
    void decidesWholeTraceWhenChildrenArriveInSeparateBatchesBeforeTheRoot() {
        String t1 = trace(1);
        String t2 = trace(2);
        RecordingSampler allSampler = new RecordingSampler(keepAll());
        RecordingSampler errorSampler = new RecordingSampler(keepWhen(t -> hasSpanNamed(t, "error")));
        SamplingStage stage = stage(new Route("all", allSampler, all),
                new Route("errors", errorSampler, errors));

        // t = 0: children of both traces, the error deep in t1.
        assertThat(stage.accept(batch(child(t1, 11, 12), span(t1, 13, 12L, Span.SpanKind.SPAN_KIND_CLIENT, "error"),
                child(t2, 21, 20)))).isSameAs(Acceptance.ACCEPTED);
        stage.tick();
        clock.advance(Duration.ofSeconds(1));
        // t = 1 s: t2's root, another child of t1.
        stage.accept(batch(root(t2, 20), child(t1, 12, 10)));
        stage.tick();
        clock.advance(Duration.ofSeconds(1));
        // t = 2 s: t1's root.
        stage.accept(batch(root(t1, 10)));
        stage.tick();
        assertThat(all.batches).as("nothing leaves before a decision").isEmpty();
        assertThat(errors.batches).isEmpty();

        clock.advance(Duration.ofMillis(999));
        stage.tick();
        assertThat(all.batches).as("t2's root came at 1 s: decided at 3 s, not before").isEmpty();

        clock.advance(Duration.ofMillis(1));
        stage.tick();
        assertThat(all.spanNamesOf(t2)).containsExactlyInAnyOrder("child-21", "root-20");
        assertThat(all.spanNamesOf(t1)).as("t1's root came at 2 s").isEmpty();
        assertThat(errors.spans()).as("t2 has no error: dropped for that route").isEmpty();

        clock.advance(Duration.ofSeconds(1));
        stage.tick();
        assertThat(all.spanNamesOf(t1)).containsExactlyInAnyOrder("child-11", "error", "child-12", "root-10");
        assertThat(errors.spanNamesOf(t1)).containsExactlyInAnyOrder("child-11", "error", "child-12", "root-10");
        assertThat(errors.spanNamesOf(t2)).isEmpty();
        assertThat(allSampler.seen.get(t1)).as("the sampler saw the whole trace").hasSize(4);
        assertThat(errorSampler.seen.get(t2)).hasSize(2);
        assertThat(allSampler.calls).hasValue(2);
        assertThat(early("root_delay")).isEqualTo(2);
        assertEverySpanAccountedFor(stage);
    }

    @Test
    void decidesARootlessTraceAtTheTraceTimeout() {
        String t = trace(3);
        RecordingSampler sampler = new RecordingSampler(keepAll());
        SamplingStage stage = stage(new Route("all", sampler, all));

        stage.accept(batch(child(t, 2, 1), child(t, 3, 1)));
        clock.advance(Duration.ofSeconds(30).minusNanos(1));
        stage.tick();
        assertThat(all.batches).isEmpty();
        assertThat(stage.stats().liveTraces()).isEqualTo(1);

        clock.advance(Duration.ofNanos(1));
        stage.tick();
        assertThat(all.spanNamesOf(t)).containsExactly("child-2", "child-3");
        assertThat(sampler.roots).as("no local root came").doesNotContainKey(t);
        assertThat(early("timeout")).isEqualTo(1);
        assertThat(early("root_delay")).isZero();
        assertThat(stage.stats().liveTraces()).isZero();
    }

    @Test
    void decidesAtTheSpanLimitWithoutWaitingForATick() {
        String t = trace(4);
        BufferFixtures.Settings settings = BufferFixtures.settings();
        settings.maxSpansPerTrace = 3;
        SamplingStage stage = stage(settings, new Route("all", keepAll(), all));

        stage.accept(batch(child(t, 2, 1)));
        stage.accept(batch(child(t, 3, 1)));
        assertThat(all.batches).isEmpty();
        stage.accept(batch(child(t, 4, 1)));

        assertThat(all.spanNamesOf(t)).containsExactly("child-2", "child-3", "child-4");
        assertThat(early("span_limit")).isEqualTo(1);
    }

    @Test
    void routesSharingASamplerAreDecidedOnceAndGetTheSameDecision() {
        RecordingSampler shared = new RecordingSampler(keepWhen(t -> t.spans().size() > 1));
        SamplingStage stage = stage(new Route("all", shared, all),
                new Route("errors", shared, errors));

        stage.accept(batch(root(trace(5), 1), child(trace(5), 2, 1), root(trace(6), 1)));
        clock.advance(Duration.ofSeconds(2));
        stage.tick();

        assertThat(shared.calls).as("once per trace, not per route").hasValue(2);
        assertThat(all.spanNames()).containsExactlyInAnyOrder("root-1", "child-2");
        assertThat(errors.spanNames()).containsExactlyInAnyOrder("root-1", "child-2");
    }

    @ParameterizedTest
    @EnumSource(value = Span.SpanKind.class, names = {"SPAN_KIND_SERVER", "SPAN_KIND_CONSUMER"})
    void aServerOrConsumerSpanWithARemoteParentIsALocalRoot(Span.SpanKind kind) {
        String t = trace(7);
        RecordingSampler sampler = new RecordingSampler(keepAll());
        SamplingStage stage = stage(new Route("all", sampler, all));

        stage.accept(batch(child(t, 3, 2), span(t, 2, 99L, kind, "entry")));
        clock.advance(Duration.ofSeconds(2));
        stage.tick();

        assertThat(all.spanNamesOf(t)).containsExactly("child-3", "entry");
        assertThat(sampler.roots.get(t).span().getName()).isEqualTo("entry");
    }

    @Test
    void theViewsRootPrefersTheSpanWithoutAParent() {
        String t = trace(8);
        RecordingSampler sampler = new RecordingSampler(keepAll());
        SamplingStage stage = stage(new Route("all", sampler, all));

        stage.accept(batch(span(t, 2, 1L, Span.SpanKind.SPAN_KIND_SERVER, "server"), root(t, 1)));
        clock.advance(Duration.ofSeconds(2));
        stage.tick();

        assertThat(sampler.roots.get(t).span().getName()).isEqualTo("root-1");
    }

    @Test
    void aFailingSamplerKeepsTheTraceUnderTheSamplerErrorRule() {
        String t = trace(9);
        SamplingStage stage = stage(new Route("all", trace -> {
            throw new IllegalStateException("boom");
        }, all));

        stage.accept(batch(root(t, 1)));
        clock.advance(Duration.ofSeconds(2));
        stage.tick();

        assertThat(all.spans()).singleElement().satisfies(r -> assertThat(r.span().getAttributesList())
                .anySatisfy(kv -> {
                    assertThat(kv.getKey()).isEqualTo("sampling.rule");
                    assertThat(kv.getValue().getStringValue()).isEqualTo("sampler_error");
                }));
        assertEverySpanAccountedFor(stage);
    }
}
