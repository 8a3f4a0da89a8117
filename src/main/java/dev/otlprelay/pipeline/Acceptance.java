package dev.otlprelay.pipeline;

/** What a stage did with a batch it was offered. */
public enum Acceptance {
    /** Taken: from here on the stage accounts for every span in it. */
    ACCEPTED,
    /**
     * Not taken and not counted anywhere: a destination that must not lose data is full. The receiver answers
     * 503 / UNAVAILABLE so that the client keeps the data and retries.
     */
    RETRY_LATER
}
