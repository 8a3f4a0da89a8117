package dev.otlprelay.pipeline;

import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;

/** A validated trace export request: every span in it has well-formed ids. */
public record TraceBatch(ExportTraceServiceRequest request, int spanCount, long sizeBytes, ClientContext client,
                         long receivedNanos) implements Batch {
}
