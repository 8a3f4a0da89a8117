package dev.otlprelay.config;

import java.time.Duration;
import java.util.Objects;

/**
 * Graceful shutdown (YAML section {@code shutdown}).
 *
 * @param drainTimeout how long the whole stop may take, from the signal: closing the listeners, draining the queues
 *                     and the final accounting (default 8s: it
 *                     fits in docker stop's 10 s window with 2 s to spare for the JVM to exit)
 */
public record ShutdownConfig(Duration drainTimeout) {

    public ShutdownConfig {
        Objects.requireNonNull(drainTimeout, "drainTimeout");
    }

    /** The documented defaults. */
    public static ShutdownConfig defaults() {
        return new ShutdownConfig(Duration.ofSeconds(8));
    }
}
