package dev.otlprelay.telemetry;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

/** At most one warning per kind per interval, with the number suppressed since: never a line per span. */
public final class RateLimitedLog {
    private final Logger log;
    private final long intervalNanos;
    private final Map<String, long[]> state = new ConcurrentHashMap<>();

    public RateLimitedLog(Logger log, Duration interval) {
        this.log = log;
        this.intervalNanos = interval.toNanos();
    }

    public void warn(String kind, String message) {
        long now = System.nanoTime();
        long[] s = state.computeIfAbsent(kind, k -> new long[] {now - intervalNanos - 1, 0});
        synchronized (s) {
            if (now - s[0] > intervalNanos) {
                long suppressed = s[1];
                s[0] = now;
                s[1] = 0;
                log.warning(message + (suppressed > 0 ? " (" + suppressed + " similar messages suppressed)" : ""));
            } else {
                s[1]++;
            }
        }
    }
}
