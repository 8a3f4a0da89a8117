package dev.otlprelay.receive;

import com.google.protobuf.ByteString;
import dev.otlprelay.pipeline.Nesting;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.util.List;

/**
 * Refuses, one by one, spans no destination can use, so that the rest of the request is accepted and the client
 * learns through {@code partial_success} what was refused:
 * <ul>
 *   <li>{@code invalid_id}: trace id not 16 bytes or all zero, span id not 8 bytes or all zero, parent span id
 *       neither empty nor 8 bytes;</li>
 *   <li>{@code too_deep}: an attribute of the span (or of its events, links, resource or scope) nests kvlists or
 *       arrays deeper than {@link Nesting#MAX_VALUE_DEPTH}. Spans nested past what the decoders take at all
 *       arrive already refused, in {@link TooDeep}.</li>
 * </ul>
 */
final class SpanValidator {
    private SpanValidator() {
    }

    /** Spans the decoders refused for their nesting before validation: how many, and the first one's problem. */
    static final class TooDeep {
        private int spans;
        private String first;
        /** True when the request was rebuilt around refused parts: its bytes are not the request's. */
        boolean rebuilt;

        void add(int count, String problem) {
            spans += count;
            if (first == null && count > 0) {
                first = problem;
            }
        }

        int spans() {
            return spans;
        }
    }

    /** The request with its refused spans removed, how many remain, how many were refused and why. */
    record Validated(ExportTraceServiceRequest request, int validSpans, int invalidIds, int tooDeep,
                  String firstProblem) {
        int rejectedSpans() {
            return invalidIds + tooDeep;
        }

        /** The partial_success message, or null when nothing was refused. */
        String message() {
            int rejected = rejectedSpans();
            if (rejected == 0) {
                return null;
            }
            String why = tooDeep == 0 ? "for invalid ids"
                    : invalidIds == 0 ? "for nesting deeper than " + Nesting.MAX_VALUE_DEPTH + " levels"
                    : "(" + invalidIds + " for invalid ids, " + tooDeep + " for nesting deeper than "
                    + Nesting.MAX_VALUE_DEPTH + " levels)";
            return rejected + " of " + (rejected + validSpans) + " spans rejected " + why + "; first: " + firstProblem;
        }
    }

    static Validated validate(ExportTraceServiceRequest request) {
        return validate(request, new TooDeep());
    }

    static Validated validate(ExportTraceServiceRequest request, TooDeep decoded) {
        int valid = 0;
        int invalidIds = 0;
        int tooDeep = decoded.spans();
        String firstProblem = decoded.first;
        for (ResourceSpans rs : request.getResourceSpansList()) {
            String resource = containerProblem(rs.getResource().getAttributesList(), "resource");
            for (ScopeSpans ss : rs.getScopeSpansList()) {
                String scope = resource != null ? resource
                        : containerProblem(ss.getScope().getAttributesList(), "instrumentation scope");
                for (Span span : ss.getSpansList()) {
                    String idProblem = idProblem(span);
                    String problem = idProblem != null ? idProblem : scope != null ? scope : depthProblem(span);
                    if (problem == null) {
                        valid++;
                        continue;
                    }
                    if (idProblem != null) {
                        invalidIds++;
                    } else {
                        tooDeep++;
                    }
                    if (firstProblem == null) {
                        firstProblem = idProblem != null || scope == null ? problem
                                : "span \"" + span.getName() + "\": " + problem;
                    }
                }
            }
        }
        if (invalidIds == 0 && tooDeep == decoded.spans()) { // nothing refused here: the request stands as decoded
            return new Validated(request, valid, 0, tooDeep, firstProblem);
        }
        return new Validated(withoutRefusedSpans(request), valid, invalidIds, tooDeep, firstProblem);
    }

    /** Why the span's ids are unusable, or null when they are fine. */
    static String idProblem(Span span) {
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

    /** Why one of the span's own attributes (or its events' or links') is too deep, or null. */
    static String depthProblem(Span span) {
        String where = exceeds(span.getAttributesList()) ? "an attribute" : null;
        for (int i = 0; where == null && i < span.getEventsCount(); i++) {
            if (exceeds(span.getEvents(i).getAttributesList())) {
                where = "an attribute of event " + i;
            }
        }
        for (int i = 0; where == null && i < span.getLinksCount(); i++) {
            if (exceeds(span.getLinks(i).getAttributesList())) {
                where = "an attribute of link " + i;
            }
        }
        return where == null ? null : tooDeepMessage("span \"" + span.getName() + "\": " + where);
    }

    /** The problem every span of a resource or scope shares when one of its attributes is too deep, or null. */
    private static String containerProblem(List<KeyValue> attributes, String what) {
        return exceeds(attributes) ? tooDeepMessage("an attribute of its " + what) : null;
    }

    static String tooDeepMessage(String where) {
        return where + " nests kvlists or arrays deeper than " + Nesting.MAX_VALUE_DEPTH
                + " levels (expected: at most " + Nesting.MAX_VALUE_DEPTH + ")";
    }

    private static boolean exceeds(List<KeyValue> attributes) {
        for (KeyValue kv : attributes) {
            if (exceeds(kv.getValue(), Nesting.MAX_VALUE_DEPTH)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether the value holds more than {@code levels} kvlist or array levels. Recursion is bounded by the
     * decoders' nesting limit ({@link Nesting#MAX_MESSAGE_DEPTH}) and stops one level past {@code levels}.
     */
    private static boolean exceeds(AnyValue value, int levels) {
        switch (value.getValueCase()) {
            case KVLIST_VALUE -> {
                if (levels == 0) {
                    return true;
                }
                for (KeyValue kv : value.getKvlistValue().getValuesList()) {
                    if (exceeds(kv.getValue(), levels - 1)) {
                        return true;
                    }
                }
                return false;
            }
            case ARRAY_VALUE -> {
                if (levels == 0) {
                    return true;
                }
                for (AnyValue element : value.getArrayValue().getValuesList()) {
                    if (exceeds(element, levels - 1)) {
                        return true;
                    }
                }
                return false;
            }
            default -> {
                return false;
            }
        }
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

    private static ExportTraceServiceRequest withoutRefusedSpans(ExportTraceServiceRequest request) {
        ExportTraceServiceRequest.Builder out = ExportTraceServiceRequest.newBuilder();
        for (ResourceSpans rs : request.getResourceSpansList()) {
            if (containerProblem(rs.getResource().getAttributesList(), "resource") != null) {
                continue;
            }
            ResourceSpans.Builder rsb = rs.toBuilder().clearScopeSpans();
            for (ScopeSpans ss : rs.getScopeSpansList()) {
                if (containerProblem(ss.getScope().getAttributesList(), "instrumentation scope") != null) {
                    continue;
                }
                ScopeSpans.Builder ssb = ss.toBuilder().clearSpans();
                for (Span span : ss.getSpansList()) {
                    if (idProblem(span) == null && depthProblem(span) == null) {
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
