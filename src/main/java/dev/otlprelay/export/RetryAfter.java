package dev.otlprelay.export;

import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/** Reads an HTTP {@code Retry-After}: delay-seconds or an HTTP-date (RFC 9110 §10.2.3). */
public final class RetryAfter {
    /** A server asking for more than this is capped: the retry budget decides beyond it. */
    private static final Duration MAX = Duration.ofMinutes(10);

    private RetryAfter() {
    }

    /** The delay, or null when the header is absent or unreadable. */
    public static Duration parse(String header, Clock clock) {
        if (header == null || header.isBlank()) {
            return null;
        }
        String v = header.trim();
        try {
            long seconds = Long.parseLong(v);
            return seconds < 0 ? null : min(Duration.ofSeconds(seconds));
        } catch (NumberFormatException notSeconds) {
            try {
                ZonedDateTime at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME);
                Duration d = Duration.between(clock.instant(), at.toInstant());
                return d.isNegative() ? Duration.ZERO : min(d);
            } catch (DateTimeParseException notADate) {
                return null;
            }
        }
    }

    private static Duration min(Duration d) {
        return d.compareTo(MAX) > 0 ? MAX : d;
    }
}
