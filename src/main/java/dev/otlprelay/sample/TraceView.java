package dev.otlprelay.sample;

import com.google.protobuf.ByteString;
import java.util.List;

/**
 * A trace as a {@link Sampler} sees it when it decides: every span the trace buffer holds for one trace id.
 * The local root is the span whose parent is not in this process: no parent span id, or a SERVER / CONSUMER
 * span (its parent lives in the caller). It may be absent when the decision is made early (timeout, memory).
 */
public interface TraceView {
    /** The 16-byte OTLP trace id. */
    ByteString traceId();

    /** The local root span, or null when it has not arrived. */
    SpanRef root();

    /** Every span held for the trace, in arrival order; never empty. */
    List<SpanRef> spans();
}
