package dev.otlprelay.export.honeycomb;

import dev.otlprelay.pipeline.DropReason;
import dev.otlprelay.pipeline.PassthroughBatch;
import dev.otlprelay.telemetry.RelayMetrics;
import io.micrometer.core.instrument.Counter;

/**
 * The Honeycomb destination's counters of the accounting identity, in one place for the side that takes data
 * ({@link HoneycombDestination}) and the side that settles it ({@link HoneycombSender}): {@code enqueued_spans =
 * sent_spans + dropped_spans{reason} + spooled_at_shutdown_spans + queue_spans}, with data points and log records
 * given up on counted in their own units.
 */
final class HoneycombAccounting {
    private final RelayMetrics metrics;
    private final Counter enqueued;
    private final Counter sent;

    HoneycombAccounting(RelayMetrics metrics) {
        this.metrics = metrics;
        this.enqueued = metrics.enqueuedSpans(HoneycombDestination.NAME);
        this.sent = metrics.sentSpans(HoneycombDestination.NAME);
    }

    void enqueued(long spans) {
        enqueued.increment(spans);
    }

    void sent(long spans) {
        sent.increment(spans);
    }

    void drop(long spans, DropReason reason) {
        metrics.droppedSpans(HoneycombDestination.NAME, reason.tag()).increment(spans);
    }

    /** Data points or log records given up on, in their own unit (they hold no spans). */
    void dropItems(PassthroughBatch.Signal signal, long items, DropReason reason) {
        (signal == PassthroughBatch.Signal.METRICS ? metrics.droppedDataPoints(HoneycombDestination.NAME, reason.tag())
                : metrics.droppedLogRecords(HoneycombDestination.NAME, reason.tag())).increment(items);
    }

    /** Everything the request holds given up on: its spans, or its data points or log records. */
    void dropAll(Outbound o, DropReason reason) {
        if (o.isTraces()) {
            drop(o.spanCount, reason);
        } else {
            dropItems(o.signal, o.items, reason);
        }
    }
}
