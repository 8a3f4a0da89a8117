package dev.otlprelay.sample;

import static dev.otlprelay.sample.BufferFixtures.assertEverySpanAccountedFor;
import static dev.otlprelay.sample.BufferFixtures.batch;
import static dev.otlprelay.sample.BufferFixtures.child;
import static dev.otlprelay.sample.BufferFixtures.keepAll;
import static dev.otlprelay.sample.BufferFixtures.noPassthrough;
import static dev.otlprelay.sample.BufferFixtures.root;
import static dev.otlprelay.sample.BufferFixtures.trace;
import static org.assertj.core.api.Assertions.assertThat;

import dev.otlprelay.pipeline.Acceptance;
import dev.otlprelay.pipeline.Batch;
import dev.otlprelay.pipeline.ClientContext;
import dev.otlprelay.pipeline.OtlpEncoding;
import dev.otlprelay.pipeline.PassthroughBatch;
import dev.otlprelay.pipeline.TraceBatch;
import dev.otlprelay.sample.BufferFixtures.Capture;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** What happens between a decision and a route: outboxes, client contexts, pass-through, shutdown. */
class SamplingStageOutboxTest extends SamplingStageHarness {
    private static final ClientContext KEY_A = new ClientContext("http", "key-a", null);
    private static final ClientContext KEY_B = new ClientContext("grpc", "key-b", "dataset-b");

    private final Capture first = new Capture();
    private final Capture second = new Capture();

    private void decideRootedTraces(SamplingStage stage) {
        clock.advance(Duration.ofSeconds(2));
        stage.tick();
    }

    @Test
    void aBatchARouteRefusesStaysInItsOutboxAndIsRetriedOnLaterTicks() {
        first.refusing.set(true);
        SamplingStage stage = stage(new Route("slow", keepAll(), first), new Route("fast", keepAll(), second));
        stage.accept(batch(root(trace(1), 1), child(trace(1), 2, 1)));
        decideRootedTraces(stage);

        assertThat(second.spans()).as("the other route is not held up").hasSize(2);
        assertThat(first.batches).isEmpty();
        assertThat(stage.stats().routes().get(0).outboxSpans()).isEqualTo(2);
        assertEverySpanAccountedFor(stage);
        stage.tick();
        stage.tick();
        assertThat(first.offers.get()).as("offered again on each tick").isGreaterThanOrEqualTo(3);

        first.refusing.set(false);
        stage.tick();
        stage.tick();

        assertThat(first.spanNames()).as("delivered once, no duplicates").containsExactlyInAnyOrder("root-1",
                "child-2");
        assertThat(stage.stats().routes().get(0).outboxSpans()).isZero();
        assertThat(stage.stats().routes().get(0).forwardedSpans()).isEqualTo(2);
        assertEverySpanAccountedFor(stage);
    }

    @Test
    void laterDecisionsQueueBehindARefusedBatchInOrder() {
        first.refusing.set(true);
        SamplingStage stage = stage(new Route("slow", keepAll(), first));
        stage.accept(batch(root(trace(1), 1)));
        decideRootedTraces(stage);
        stage.accept(batch(root(trace(2), 1)));
        decideRootedTraces(stage);

        first.refusing.set(false);
        stage.tick();

        assertThat(first.batches).extracting(b -> b.request().getResourceSpans(0).getScopeSpans(0).getSpans(0)
                .getTraceId()).containsExactly(BufferFixtures.id(trace(1)), BufferFixtures.id(trace(2)));
    }

    @Test
    void anAnswerWhenDurableCountsAsTaken() {
        AtomicInteger offers = new AtomicInteger();
        SamplingStage stage = stage(new Route("spooled", keepAll(), b -> {
            offers.incrementAndGet();
            return Acceptance.whenDurable(new CompletableFuture<>());
        }));
        stage.accept(batch(root(trace(1), 1)));
        decideRootedTraces(stage);
        stage.tick();

        assertThat(offers).hasValue(1);
        assertThat(stage.stats().routes().get(0).forwardedSpans()).isEqualTo(1);
        assertThat(stage.stats().routes().get(0).outboxSpans()).isZero();
    }

    @Test
    void spansFromDifferentClientsAreNeverMergedIntoOneBatch() {
        SamplingStage stage = stage(new Route("all", keepAll(), first));
        stage.accept(batch(KEY_A, child(trace(1), 2, 1), child(trace(2), 2, 1)));
        stage.accept(batch(KEY_B, child(trace(1), 3, 1)));
        stage.accept(batch(KEY_A, root(trace(1), 1), root(trace(2), 1)));
        decideRootedTraces(stage);

        assertThat(first.spans()).hasSize(5);
        for (TraceBatch b : first.batches) {
            assertThat(b.spanCount()).isEqualTo(b.request().getResourceSpansList().stream()
                    .mapToInt(rs -> rs.getScopeSpansList().stream().mapToInt(ss -> ss.getSpansCount()).sum()).sum());
            assertThat(b.sizeBytes()).isEqualTo(b.request().getSerializedSize());
        }
        assertThat(first.spans()).filteredOn(r -> r.client().equals(KEY_B)).extracting(r -> r.span().getName())
                .containsExactly("child-3");
        assertThat(first.spans()).filteredOn(r -> r.client().equals(KEY_A)).extracting(r -> r.span().getName())
                .containsExactlyInAnyOrder("child-2", "child-2", "root-1", "root-1");
        assertThat(first.batches).as("one batch per client: traces decided together share a batch").hasSize(2);
    }

    @Test
    void passThroughBatchesGoUnchangedToThePassThroughConsumer() {
        List<Batch> passed = new ArrayList<>();
        SamplingStage stage = new SamplingStage(BufferFixtures.settings().build(),
                List.of(new Route("all", keepAll(), first)), b -> {
                    passed.add(b);
                    return Acceptance.RETRY_LATER;
                }, metrics, clock);
        PassthroughBatch metricsBatch = new PassthroughBatch(PassthroughBatch.Signal.METRICS, new byte[] {1, 2, 3},
                OtlpEncoding.PROTOBUF, 3, KEY_A, 0, 1);

        assertThat(stage.accept(metricsBatch)).as("the pass-through consumer's answer").isSameAs(Acceptance.RETRY_LATER);
        assertThat(passed).singleElement().isSameAs(metricsBatch);
        assertThat(first.offers).hasValue(0);
    }

    @Test
    void stopDecidesEveryHeldTraceAndHandsItOn() {
        SamplingStage stage = stage(new Route("all", keepAll(), first));
        stage.accept(batch(child(trace(1), 2, 1), child(trace(2), 2, 1)));

        assertThat(stage.stop(Duration.ofSeconds(5))).isZero();

        assertThat(first.spans()).hasSize(2);
        assertThat(metrics.registry().get("otlp.relay.sampler.early.decisions").tag("reason", "shutdown").counter()
                .count()).isEqualTo(2);
        assertThat(stage.accept(batch(child(trace(3), 2, 1)))).isSameAs(Acceptance.RETRY_LATER);
        assertThat(stage.stop(Duration.ofSeconds(5))).as("a second stop does nothing").isZero();
        assertEverySpanAccountedFor(stage);
    }

    @Test
    void stopCountsWhatARefusingRouteNeverTookAsDroppedAtShutdown() {
        first.refusing.set(true);
        SamplingStage stage = stage(new Route("stuck", keepAll(), first));
        stage.accept(batch(child(trace(1), 2, 1), child(trace(1), 3, 1)));

        assertThat(stage.stop(Duration.ZERO)).isEqualTo(2);

        assertThat(metrics.registry().get("otlp.relay.dropped.spans").tag("exporter", "stuck")
                .tag("reason", "shutdown").counter().count()).isEqualTo(2);
        assertThat(stage.stats().routes().get(0).droppedSpans()).isEqualTo(2);
        assertEverySpanAccountedFor(stage);
    }

    @Test
    void stopHandsOnWhatARouteRefusedBeforeOnceItTakesAgain() {
        first.refusing.set(true);
        SamplingStage stage = stage(new Route("slow", keepAll(), first));
        stage.accept(batch(root(trace(1), 1)));
        decideRootedTraces(stage);
        assertThat(stage.stats().routes().get(0).outboxSpans()).isEqualTo(1);
        first.refusing.set(false);

        assertThat(stage.stop(Duration.ofSeconds(5))).as("nothing lost").isZero();

        assertThat(first.spans()).hasSize(1);
        assertEverySpanAccountedFor(stage);
    }

    @Test
    void whatStopGivesUpLeavesTheOutboxEmptyAndIsCountedOnce() {
        first.refusing.set(true);
        SamplingStage stage = stage(new Route("stuck", keepAll(), first));
        stage.accept(batch(child(trace(1), 2, 1), child(trace(2), 3, 1)));

        assertThat(stage.stop(Duration.ZERO)).isEqualTo(2);
        stage.close();

        SamplingStage.RouteStats route = stage.stats().routes().get(0);
        assertThat(route.outboxSpans()).isZero();
        assertThat(route.outboxBytes()).isZero();
        assertThat(route.droppedSpans()).as("a second stop counts nothing again").isEqualTo(2);
        assertThat(metrics.registry().get("otlp.relay.dropped.spans").tag("exporter", "stuck")
                .tag("reason", "shutdown").counter().count()).isEqualTo(2);
        first.refusing.set(false);
        stage.tick();
        assertThat(first.spans()).as("given up on, never sent later").isEmpty();
    }

    @Test
    void aRouteWhoseConsumerThrowsLosesOnlyThatBatchCounted() {
        SamplingStage stage = stage(new Route("broken", keepAll(), b -> {
            throw new IllegalStateException("bug");
        }), new Route("all", keepAll(), second));
        stage.accept(batch(root(trace(1), 1)));
        decideRootedTraces(stage);

        assertThat(second.spans()).hasSize(1);
        assertThat(metrics.registry().get("otlp.relay.dropped.spans").tag("exporter", "broken")
                .tag("reason", "export_failed").counter().count()).isEqualTo(1);
        assertEverySpanAccountedFor(stage);
    }

    @Test
    void theStagesOwnThreadDecidesOnceStarted() {
        BufferFixtures.Settings quick = BufferFixtures.settings();
        quick.decisionWait = Duration.ZERO;
        SamplingStage stage = new SamplingStage(quick.build(), List.of(new Route("all", keepAll(), first)),
                noPassthrough(), metrics, System::nanoTime);
        try {
            stage.start();
            stage.accept(batch(root(trace(1), 1)));
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> first.spans().size() == 1);
        } finally {
            stage.close();
        }
    }
}
