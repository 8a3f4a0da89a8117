package dev.otlprelay.pipeline;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The one way from sampling to the destinations, whatever the configuration. A batch every destination takes (sampling
 * off; metrics and logs always) goes to all of them or none, through {@link #accept}. A batch that is one
 * destination's own (its kept spans, once sampling has decided them for it) goes to that destination alone, through
 * {@link #only}, with the same question first: has it room?
 *
 * <p>All or none: destinations that push back are asked first whether they have room, so that a client retrying after {@link Acceptance#RETRY_LATER} never causes a duplicate at a destination that
 * had already taken the first attempt. Destinations that answer only once the data is durable (Honeycomb with its
 * spool) take the batch first, and the others only once it is durable: when it cannot be made durable the client is
 * asked to retry, and no other destination has it, so the retry duplicates nothing.
 */
public final class DestinationSet implements BatchConsumer {
    /** Those answering when the data is durable, then the others. */
    private final List<Member> durableFirst;
    private final List<Member> durable;
    private final List<Member> others;

    public DestinationSet(List<? extends Member> destinations) {
        this.durable = destinations.stream().filter(Member::answersWhenDurable).map(d -> (Member) d)
                .toList();
        this.others = destinations.stream().filter(d -> !d.answersWhenDurable()).map(d -> (Member) d)
                .toList();
        List<Member> all = new ArrayList<>(durable);
        all.addAll(others);
        this.durableFirst = List.copyOf(all);
    }

    /** A destination as the set sees it. */
    public interface Member extends BatchConsumer {
        /** Whether {@link #accept} would take a batch of this size now; destinations that shed answer true. */
        boolean hasRoomFor(Batch batch);

        /**
         * Whether {@link #accept} answers {@link Acceptance#whenDurable}: the batch is taken only once the future
         * says so. Such destinations are offered a batch before the others.
         */
        default boolean answersWhenDurable() {
            return false;
        }
    }

    @Override
    public Acceptance accept(Batch batch) {
        for (Member d : durableFirst) {
            if (!d.hasRoomFor(batch)) {
                return Acceptance.RETRY_LATER;
            }
        }
        Acceptance result = Acceptance.ACCEPTED;
        for (Member d : durable) {
            result = result.and(d.accept(batch));
        }
        CompletableFuture<Boolean> whenDurable = result.durable();
        if (whenDurable == null) {
            for (Member d : others) {
                result = result.and(d.accept(batch));
            }
            return result;
        }
        // The others take it once it is durable, on the thread that completes the future (they only queue it).
        return Acceptance.whenDurable(whenDurable.thenApply(isDurable -> {
            if (Boolean.TRUE.equals(isDurable)) {
                for (Member d : others) {
                    d.accept(batch);
                }
            }
            return isDurable;
        }));
    }

    /**
     * The way to one member alone, for batches that are its own: a batch it has no room for is answered
     * {@link Acceptance#RETRY_LATER} and the caller keeps it (the sampling stage's outbox); otherwise the member takes
     * it.
     */
    public BatchConsumer only(Member member) {
        if (!durableFirst.contains(member)) {
            throw new IllegalArgumentException("not a destination of this set: " + member);
        }
        return batch -> member.hasRoomFor(batch) ? member.accept(batch) : Acceptance.RETRY_LATER;
    }
}
