package dev.otlprelay.receive;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The process-wide byte budget for requests in flight: a request holds its bytes (compressed while they
 * arrive, decompressed while it is decoded and handed on) from the moment they are read until it is answered.
 * When the budget is spent the receivers answer 503 / UNAVAILABLE with a retry delay, so memory stays bounded
 * whatever the clients do.
 */
public final class Admission {
    private final long budget;
    private final AtomicLong inflight = new AtomicLong();

    public Admission(long budgetBytes) {
        if (budgetBytes <= 0) {
            throw new IllegalArgumentException("budgetBytes: " + budgetBytes + " (expected: > 0)");
        }
        this.budget = budgetBytes;
    }

    /** Reserves {@code bytes} if they fit in the budget; the caller must {@link #release} them later. */
    public boolean tryAcquire(long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("bytes: " + bytes + " (expected: >= 0)");
        }
        long current;
        do {
            current = inflight.get();
            if (current + bytes > budget) {
                return false;
            }
        } while (!inflight.compareAndSet(current, current + bytes));
        return true;
    }

    public void release(long bytes) {
        long now = inflight.addAndGet(-bytes);
        assert now >= 0 : "released more than acquired";
    }

    public long inflight() {
        return inflight.get();
    }

    public long budget() {
        return budget;
    }

    /** Share of the budget in use, 0..1. */
    public double utilisation() {
        return (double) inflight.get() / budget;
    }
}
