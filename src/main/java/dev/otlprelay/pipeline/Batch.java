package dev.otlprelay.pipeline;

/**
 * The immutable unit of work that flows receive → sample → export: one accepted OTLP request.
 * Batches are shared by every destination, so nothing downstream may change them.
 */
public sealed interface Batch permits TraceBatch, PassthroughBatch {
    /** Decompressed size of the request as received, the unit of every byte budget. */
    long sizeBytes();

    ClientContext client();

    /** {@link System#nanoTime()} when the request was accepted. */
    long receivedNanos();

    /** Number of spans (traces) or 0 for signals the relay does not look into. */
    int spanCount();
}
