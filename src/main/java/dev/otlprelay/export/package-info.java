/**
 * What every destination shares, written once: the {@link dev.otlprelay.export.Destination} life cycle, the
 * accounting identity's counters and queue gauges ({@link dev.otlprelay.export.DeliveryLedger}), the shutdown wait
 * ({@link dev.otlprelay.export.Drain}), the retry policy a destination that can retry opts into
 * ({@link dev.otlprelay.export.Backoff}, {@link dev.otlprelay.export.RetryAfter}), the durable spool
 * ({@code spool}); and {@link dev.otlprelay.export.ExportQueue}, the byte-bounded FIFO with its own sending thread
 * that an {@link dev.otlprelay.export.Exporter} (X-Ray, the debug printer) runs in. Each destination's own package
 * ({@code honeycomb}, {@code xray}) holds only what is its own.
 */
package dev.otlprelay.export;
