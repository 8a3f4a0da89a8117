package dev.otlprelay.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** All destinations or none: what the client is asked to retry is at no destination. */
class DestinationSetTest {

    private static final class Recording implements DestinationSet.Member {
        final List<Batch> taken = new ArrayList<>();
        final CompletableFuture<Boolean> durable;
        boolean room = true;

        Recording(CompletableFuture<Boolean> durable) {
            this.durable = durable;
        }

        @Override
        public boolean hasRoomFor(Batch batch) {
            return room;
        }

        @Override
        public boolean answersWhenDurable() {
            return durable != null;
        }

        @Override
        public Acceptance accept(Batch batch) {
            taken.add(batch);
            return durable == null ? Acceptance.ACCEPTED : Acceptance.whenDurable(durable);
        }
    }

    private static TraceBatch batch() {
        return new TraceBatch(ExportTraceServiceRequest.getDefaultInstance(), 1, 10,
                new ClientContext("http", null, null), 0);
    }

    @Test
    void theOthersTakeABatchOnlyOnceTheDurableDestinationHasMadeItDurable() throws Exception {
        CompletableFuture<Boolean> spool = new CompletableFuture<>();
        Recording xray = new Recording(null);
        Recording honeycomb = new Recording(spool);
        // X-Ray listed first: the durable destination is still offered the batch first.
        Acceptance a = new DestinationSet(List.of(xray, honeycomb)).accept(batch());

        assertThat(honeycomb.taken).hasSize(1);
        assertThat(xray.taken).as("not before the data is durable").isEmpty();
        spool.complete(true);
        assertThat(a.durable().get()).isTrue();
        assertThat(xray.taken).hasSize(1);
    }

    @Test
    void aBatchThatCouldNotBeMadeDurableReachesNoOtherDestinationSoTheRetryDuplicatesNothing() throws Exception {
        CompletableFuture<Boolean> spool = new CompletableFuture<>();
        Recording debug = new Recording(null);
        Recording honeycomb = new Recording(spool);
        Acceptance a = new DestinationSet(List.of(honeycomb, debug)).accept(batch());

        spool.complete(false);

        assertThat(a.durable().get()).as("the client is asked to retry").isFalse();
        assertThat(debug.taken).isEmpty();
    }

    @Test
    void withoutADurableDestinationEveryOneTakesTheBatchAtOnce() {
        Recording one = new Recording(null);
        Recording two = new Recording(null);
        Acceptance a = new DestinationSet(List.of(one, two)).accept(batch());

        assertThat(a.durable()).isNull();
        assertThat(one.taken).hasSize(1);
        assertThat(two.taken).hasSize(1);
    }

    @Test
    void aBatchForOneDestinationAloneReachesOnlyItAndWaitsWhileItHasNoRoom() {
        Recording xray = new Recording(null);
        Recording honeycomb = new Recording(null);
        DestinationSet set = new DestinationSet(List.of(xray, honeycomb));
        BatchConsumer toHoneycomb = set.only(honeycomb);

        assertThat(toHoneycomb.accept(batch())).isEqualTo(Acceptance.ACCEPTED);
        assertThat(honeycomb.taken).hasSize(1);
        assertThat(xray.taken).as("another destination's batch").isEmpty();

        honeycomb.room = false;
        assertThat(toHoneycomb.accept(batch())).isEqualTo(Acceptance.RETRY_LATER);
        assertThat(honeycomb.taken).as("nothing taken when there is no room").hasSize(1);
    }

    @Test
    void onlyAMemberOfTheSetCanBeReachedAlone() {
        DestinationSet set = new DestinationSet(List.of(new Recording(null)));
        assertThatThrownBy(() -> set.only(new Recording(null))).isInstanceOf(IllegalArgumentException.class);
    }
}
