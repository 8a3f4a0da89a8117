package dev.otlprelay.sample;

import static dev.otlprelay.sample.BufferFixtures.assertEverySpanAccountedFor;
import static dev.otlprelay.sample.BufferFixtures.batch;
import static dev.otlprelay.sample.BufferFixtures.child;
import static dev.otlprelay.sample.BufferFixtures.dropAll;
import static dev.otlprelay.sample.BufferFixtures.keepWeighted;
import static dev.otlprelay.sample.BufferFixtures.keepWhen;
import static dev.otlprelay.sample.BufferFixtures.root;
import static dev.otlprelay.sample.BufferFixtures.trace;
import static org.assertj.core.api.Assertions.assertThat;

import dev.otlprelay.sample.BufferFixtures.Capture;
import dev.otlprelay.sample.BufferFixtures.RecordingSampler;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Spans that arrive after their trace was decided follow the decision, or are counted when it is forgotten. */
class SamplingStageLateSpanTest extends SamplingStageHarness {
    private final Capture kept = new Capture();
    private final Capture other = new Capture();

    private double late(String decision) {
        return metrics.registry().get("otlp.relay.sampler.late.spans").tag("decision", decision).counter().count();
    }

    private void decideRootedTraces(SamplingStage stage) {
        clock.advance(Duration.ofSeconds(2));
        stage.tick();
    }

    @Test
    void lateSpansOfAKeptTraceAreHandedOnAtOnceUnderTheSameDecision() {
        String t = trace(1);
        RecordingSampler sampler = new RecordingSampler(keepWeighted(5, "five"));
        SamplingStage stage = stage(new Route("kept", sampler, kept));
        stage.accept(batch(root(t, 1)));
        decideRootedTraces(stage);
        assertThat(kept.batches).hasSize(1);

        stage.accept(batch(child(t, 2, 1), child(t, 3, 1)));

        assertThat(kept.batches).as("handed on by accept() itself, no tick needed").hasSize(2);
        assertThat(kept.spanNamesOf(t)).containsExactly("root-1", "child-2", "child-3");
        assertThat(kept.spans()).allSatisfy(r -> assertThat(r.attributeInt("SampleRate")).isEqualTo(5));
        assertThat(sampler.calls).as("decided once").hasValue(1);
        assertThat(stage.stats().liveTraces()).isZero();
        assertThat(late("kept")).isEqualTo(2);
        assertEverySpanAccountedFor(stage);
    }

    @Test
    void lateSpansOfADroppedTraceAreSampledOut() {
        String t = trace(2);
        SamplingStage stage = stage(new Route("kept", dropAll(), kept));
        stage.accept(batch(root(t, 1)));
        decideRootedTraces(stage);

        stage.accept(batch(child(t, 2, 1)));
        clock.advance(Duration.ofMinutes(1));
        stage.tick();

        assertThat(kept.offers).hasValue(0);
        assertThat(stage.stats().liveTraces()).isZero();
        assertThat(stage.stats().routes().get(0).sampledOutSpans()).isEqualTo(2);
        assertThat(late("dropped")).isEqualTo(1);
        assertThat(metrics.registry().get("otlp.relay.exporter.sampled.out.spans").tag("exporter", "kept").counter()
                .count()).isEqualTo(2);
        assertEverySpanAccountedFor(stage);
    }

    @Test
    void aLateSpanGoesOnlyToTheRoutesThatKeptItsTrace() {
        String t = trace(3);
        SamplingStage stage = stage(new Route("kept", keepWeighted(2, "two"), kept),
                new Route("other", dropAll(), other));
        stage.accept(batch(root(t, 1)));
        decideRootedTraces(stage);

        stage.accept(batch(child(t, 2, 1)));

        assertThat(kept.spanNamesOf(t)).containsExactly("root-1", "child-2");
        assertThat(other.offers).hasValue(0);
        assertThat(stage.stats().routes().get(1).sampledOutSpans()).isEqualTo(2);
        assertEverySpanAccountedFor(stage);
    }

    @Test
    void aKeptTraceForgottenByTheCacheIsCountedAndDecidedAgainAsANewTrace() {
        BufferFixtures.Settings settings = BufferFixtures.settings();
        settings.keptCacheTraces = 1;
        RecordingSampler sampler = new RecordingSampler(keepWeighted(1, "all"));
        SamplingStage stage = stage(settings, new Route("kept", sampler, kept));
        stage.accept(batch(root(trace(4), 1)));
        stage.accept(batch(root(trace(5), 1)));
        decideRootedTraces(stage);
        assertThat(sampler.calls).hasValue(2);

        stage.accept(batch(child(trace(4), 2, 1)));

        assertThat(late("forgotten")).isEqualTo(1);
        assertThat(kept.spanNamesOf(trace(4))).as("held again, not handed on before a decision")
                .containsExactly("root-1");
        clock.advance(Duration.ofSeconds(30));
        stage.tick();
        assertThat(kept.spanNamesOf(trace(4))).containsExactly("root-1", "child-2");
        assertThat(sampler.calls).hasValue(3);
        assertEverySpanAccountedFor(stage);
    }

    @Test
    void aDroppedTraceForgottenByTheFilterIsCounted() {
        BufferFixtures.Settings settings = BufferFixtures.settings();
        settings.droppedFilterTraces = 8;
        SamplingStage stage = stage(settings, new Route("kept", dropAll(), kept));
        // Eight slots: the ninth dropped trace pushes out the first.
        for (int i = 0; i < 9; i++) {
            stage.accept(batch(root(trace(100 + i), 1)));
        }
        decideRootedTraces(stage);

        stage.accept(batch(child(trace(108), 2, 1)));
        assertThat(late("dropped")).isEqualTo(1);
        assertThat(late("forgotten")).isZero();

        stage.accept(batch(child(trace(100), 2, 1)));
        assertThat(late("forgotten")).isEqualTo(1);
        assertThat(stage.stats().liveTraces()).as("the forgotten trace is held again").isEqualTo(1);
        assertEverySpanAccountedFor(stage);
    }

    @Test
    void anUnknownTraceIsNotCountedAsLate() {
        SamplingStage stage = stage(new Route("kept",
                keepWhen(t -> true), kept));
        stage.accept(batch(child(trace(6), 2, 1)));

        assertThat(late("kept") + late("dropped") + late("forgotten")).isZero();
        assertThat(stage.stats().liveTraces()).isEqualTo(1);
    }
}
