package dev.otlprelay.config;

import java.time.Duration;
import java.util.Objects;

/**
 * Graceful shutdown (YAML section {@code shutdown}).
 *
 * @param drainTimeout how long to keep exporting buffered data after receivers stop (default 15s)
 */
public record ShutdownConfig(Duration drainTimeout) {

    public ShutdownConfig {
        Objects.requireNonNull(drainTimeout, "drainTimeout");
    }

    /** The documented defaults. */
    public static ShutdownConfig defaults() {
        return new ShutdownConfig(Duration.ofSeconds(15));
    }
}
