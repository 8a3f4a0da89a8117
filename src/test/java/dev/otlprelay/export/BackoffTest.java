package dev.otlprelay.export;

import static org.assertj.core.api.Assertions.assertThat;

import dev.otlprelay.config.HoneycombConfig;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.function.DoubleSupplier;
import org.junit.jupiter.api.Test;

/** The retry schedule: exponential, jittered, capped, and never sooner than Retry-After. */
class BackoffTest {
    static final HoneycombConfig.RetryConfig DEFAULTS = HoneycombConfig.RetryConfig.defaults();

    /** Honeycomb's default schedule, as its sender builds it. */
    private static Backoff backoff(DoubleSupplier random) {
        return new Backoff(DEFAULTS.initialBackoff(), DEFAULTS.multiplier(), DEFAULTS.jitter(), DEFAULTS.maxBackoff(),
                random);
    }

    @Test
    void growsByTheMultiplierFromTheInitialDelayWithoutJitterAtTheMidpoint() {
        Backoff b = backoff(() -> 0.5);
        assertThat(b.delay(1, null)).isEqualTo(Duration.ofSeconds(5));
        assertThat(b.delay(2, null)).isEqualTo(Duration.ofMillis(7500));
        assertThat(b.delay(3, null)).isEqualTo(Duration.ofMillis(11250));
    }

    @Test
    void jitterSpreadsByHalfEitherWay() {
        assertThat(backoff(() -> 0.0).delay(1, null)).isEqualTo(Duration.ofMillis(2500));
        assertThat(backoff(() -> 1.0).delay(1, null)).isEqualTo(Duration.ofMillis(7500));
    }

    @Test
    void neverExceedsTheMaximum() {
        assertThat(backoff(() -> 1.0).delay(20, null)).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void neverRetriesSoonerThanRetryAfter() {
        Backoff b = backoff(() -> 0.5);
        assertThat(b.delay(1, Duration.ofSeconds(20))).isEqualTo(Duration.ofSeconds(20));
        assertThat(b.delay(1, Duration.ofSeconds(1))).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void retryAfterReadsSecondsAndHttpDates() {
        Clock clock = Clock.fixed(Instant.parse("2026-11-23T09:00:00Z"), ZoneOffset.UTC);
        assertThat(RetryAfter.parse("7", clock)).isEqualTo(Duration.ofSeconds(7));
        assertThat(RetryAfter.parse("Mon, 23 Nov 2026 09:00:30 GMT", clock)).isEqualTo(Duration.ofSeconds(30));
        assertThat(RetryAfter.parse("Mon, 23 Nov 2026 08:00:00 GMT", clock)).isEqualTo(Duration.ZERO);
        assertThat(RetryAfter.parse("soon", clock)).isNull();
        assertThat(RetryAfter.parse(null, clock)).isNull();
        assertThat(RetryAfter.parse("-3", clock)).isNull();
        assertThat(RetryAfter.parse("   ", clock)).isNull();
        assertThat(RetryAfter.parse(" 0 ", clock)).isEqualTo(Duration.ZERO);
    }

    @Test
    void aRetryAfterPastTenMinutesIsCappedThereAndTenMinutesIsKept() {
        Clock clock = Clock.fixed(Instant.parse("2026-11-23T09:00:00Z"), ZoneOffset.UTC);
        assertThat(RetryAfter.parse("600", clock)).isEqualTo(Duration.ofMinutes(10));
        assertThat(RetryAfter.parse("601", clock)).isEqualTo(Duration.ofMinutes(10));
        assertThat(RetryAfter.parse("86400", clock)).isEqualTo(Duration.ofMinutes(10));
        assertThat(RetryAfter.parse("Mon, 23 Nov 2026 09:10:00 GMT", clock)).isEqualTo(Duration.ofMinutes(10));
        assertThat(RetryAfter.parse("Mon, 23 Nov 2026 09:09:59 GMT", clock)).isEqualTo(Duration.ofSeconds(599));
        assertThat(RetryAfter.parse("Mon, 23 Nov 2026 11:00:00 GMT", clock)).isEqualTo(Duration.ofMinutes(10));
        assertThat(RetryAfter.parse("Mon, 23 Nov 2026 09:00:00 GMT", clock)).isEqualTo(Duration.ZERO);
    }
}
