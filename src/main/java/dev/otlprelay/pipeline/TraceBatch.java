package dev.otlprelay.pipeline;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;

/**
 * A validated trace export request: every span in it has well-formed ids.
 *
 * <p>{@link #encoded()} is the request's protobuf encoding exactly as received, when {@link #request()} is that
 * encoding decoded and nothing was removed from it; null otherwise (JSON, spans rejected, batches rebuilt by
 * sampling). A destination that forwards spans unchanged copies these bytes instead of encoding the decoded
 * request again, and holds bytes rather than objects (a decoded span takes several times its encoded size on the
 * heap): {@link #bytesOnly()} is the same batch without its decoded request, decoded again when next asked for.
 */
public final class TraceBatch implements Batch {
    private volatile ExportTraceServiceRequest request;
    private final int spanCount;
    private final long sizeBytes;
    private final ClientContext client;
    private final long receivedNanos;
    private final ByteString encoded;

    /**
     * @param encoded the encoding {@code request} was decoded from, when nothing was removed from it, or null
     */
    public TraceBatch(ExportTraceServiceRequest request, int spanCount, long sizeBytes, ClientContext client,
                      long receivedNanos, ByteString encoded) {
        if (request == null) {
            throw new IllegalArgumentException("request: null");
        }
        this.request = request;
        this.spanCount = spanCount;
        this.sizeBytes = sizeBytes;
        this.client = client;
        this.receivedNanos = receivedNanos;
        this.encoded = encoded;
    }

    /** A batch without its received encoding (built or changed by the relay). */
    public TraceBatch(ExportTraceServiceRequest request, int spanCount, long sizeBytes, ClientContext client,
                      long receivedNanos) {
        this(request, spanCount, sizeBytes, client, receivedNanos, null);
    }

    private TraceBatch(TraceBatch decoded) {
        this.request = null;
        this.spanCount = decoded.spanCount;
        this.sizeBytes = decoded.sizeBytes;
        this.client = decoded.client;
        this.receivedNanos = decoded.receivedNanos;
        this.encoded = decoded.encoded;
    }

    /**
     * The same batch holding only its encoding, for a batch that is going to wait: its request is decoded again
     * (once) when {@link #request()} is next called. A batch without an encoding is returned as it is.
     */
    public TraceBatch bytesOnly() {
        return encoded == null ? this : new TraceBatch(this);
    }

    /** The decoded request; decoded from {@link #encoded()} the first time for a {@link #bytesOnly()} batch. */
    public ExportTraceServiceRequest request() {
        ExportTraceServiceRequest r = request;
        if (r == null) {
            r = TraceWire.decodeAgain(ExportTraceServiceRequest.parser(), encoded, "a received request");
            request = r;
        }
        return r;
    }

    /** Whether the decoded request is held (false only for a {@link #bytesOnly()} batch not yet decoded again). */
    public boolean isDecoded() {
        return request != null;
    }

    @Override
    public int spanCount() {
        return spanCount;
    }

    @Override
    public long sizeBytes() {
        return sizeBytes;
    }

    @Override
    public ClientContext client() {
        return client;
    }

    @Override
    public long receivedNanos() {
        return receivedNanos;
    }

    /** The received encoding, or null (see the class comment). */
    public ByteString encoded() {
        return encoded;
    }

    @Override
    public String toString() {
        return "TraceBatch[spans=" + spanCount + ", bytes=" + sizeBytes + ", client=" + client
                + (encoded != null ? ", encoded" : "") + (request == null ? ", bytes only" : "") + "]";
    }
}
