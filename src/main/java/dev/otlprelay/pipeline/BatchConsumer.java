package dev.otlprelay.pipeline;

/**
 * The one seam between stages: a stage hands each batch to the consumer it was given. Implementations must not
 * block: a slow destination answers {@link Acceptance#RETRY_LATER} instead of holding the receiver's thread.
 */
@FunctionalInterface
public interface BatchConsumer {
    Acceptance accept(Batch batch);
}
