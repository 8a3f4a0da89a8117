package dev.otlprelay.sample;

import dev.otlprelay.pipeline.Acceptance;
import dev.otlprelay.pipeline.BatchConsumer;
import dev.otlprelay.pipeline.DestinationSet;

/**
 * One destination as the sampling stage sees it: its name (the {@code destination} / {@code exporter} tag of the
 * stage's metrics), the sampler that decides its traces, and the consumer its kept traces go to. Routes that share
 * one {@link Sampler} instance share each decision: the sampler is asked once per trace.
 */
public record Route(String name, Sampler sampler, BatchConsumer consumer) {
    public Route {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("route name: '" + name + "' (expected: a destination name)");
        }
        if (sampler == null || consumer == null) {
            throw new IllegalArgumentException("route " + name + ": sampler and consumer must be set");
        }
    }

    /**
     * A route to a destination that pushes back through {@link DestinationSet.Member#hasRoomFor} (and otherwise
     * takes everything): a batch it has no room for is answered {@link Acceptance#RETRY_LATER} and stays in the
     * stage's outbox until there is room.
     */
    public static Route toDestination(String name, Sampler sampler, DestinationSet.Member destination) {
        return new Route(name, sampler,
                batch -> destination.hasRoomFor(batch) ? destination.accept(batch) : Acceptance.RETRY_LATER);
    }
}
