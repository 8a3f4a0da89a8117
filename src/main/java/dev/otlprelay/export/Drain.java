package dev.otlprelay.export;

import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The one wait of every destination's shutdown drain: sleep on the destination's monitor until it holds nothing
 * more to send or the deadline (Docker's stop window, less what the relay needs after) has passed. What is left
 * then is the destination's to count, as {@code shutdown} or as kept in its spool.
 */
public final class Drain {
    private Drain() {
    }

    /**
     * Waits on {@code monitor}, which the caller holds, while {@code busy} is true and {@code deadlineNanos}
     * ({@link System#nanoTime()} time) has not passed. The senders must {@code notifyAll()} the monitor when they
     * settle something. An interrupt ends the wait early and stays set.
     */
    public static void awaitIdle(Object monitor, BooleanSupplier busy, long deadlineNanos) {
        while (busy.getAsBoolean()) {
            long left = deadlineNanos - System.nanoTime();
            if (left <= 0) {
                return;
            }
            try {
                TimeUnit.NANOSECONDS.timedWait(monitor, left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
