package dev.otlprelay.export;

import dev.otlprelay.pipeline.DropReason;
import dev.otlprelay.pipeline.PassthroughBatch;
import dev.otlprelay.telemetry.RelayMetrics;
import io.micrometer.core.instrument.Counter;
import java.util.function.Supplier;

/**
 * One destination's side of the accounting identity, the same for every destination: what it took
 * ({@code enqueued_spans}), what it delivered ({@code sent_spans}), what it gave up on and why
 * ({@code dropped_spans{reason}}, and for forwarded metrics and logs {@code dropped_data_points} and
 * {@code dropped_log_records} in their own units), and what it holds (the {@code exporter_queue_*} gauges). For
 * every destination, whenever nothing is in flight: {@code enqueued = sent + dropped{reason} + queued} (plus
 * {@code spooled_at_shutdown} for a destination with a spool).
 *
 * <p>A destination writes its counts here and nowhere else, so that a reason is always a {@link DropReason} and
 * each span is counted once, whichever destination it went to.
 */
public final class DeliveryLedger {
    private final String destination;
    private final RelayMetrics metrics;
    private final Counter enqueued;
    private final Counter sent;

    public DeliveryLedger(String destination, RelayMetrics metrics) {
        this.destination = destination;
        this.metrics = metrics;
        this.enqueued = metrics.enqueuedSpans(destination);
        this.sent = metrics.sentSpans(destination);
    }

    /**
     * Registers the destination's queue gauges: held bytes and spans, the capacity admission bounds them by, and the
     * age of the oldest batch not yet delivered. Called once, by the destination's queue.
     */
    public void watchQueue(Supplier<Number> bytes, Supplier<Number> spans, long capacityBytes,
                           Supplier<Number> oldestAgeSeconds) {
        metrics.exporterQueue(destination, bytes, spans, capacityBytes, oldestAgeSeconds);
    }

    public void enqueued(long spans) {
        enqueued.increment(spans);
    }

    public void sent(long spans) {
        sent.increment(spans);
    }

    public void drop(long spans, DropReason reason) {
        dropped(reason).increment(spans);
    }

    /** The counter of spans given up on for this reason, for a caller that counts on a hot path. */
    public Counter dropped(DropReason reason) {
        return metrics.droppedSpans(destination, reason.tag());
    }

    /** Data points or log records given up on, in their own unit (they hold no spans). */
    public void dropItems(PassthroughBatch.Signal signal, long items, DropReason reason) {
        (signal == PassthroughBatch.Signal.METRICS ? metrics.droppedDataPoints(destination, reason.tag())
                : metrics.droppedLogRecords(destination, reason.tag())).increment(items);
    }
}
