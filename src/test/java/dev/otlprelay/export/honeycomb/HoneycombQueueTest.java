package dev.otlprelay.export.honeycomb;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.otlprelay.config.HoneycombConfig;
import dev.otlprelay.config.Secret;
import dev.otlprelay.pipeline.PassthroughBatch;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class HoneycombQueueTest {
    private static final Tenant TENANT = new Tenant(Secret.of("test-key"), null);
    private static final long SECOND = 1_000_000_000L;

    private final HoneycombQueue queue = new HoneycombQueue(HoneycombConfig.defaults().batch(), 10_000);
    private final List<Outbound> started = new ArrayList<>();
    private final List<Boolean> asRetry = new ArrayList<>();

    private void startSends(int senders, int retryBudget) {
        queue.startSends(senders, retryBudget, (o, retry) -> {
            started.add(o);
            asRetry.add(retry);
        });
    }

    private void addMetrics(int bytes) {
        queue.addPassthrough(TENANT, PassthroughBatch.Signal.METRICS, "application/x-protobuf", new byte[bytes], 3,
                null, 0);
    }

    @Test
    void retriesTakeAtMostTheRetryBudgetOfTheSendersAndFreshBatchesTheRest() {
        for (int i = 0; i < 4; i++) {
            addMetrics(10);
        }
        startSends(4, 2);
        List<Outbound> failed = new ArrayList<>(started);
        for (Outbound o : failed) {
            queue.attempted(o, false);
            o.failedAttempts = 1;
            queue.retryAt(o, 5);
        }
        queue.sealDue(5, SECOND);
        addMetrics(10);
        started.clear();
        asRetry.clear();

        startSends(4, 2);

        assertThat(asRetry).as("two retries (the budget), then the fresh batch behind them")
                .containsExactly(true, true, false);
        assertThat(queue.busy()).isTrue();
    }

    @Test
    void noMoreThanTheSendersAreInFlightUntilOneIsAttempted() {
        for (int i = 0; i < 3; i++) {
            addMetrics(10);
        }
        startSends(2, 1);
        assertThat(started).hasSize(2);
        startSends(2, 1);
        assertThat(started).as("both senders busy").hasSize(2);

        queue.attempted(started.get(0), false);
        startSends(2, 1);
        assertThat(started).hasSize(3);
    }

    @Test
    void heldBytesAndItemsComeBackOnReleaseAndWhatAStopFindsIsReturned() {
        addMetrics(4_000);
        addMetrics(5_000);
        assertThat(queue.heldBytes()).isEqualTo(9_000);
        assertThat(queue.hasRoomFor(1_000)).isTrue();
        assertThat(queue.hasRoomFor(1_001)).isFalse();
        startSends(1, 1);
        queue.attempted(started.get(0), false);
        queue.release(started.get(0));
        assertThat(queue.heldBytes()).isEqualTo(5_000);

        HoneycombQueue.Leftover left = queue.stop();

        assertThat(left.items()[PassthroughBatch.Signal.METRICS.ordinal()]).isEqualTo(3);
        assertThat(left.items()[PassthroughBatch.Signal.LOGS.ordinal()]).isZero();
        assertThat(queue.heldBytes()).isZero();
        assertThat(queue.stopped()).isTrue();
    }

    @Test
    void aReplayedRecordFitsWhenNothingIsHeldEvenIfLargerThanTheQueue() {
        assertThat(queue.hasRoomForReplay(50_000)).isTrue();
        addMetrics(6_000);
        assertThat(queue.hasRoomForReplay(4_000)).isTrue();
        assertThat(queue.hasRoomForReplay(4_001)).isFalse();
    }

    @Test
    void anOpenBatchIsSealedWhenItsTimeIsUpOrTheQueueCloses() {
        ByteString piece = ByteString.copyFrom(new byte[100]);
        queue.addTraces(TENANT, List.of(new BatchPieces.Piece(piece, 2)), null, 0);
        assertThat(queue.sealDue(SECOND - 1, SECOND)).as("wakes at the batch's deadline").isEqualTo(SECOND);
        startSends(1, 1);
        assertThat(started).isEmpty();
        assertThat(queue.oldestNanos()).isZero();

        queue.close(10);
        assertThat(queue.hasRoomFor(1)).as("closing admits nothing").isFalse();
        startSends(1, 1);
        assertThat(started).singleElement().satisfies(o -> assertThat(o.spanCount).isEqualTo(2));
        assertThat(queue.heldSpans()).isEqualTo(2);
    }

    @Test
    void onceClosingABatchThatStillArrivesIsSealedAtOnceNotAtItsDeadline() {
        queue.close(0);
        // An accept that passed its room check just before the close still adds.
        queue.addTraces(TENANT, List.of(new BatchPieces.Piece(ByteString.copyFrom(new byte[10]), 1)), null, 5);
        queue.sealDue(6, SECOND);
        startSends(1, 1);
        assertThat(started).hasSize(1);
    }
}
