package dev.otlprelay.sample;

import dev.otlprelay.pipeline.BatchConsumer;

/**
 * One destination as the sampling stage sees it: its name (the {@code destination} / {@code exporter} tag of the
 * stage's metrics), the sampler that decides its traces, and the consumer its kept traces go to. Routes that share
 * one {@link Sampler} instance share each decision: the sampler is asked once per trace. The relay's consumer is the
 * destination alone in the one {@code DestinationSet} ({@code DestinationSet.only}), the way every batch reaches a
 * destination.
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

}
