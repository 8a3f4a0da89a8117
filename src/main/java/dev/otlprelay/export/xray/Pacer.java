package dev.otlprelay.export.xray;

import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

/**
 * Caps the datagram rate so that the daemon is not sent more than it can take: UDP drops silently, in the daemon's
 * receive buffer or its segment buffers, where the relay cannot count it. A token bucket: it holds at most
 * {@link #MAX_BURST} datagrams' worth (fewer at low rates: 10 ms' worth) and refills at the configured rate.
 *
 * <p>Below the rate nothing ever waits and datagrams go out as they come. When the bucket is empty the sender
 * sleeps once, until {@link #burst()}/2 tokens have come back, and then sends them back to back: one sleep per
 * half-bucket rather than one per datagram. Sleeping is the expensive part (a timed park and a wake-up cost more
 * CPU than a send, and each one oversleeps by the timer slack); the time overslept is not lost, because tokens are
 * credited from the clock, not from the sleep.
 *
 * <p>The burst bound comes from the daemon's socket: it does not set {@code SO_RCVBUF}, so Linux gives it
 * {@code net.core.rmem_default} (212,992 bytes), which holds 92 datagrams of 700 to 1,100 bytes (the usual size of
 * a translated span; each costs about 2.3 kB of buffer) while the daemon is not reading. 64 leaves room for the
 * application's own X-Ray SDK sending to the same daemon. See docs/xray.md.
 *
 * <p>Not thread-safe: the exporter's one thread calls it.
 */
final class Pacer {
    /** Datagrams sent back to back at most; see the class comment. */
    static final int MAX_BURST = 64;

    /** Waits the given nanoseconds; the test double advances a fake clock instead. */
    @FunctionalInterface
    interface Sleeper {
        void sleep(long nanos);
    }

    private static final Pacer UNPACED = new Pacer(0, System::nanoTime, nanos -> { });

    private final long nanosPerToken;
    private final long capacity;
    /** Tokens to wait for when the bucket is empty. */
    private final long refill;
    private final LongSupplier clock;
    private final Sleeper sleeper;
    private long tokens;
    /** The time up to which elapsed time has been turned into tokens. */
    private long creditedNanos;

    /** At most {@code perSecond} datagrams a second; 0 means unpaced. */
    static Pacer perSecond(int perSecond) {
        return perSecond <= 0 ? UNPACED : new Pacer(perSecond, System::nanoTime, LockSupport::parkNanos);
    }

    Pacer(int perSecond, LongSupplier clock, Sleeper sleeper) {
        if (perSecond < 0) {
            throw new IllegalArgumentException("perSecond: " + perSecond + " (expected: >= 0)");
        }
        this.nanosPerToken = perSecond == 0 ? 0 : Math.max(1, 1_000_000_000L / perSecond);
        this.capacity = Math.max(1, Math.min(MAX_BURST, perSecond / 100));
        this.refill = Math.max(1, capacity / 2);
        this.clock = clock;
        this.sleeper = sleeper;
        this.tokens = capacity;
        this.creditedNanos = clock.getAsLong();
    }

    /** Takes a token if one is there without waiting: whether the next datagram may go now. */
    boolean tryAcquire() {
        if (nanosPerToken == 0) {
            return true;
        }
        credit(clock.getAsLong());
        if (tokens == 0) {
            return false;
        }
        tokens--;
        return true;
    }

    /** Spends every token there is: the next datagram waits as it would after a full bucket went back to back. */
    void drain() {
        if (nanosPerToken != 0) {
            credit(clock.getAsLong());
            tokens = 0;
        }
    }

    /** Returns when the next datagram may go. An interrupted thread is not held back (shutdown drains fast). */
    void acquire() {
        if (nanosPerToken == 0) {
            return;
        }
        credit(clock.getAsLong());
        while (tokens == 0) {
            if (Thread.currentThread().isInterrupted()) {
                return;
            }
            long now = clock.getAsLong();
            sleeper.sleep(Math.max(1, creditedNanos + refill * nanosPerToken - now));
            credit(clock.getAsLong());
        }
        tokens--;
    }

    /** Turns the time since the last credit into tokens, up to the bucket's capacity. */
    private void credit(long now) {
        long elapsed = now - creditedNanos;
        if (elapsed < nanosPerToken) {
            return;
        }
        long earned = elapsed / nanosPerToken;
        if (tokens + earned >= capacity) {
            tokens = capacity;
            creditedNanos = now;
        } else {
            tokens += earned;
            creditedNanos += earned * nanosPerToken;
        }
    }

    /** How many datagrams may go back to back after a quiet period. */
    long burst() {
        return nanosPerToken == 0 ? Long.MAX_VALUE : capacity;
    }

    /** How many datagrams go back to back after each sleep once the bucket has run dry. */
    long refill() {
        return nanosPerToken == 0 ? Long.MAX_VALUE : refill;
    }
}
