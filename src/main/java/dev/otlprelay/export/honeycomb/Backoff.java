package dev.otlprelay.export.honeycomb;

import dev.otlprelay.config.HoneycombConfig;
import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * Exponential backoff with jitter: attempt n waits {@code initial × multiplier^(n-1)}, capped at the maximum,
 * then spread by ±jitter; never sooner than the server's {@code Retry-After}. Pure arithmetic with an injected
 * random source, so tests can pin every delay.
 */
final class Backoff {
    private final HoneycombConfig.RetryConfig retry;
    private final DoubleSupplier random;

    Backoff(HoneycombConfig.RetryConfig retry, DoubleSupplier random) {
        this.retry = retry;
        this.random = random;
    }

    /**
     * @param failedAttempts attempts made so far (1 after the first failure)
     * @param retryAfter     the server's Retry-After, or null
     */
    Duration delay(int failedAttempts, Duration retryAfter) {
        double base = retry.initialBackoff().toNanos() * Math.pow(retry.multiplier(), failedAttempts - 1);
        base = Math.min(base, retry.maxBackoff().toNanos());
        double spread = 1 + retry.jitter() * (2 * random.getAsDouble() - 1);
        long nanos = (long) Math.min(base * spread, retry.maxBackoff().toNanos());
        Duration d = Duration.ofNanos(Math.max(0, nanos));
        if (retryAfter != null && retryAfter.compareTo(d) > 0) {
            return retryAfter;
        }
        return d;
    }
}
