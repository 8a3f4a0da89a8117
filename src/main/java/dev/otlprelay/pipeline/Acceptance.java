package dev.otlprelay.pipeline;

import java.util.concurrent.CompletableFuture;

/**
 * What a stage did with a batch it was offered: taken, taken once it is durable, or not taken.
 *
 * <p>{@link #ACCEPTED} and {@link #RETRY_LATER} are shared constants, so the common path allocates nothing.
 * A destination with a durable spool answers {@link #whenDurable}: the client is acknowledged only once the
 * future completes (with {@code false} when the data could not be made durable: the client must retry).
 */
public final class Acceptance {
    /** Taken: from here on the stage accounts for every span in it. */
    public static final Acceptance ACCEPTED = new Acceptance(false, null);
    /**
     * Not taken and not counted anywhere: a destination that must not lose data is full. The receiver answers
     * 503 / UNAVAILABLE so that the client keeps the data and retries.
     */
    public static final Acceptance RETRY_LATER = new Acceptance(true, null);

    private final boolean retryLater;
    private final CompletableFuture<Boolean> durable;

    private Acceptance(boolean retryLater, CompletableFuture<Boolean> durable) {
        this.retryLater = retryLater;
        this.durable = durable;
    }

    /** Taken once {@code durable} completes with true; to be retried by the client if it completes false. */
    public static Acceptance whenDurable(CompletableFuture<Boolean> durable) {
        return new Acceptance(false, durable);
    }

    public boolean retryLater() {
        return retryLater;
    }

    /** Null when the acceptance is final now; else completes true (acknowledge) or false (ask to retry). */
    public CompletableFuture<Boolean> durable() {
        return durable;
    }

    /** Both acceptances together: final when both are; taken only if both are taken. */
    public Acceptance and(Acceptance other) {
        if (retryLater || other.retryLater) {
            return RETRY_LATER;
        }
        if (other.durable == null) {
            return this;
        }
        if (durable == null) {
            return other;
        }
        return whenDurable(durable.thenCombine(other.durable, (a, b) -> a && b));
    }
}
