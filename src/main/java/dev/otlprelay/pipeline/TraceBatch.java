package dev.otlprelay.pipeline;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;

/**
 * A validated trace export request: every span in it has well-formed ids.
 *
 * @param encoded the request's protobuf encoding exactly as received, when {@code request} is that encoding
 *                decoded and nothing was removed from it; null otherwise (JSON, spans rejected, batches rebuilt by
 *                sampling). A destination that forwards spans unchanged copies these bytes instead of encoding the
 *                decoded request again, and holds bytes rather than objects (a decoded span takes several times
 *                its encoded size on the heap).
 */
public record TraceBatch(ExportTraceServiceRequest request, int spanCount, long sizeBytes, ClientContext client,
                         long receivedNanos, ByteString encoded) implements Batch {

    /** A batch without its received encoding (built or changed by the relay). */
    public TraceBatch(ExportTraceServiceRequest request, int spanCount, long sizeBytes, ClientContext client,
                      long receivedNanos) {
        this(request, spanCount, sizeBytes, client, receivedNanos, null);
    }
}
