package dev.otlprelay.export;

import dev.otlprelay.pipeline.Batch;

/**
 * One destination's sending logic. {@link ExportQueue} calls {@link #export} from the destination's own thread,
 * one batch at a time, so an exporter may block without ever slowing the receiver or another destination.
 */
public interface Exporter extends AutoCloseable {
    /** The {@code exporter} tag of this destination's metrics, e.g. {@code honeycomb}, {@code xray}, {@code debug}. */
    String name();

    /**
     * Sends one batch and returns how many of its spans this exporter gave up on and has already counted in
     * {@code otlp_relay_dropped_spans_total{exporter,reason}} with a reason of its own (0 when all were delivered);
     * the queue counts the others as sent, so that each span is counted exactly once. Throws when the batch as a
     * whole cannot be delivered; the exporter must then have counted none of it, and the queue counts every span
     * as dropped with reason {@code export_failed}.
     */
    int export(Batch batch) throws Exception;

    /**
     * What the queue holds for a batch that is going to wait behind others ({@link ExportQueue#HOLD_COMPACT_BYTES}
     * or more already queued): the batch itself, or an equivalent that takes less memory to hold (the same spans,
     * span count, size and client), such as {@link dev.otlprelay.pipeline.TraceBatch#bytesOnly()}. Called on the
     * accepting thread.
     */
    default Batch toHold(Batch batch) {
        return batch;
    }

    /**
     * Whether this destination takes this kind of batch at all; one it does not take (X-Ray and metrics or logs) is
     * not queued, not counted and takes no room.
     */
    default boolean takes(Batch batch) {
        return true;
    }

    /**
     * Whether a full queue should make clients retry (true: data must not be lost here) or shed the batch with
     * a counter (false: best-effort destinations such as the debug printer).
     */
    default boolean pushesBack() {
        return false;
    }

    @Override
    default void close() {
    }
}
