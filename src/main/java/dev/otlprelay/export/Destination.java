package dev.otlprelay.export;

import dev.otlprelay.pipeline.DestinationSet;
import java.time.Duration;

/** A destination's life cycle as the relay drives it: start, take batches, drain on shutdown, close. */
public interface Destination extends DestinationSet.Member, AutoCloseable {
    /** The {@code exporter} tag of this destination's metrics. */
    String name();

    void start();

    /**
     * Stops taking batches and delivers what it holds until the timeout; what is left is counted as dropped
     * with reason {@code shutdown}. Returns the number of spans not delivered.
     */
    long drain(Duration timeout);

    /** Why the relay should not be sent more traffic because of this destination, or null. */
    default String notReadyReason() {
        return null;
    }

    /**
     * Why this destination can no longer do its work (a thread it needs has died, e.g. of an OutOfMemoryError), or
     * null: {@code /healthz} fails then, so that an orchestrator restarts the relay rather than it limping on.
     */
    default String deadReason() {
        return null;
    }

    @Override
    void close();
}
