package dev.otlprelay.export.xray;

import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

/**
 * Caps the datagram rate so that a burst of spans does not overflow the daemon's receive buffer (UDP drops
 * silently). A token bucket in its GCRA form: sends are spaced {@code 1/rate} apart on average, with a burst of
 * 10 ms' worth ({@code rate/100}, at least one) allowed at once. The exporter's own thread waits; nothing else does.
 */
final class Pacer {
    /** Waits the given nanoseconds; the test double advances a fake clock instead. */
    @FunctionalInterface
    interface Sleeper {
        void sleep(long nanos);
    }

    private static final Pacer UNPACED = new Pacer(0, System::nanoTime, nanos -> { });

    private final long intervalNanos;
    private final long toleranceNanos;
    private final LongSupplier clock;
    private final Sleeper sleeper;
    /** GCRA's theoretical arrival time of the next send. */
    private long nextNanos;

    /** At most {@code perSecond} datagrams a second; 0 means unpaced. */
    static Pacer perSecond(int perSecond) {
        return perSecond <= 0 ? UNPACED : new Pacer(perSecond, System::nanoTime, LockSupport::parkNanos);
    }

    Pacer(int perSecond, LongSupplier clock, Sleeper sleeper) {
        if (perSecond < 0) {
            throw new IllegalArgumentException("perSecond: " + perSecond + " (expected: >= 0)");
        }
        this.intervalNanos = perSecond == 0 ? 0 : Math.max(1, 1_000_000_000L / perSecond);
        this.toleranceNanos = (Math.max(1, perSecond / 100) - 1) * intervalNanos;
        this.clock = clock;
        this.sleeper = sleeper;
        this.nextNanos = clock.getAsLong();
    }

    /** Returns when the next datagram may go. An interrupted thread is not held back (shutdown drains fast). */
    void acquire() {
        if (intervalNanos == 0) {
            return;
        }
        long now = clock.getAsLong();
        long next = Math.max(nextNanos, now);
        long wait = next - toleranceNanos - now;
        if (wait > 0 && !Thread.currentThread().isInterrupted()) {
            sleeper.sleep(wait);
        }
        nextNanos = next + intervalNanos;
    }

    /** How many datagrams may go right now without waiting. */
    long burst() {
        return intervalNanos == 0 ? Long.MAX_VALUE : toleranceNanos / intervalNanos + 1;
    }
}
