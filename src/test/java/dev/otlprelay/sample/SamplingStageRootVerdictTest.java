package dev.otlprelay.sample;

import static dev.otlprelay.sample.BufferFixtures.assertEverySpanAccountedFor;
import static dev.otlprelay.sample.BufferFixtures.batch;
import static dev.otlprelay.sample.BufferFixtures.child;
import static dev.otlprelay.sample.BufferFixtures.root;
import static dev.otlprelay.sample.BufferFixtures.span;
import static dev.otlprelay.sample.BufferFixtures.trace;
import static org.assertj.core.api.Assertions.assertThat;

import dev.otlprelay.config.ConditionConfig;
import dev.otlprelay.config.ConditionConfig.Action;
import dev.otlprelay.sample.BufferFixtures.Capture;
import io.opentelemetry.proto.trace.v1.Span;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Deciding a trace when its true root arrives, when nothing after the root can change the decision. */
class SamplingStageRootVerdictTest extends SamplingStageHarness {
    private final Capture honeycomb = new Capture();
    private final Capture xray = new Capture();

    /** Keeps the traces whose id is in {@code kept}; says it decides from the root alone when told to. */
    private static final class RootSampler implements Sampler {
        final Set<String> kept;
        final boolean onRoot;
        final AtomicInteger calls = new AtomicInteger();
        final Map<String, Integer> spansSeen = new ConcurrentHashMap<>();

        RootSampler(boolean onRoot, String... kept) {
            this.kept = Set.of(kept);
            this.onRoot = onRoot;
        }

        @Override
        public Decision decide(TraceView trace) {
            calls.incrementAndGet();
            String id = HexFormat.of().formatHex(trace.traceId().toByteArray());
            spansSeen.put(id, trace.spans().size());
            return kept.contains(id) ? Decision.keep(10, "rule", "fixed_rate") : Decision.drop("rule", "fixed_rate");
        }

        @Override
        public boolean decidesOnRoot() {
            return onRoot;
        }
    }

    private SamplingStage stage(Sampler honeycombSampler, Sampler xraySampler) {
        return stage(new Route("honeycomb", honeycombSampler, honeycomb), new Route("xray", xraySampler, xray));
    }

    private double spansTotal(String destination, String decision) {
        return metrics.registry().get("otlp.relay.sampler.spans").tag("destination", destination)
                .tag("decision", decision).counter().count();
    }

    private double late(String decision) {
        return metrics.registry().get("otlp.relay.sampler.late.spans").tag("decision", decision).counter().count();
    }

    private double early(String reason) {
        return metrics.registry().get("otlp.relay.sampler.early.decisions").tag("reason", reason).counter().count();
    }

    @Test
    void aTraceIsDecidedWhenItsTrueRootArrivesAndItsLaterSpansFollowTheDecision() {
        String dropped = trace(1);
        String kept = trace(2);
        RootSampler sampler = new RootSampler(true, kept);
        SamplingStage stage = stage(sampler, sampler);

        stage.accept(batch(child(dropped, 2, 1), child(kept, 12, 11), child(dropped, 3, 1)));
        assertThat(sampler.calls).as("children wait for their root").hasValue(0);
        assertThat(stage.stats().bufferedSpans()).isEqualTo(3);

        stage.accept(batch(root(dropped, 1), root(kept, 11)));
        assertThat(sampler.calls).as("each decided once, when its root came, without a tick").hasValue(2);
        assertThat(sampler.spansSeen).containsEntry(dropped, 3).containsEntry(kept, 2);
        assertThat(stage.stats().liveTraces()).isZero();
        assertThat(stage.stats().bufferedBytes()).isZero();
        assertThat(early("root")).isEqualTo(2);
        assertThat(honeycomb.spanNamesOf(kept)).containsExactlyInAnyOrder("child-12", "root-11");
        assertThat(xray.spanNamesOf(kept)).containsExactlyInAnyOrder("child-12", "root-11");
        assertThat(honeycomb.spans()).allSatisfy(r -> assertThat(r.attributeInt("SampleRate")).isEqualTo(10));
        assertThat(spansTotal("honeycomb", "dropped")).isEqualTo(3);
        assertEverySpanAccountedFor(stage);

        clock.advance(Duration.ofSeconds(1));
        stage.accept(batch(child(kept, 13, 11), child(dropped, 4, 1)));
        assertThat(honeycomb.spanNamesOf(kept)).as("a child ending after its root follows the decision")
                .containsExactlyInAnyOrder("child-12", "root-11", "child-13");
        assertThat(late("kept")).isEqualTo(1);
        assertThat(late("dropped")).isEqualTo(1);
        assertThat(sampler.calls).hasValue(2);

        clock.advance(Duration.ofSeconds(2));
        stage.tick();
        assertThat(early("root_delay")).as("nothing was left waiting for decision_wait").isZero();
        assertThat(sampler.calls).hasValue(2);
        assertEverySpanAccountedFor(stage);
    }

    @Test
    void aSamplerThatReadsEverySpanIsAskedOnlyAfterTheWait() {
        String t = trace(3);
        RootSampler everySpan = new RootSampler(false);
        RootSampler onRoot = new RootSampler(true);
        SamplingStage stage = stage(onRoot, everySpan);

        stage.accept(batch(root(t, 1)));
        assertThat(onRoot.calls).as("one route's sampler reads every span: the trace waits").hasValue(0);
        clock.advance(Duration.ofSeconds(1));
        stage.accept(batch(child(t, 2, 1)));
        clock.advance(Duration.ofSeconds(1));
        stage.tick();
        assertThat(everySpan.spansSeen.get(t)).as("asked with the child that came after the root").isEqualTo(2);
        assertThat(onRoot.spansSeen.get(t)).isEqualTo(2);
        assertThat(early("root_delay")).isEqualTo(1);
        assertThat(early("root")).isZero();
        assertEverySpanAccountedFor(stage);
    }

    @Test
    void aServerRootWithARemoteParentWaitsForAParentlessRootThatMayStillCome() {
        String t = trace(4);
        RootSampler sampler = new RootSampler(true);
        SamplingStage stage = stage(sampler, sampler);

        stage.accept(batch(span(t, 5, 4L, Span.SpanKind.SPAN_KIND_SERVER, "server")));
        assertThat(sampler.calls).as("a server span with a parent is not the true root").hasValue(0);

        stage.accept(batch(root(t, 4)));
        assertThat(sampler.calls).as("the parentless root decides at once").hasValue(1);
        assertThat(spansTotal("honeycomb", "dropped")).isEqualTo(2);

        String alone = trace(5);
        stage.accept(batch(span(alone, 7, 6L, Span.SpanKind.SPAN_KIND_SERVER, "server")));
        clock.advance(Duration.ofSeconds(2));
        stage.tick();
        assertThat(sampler.calls).as("no true root came: decided after decision_wait").hasValue(2);
        assertThat(early("root_delay")).isEqualTo(1);
        assertEverySpanAccountedFor(stage);
    }

    @Test
    void conditionsOtherThanErrorDecideFromTheRoot() {
        ConditionConfig drop = new ConditionConfig("health", Action.DROP, false, null, null, null, null, "GET",
                "/health", Map.of(), 0);
        ConditionConfig slow = new ConditionConfig("slow", Action.KEEP, false, Duration.ofSeconds(1), null, null,
                null, null, null, Map.of(), 1);
        ConditionConfig errors = new ConditionConfig("errors", Action.KEEP, true, null, null, null, null, null, null,
                Map.of(), 1);
        assertThat(new ChainSampler(new TraceConditions(List.of(drop, slow)), new KeepEverySampler())
                .decidesOnRoot()).isTrue();
        assertThat(new ChainSampler(new TraceConditions(List.of(drop, errors)), new KeepEverySampler())
                .decidesOnRoot()).as("a child may fail after the root came").isFalse();
        ExplainingSampler silent = new ExplainingSampler() {
            @Override
            public Decision decide(TraceView trace) {
                return Decision.drop("x", "y");
            }

            @Override
            public Explanation explain(TraceView trace) {
                throw new UnsupportedOperationException();
            }
        };
        assertThat(new ChainSampler(TraceConditions.none(), silent).decidesOnRoot())
                .as("a sampler that does not say so").isFalse();
    }
}
