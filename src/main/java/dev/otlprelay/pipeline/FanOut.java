package dev.otlprelay.pipeline;

import java.util.List;

/**
 * Hands every batch to each destination. Destinations that push back are asked first whether they have room,
 * so that a batch is either offered to all or to none: a client retrying after {@link Acceptance#RETRY_LATER}
 * never causes a duplicate at a destination that had already taken the first attempt.
 */
public final class FanOut implements BatchConsumer {
    private final List<Destination> destinations;

    public FanOut(List<? extends Destination> destinations) {
        this.destinations = List.copyOf(destinations);
    }

    /** A destination as the fan-out sees it. */
    public interface Destination extends BatchConsumer {
        /** Whether {@link #accept} would take a batch of this size now; destinations that shed answer true. */
        boolean hasRoomFor(Batch batch);
    }

    @Override
    public Acceptance accept(Batch batch) {
        for (Destination d : destinations) {
            if (!d.hasRoomFor(batch)) {
                return Acceptance.RETRY_LATER;
            }
        }
        Acceptance result = Acceptance.ACCEPTED;
        for (Destination d : destinations) {
            result = result.and(d.accept(batch));
        }
        return result;
    }
}
