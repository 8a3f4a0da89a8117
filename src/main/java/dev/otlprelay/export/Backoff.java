package dev.otlprelay.export;

import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * Exponential backoff with jitter: attempt n waits {@code initial × multiplier^(n-1)}, capped at the maximum,
 * then spread by ±jitter; never sooner than the server's {@code Retry-After}. Pure arithmetic with an injected
 * random source, so tests can pin every delay. The retry policy a destination that retries opts into (Honeycomb's
 * {@code honeycomb.retry_*}); one that cannot retry (X-Ray over UDP) has none.
 */
public final class Backoff {
    private final long initialNanos;
    private final double multiplier;
    private final double jitter;
    private final long maxNanos;
    private final DoubleSupplier random;

    /**
     * @param jitter the spread either side, as a share of the delay (0.5 = ±50 %)
     * @param random a source of doubles in [0, 1]
     */
    public Backoff(Duration initial, double multiplier, double jitter, Duration max, DoubleSupplier random) {
        this.initialNanos = initial.toNanos();
        this.multiplier = multiplier;
        this.jitter = jitter;
        this.maxNanos = max.toNanos();
        this.random = random;
    }

    /**
     * @param failedAttempts attempts made so far (1 after the first failure)
     * @param retryAfter     the server's Retry-After, or null
     */
    public Duration delay(int failedAttempts, Duration retryAfter) {
        double base = initialNanos * Math.pow(multiplier, failedAttempts - 1);
        base = Math.min(base, maxNanos);
        double spread = 1 + jitter * (2 * random.getAsDouble() - 1);
        long nanos = (long) Math.min(base * spread, maxNanos);
        Duration d = Duration.ofNanos(Math.max(0, nanos));
        if (retryAfter != null && retryAfter.compareTo(d) > 0) {
            return retryAfter;
        }
        return d;
    }
}
