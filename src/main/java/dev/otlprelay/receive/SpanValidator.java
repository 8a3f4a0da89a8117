package dev.otlprelay.receive;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;

/**
 * Rejects spans with ids no destination can use — trace id not 16 bytes or all zero, span id not 8 bytes or all
 * zero, parent span id neither empty nor 8 bytes — one by one, so that the rest of the request is accepted and
 * the client learns through {@code partial_success} what was refused.
 */
final class SpanValidator {
    private SpanValidator() {
    }

    /** The request with its invalid spans removed, how many spans remain and were removed, and why. */
    record Result(ExportTraceServiceRequest request, int validSpans, int rejectedSpans, String firstProblem) {
    }

    static Result validate(ExportTraceServiceRequest request) {
        int valid = 0;
        int invalid = 0;
        String firstProblem = null;
        for (ResourceSpans rs : request.getResourceSpansList()) {
            for (ScopeSpans ss : rs.getScopeSpansList()) {
                for (Span span : ss.getSpansList()) {
                    String problem = problem(span);
                    if (problem == null) {
                        valid++;
                    } else {
                        invalid++;
                        if (firstProblem == null) {
                            firstProblem = problem;
                        }
                    }
                }
            }
        }
        if (invalid == 0) {
            return new Result(request, valid, 0, null);
        }
        return new Result(withoutInvalidSpans(request), valid, invalid, firstProblem);
    }

    /** Why the span's ids are unusable, or null when they are fine. */
    static String problem(Span span) {
        ByteString traceId = span.getTraceId();
        if (traceId.size() != 16 || allZero(traceId)) {
            return "span \"" + span.getName() + "\": trace_id has " + describe(traceId)
                    + " (expected: 16 bytes, not all zero)";
        }
        ByteString spanId = span.getSpanId();
        if (spanId.size() != 8 || allZero(spanId)) {
            return "span \"" + span.getName() + "\": span_id has " + describe(spanId)
                    + " (expected: 8 bytes, not all zero)";
        }
        ByteString parent = span.getParentSpanId();
        if (!parent.isEmpty() && parent.size() != 8) {
            return "span \"" + span.getName() + "\": parent_span_id has " + describe(parent)
                    + " (expected: empty for a root span, or 8 bytes)";
        }
        return null;
    }

    private static String describe(ByteString id) {
        if (id.isEmpty()) {
            return "0 bytes";
        }
        return allZero(id) ? id.size() + " zero bytes" : id.size() + " bytes";
    }

    private static boolean allZero(ByteString id) {
        for (int i = 0; i < id.size(); i++) {
            if (id.byteAt(i) != 0) {
                return false;
            }
        }
        return true;
    }

    private static ExportTraceServiceRequest withoutInvalidSpans(ExportTraceServiceRequest request) {
        ExportTraceServiceRequest.Builder out = ExportTraceServiceRequest.newBuilder();
        for (ResourceSpans rs : request.getResourceSpansList()) {
            ResourceSpans.Builder rsb = rs.toBuilder().clearScopeSpans();
            for (ScopeSpans ss : rs.getScopeSpansList()) {
                ScopeSpans.Builder ssb = ss.toBuilder().clearSpans();
                for (Span span : ss.getSpansList()) {
                    if (problem(span) == null) {
                        ssb.addSpans(span);
                    }
                }
                if (ssb.getSpansCount() > 0) {
                    rsb.addScopeSpans(ssb);
                }
            }
            if (rsb.getScopeSpansCount() > 0) {
                out.addResourceSpans(rsb);
            }
        }
        return out.build();
    }
}
