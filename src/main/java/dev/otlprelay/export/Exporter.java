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
     * Sends one batch. Returns when every span in it is delivered; throws when they cannot be, in which case
     * the queue counts them as dropped with reason {@code export_failed}.
     */
    void export(Batch batch) throws Exception;

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
