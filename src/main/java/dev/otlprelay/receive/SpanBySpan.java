package dev.otlprelay.receive;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.WireFormat;
import dev.otlprelay.pipeline.Nesting;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.IOException;

/**
 * Decodes an OTLP/protobuf trace request that nests deeper than {@link Nesting#MAX_MESSAGE_DEPTH} somewhere, one
 * span at a time, so that only the spans (or the resource's or scope's spans) holding the too-deep value are
 * refused. The request's structure is read from its length prefixes; each resource, scope and span is decoded on
 * its own with what remains of the nesting limit, so no decode goes deeper than a whole request may.
 *
 * <p>Only for that rare request: it drops unknown fields of the request, resource spans and scope spans, which the
 * relay does not forward anyway once it rebuilds a request.
 */
final class SpanBySpan {
    private static final int RESOURCE_SPANS = tag(ExportTraceServiceRequest.RESOURCE_SPANS_FIELD_NUMBER);
    private static final int RESOURCE = tag(ResourceSpans.RESOURCE_FIELD_NUMBER);
    private static final int SCOPE_SPANS = tag(ResourceSpans.SCOPE_SPANS_FIELD_NUMBER);
    private static final int RS_SCHEMA_URL = tag(ResourceSpans.SCHEMA_URL_FIELD_NUMBER);
    private static final int SCOPE = tag(ScopeSpans.SCOPE_FIELD_NUMBER);
    private static final int SPANS = tag(ScopeSpans.SPANS_FIELD_NUMBER);
    private static final int SS_SCHEMA_URL = tag(ScopeSpans.SCHEMA_URL_FIELD_NUMBER);
    private static final int NAME = tag(Span.NAME_FIELD_NUMBER);

    private SpanBySpan() {
    }

    private static int tag(int field) {
        return (field << 3) | WireFormat.WIRETYPE_LENGTH_DELIMITED;
    }

    /**
     * The request without its too-deep spans, which are counted in {@code refused}.
     *
     * @throws IOException if the bytes are not a request for another reason (the caller reports the first error)
     */
    static ExportTraceServiceRequest decode(byte[] body, int offset, int length, SpanValidator.TooDeep refused)
            throws IOException {
        refused.rebuilt = true;
        ExportTraceServiceRequest.Builder out = ExportTraceServiceRequest.newBuilder();
        CodedInputStream in = CodedInputStream.newInstance(body, offset, length);
        in.setSizeLimit(Integer.MAX_VALUE);
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            if (tag != RESOURCE_SPANS) {
                in.skipField(tag);
                continue;
            }
            int limit = in.pushLimit(in.readRawVarint32());
            ResourceSpans rs = resourceSpans(in, body, offset, refused);
            if (rs != null) {
                out.addResourceSpans(rs);
            }
            in.popLimit(limit);
        }
        return out.build();
    }

    /** One ResourceSpans up to the stream's limit; null when its resource is too deep (its spans are counted). */
    private static ResourceSpans resourceSpans(CodedInputStream in, byte[] body, int offset,
                                               SpanValidator.TooDeep refused) throws IOException {
        ResourceSpans.Builder rs = ResourceSpans.newBuilder();
        boolean resourceTooDeep = false;
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            if (tag == RESOURCE) {
                Resource resource = part(in, body, offset, 2, Resource.parser());
                if (resource == null) {
                    resourceTooDeep = true;
                } else {
                    rs.mergeResource(resource);
                }
            } else if (tag == SCOPE_SPANS) {
                int limit = in.pushLimit(in.readRawVarint32());
                ScopeSpans.Builder ss = ScopeSpans.newBuilder();
                scopeSpans(in, body, offset, ss, refused);
                in.popLimit(limit);
                if (ss.getSpansCount() > 0) {
                    rs.addScopeSpans(ss);
                }
            } else if (tag == RS_SCHEMA_URL) {
                rs.setSchemaUrl(in.readStringRequireUtf8());
            } else {
                in.skipField(tag);
            }
        }
        if (!resourceTooDeep) {
            return rs.getScopeSpansCount() > 0 ? rs.build() : null;
        }
        int spans = 0;
        for (ScopeSpans ss : rs.getScopeSpansList()) {
            spans += ss.getSpansCount();
        }
        refused.add(spans, SpanValidator.tooDeepMessage("an attribute of a resource") + " (all " + spans
                + " of its spans)");
        return null;
    }

    /** One ScopeSpans into {@code ss}: its decodable spans are added, too-deep ones (or all, if its scope is) counted. */
    private static void scopeSpans(CodedInputStream in, byte[] body, int offset, ScopeSpans.Builder ss,
                                  SpanValidator.TooDeep refused) throws IOException {
        boolean scopeTooDeep = false;
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            if (tag == SCOPE) {
                InstrumentationScope scope = part(in, body, offset, 3, InstrumentationScope.parser());
                if (scope == null) {
                    scopeTooDeep = true;
                } else {
                    ss.mergeScope(scope);
                }
            } else if (tag == SPANS) {
                int start = offset + in.getTotalBytesRead();
                Span span = part(in, body, offset, 3, Span.parser());
                if (span != null) {
                    ss.addSpans(span);
                } else {
                    int end = offset + in.getTotalBytesRead();
                    refused.add(1, SpanValidator.tooDeepMessage("span \"" + name(body, start, end) + "\"")
                            + " (it does not decode within " + Nesting.MAX_MESSAGE_DEPTH + " nested messages)");
                }
            } else if (tag == SS_SCHEMA_URL) {
                ss.setSchemaUrl(in.readStringRequireUtf8());
            } else {
                in.skipField(tag);
            }
        }
        if (scopeTooDeep) {
            int spans = ss.getSpansCount();
            ss.clearSpans();
            refused.add(spans, SpanValidator.tooDeepMessage("an attribute of an instrumentation scope") + " (all "
                    + spans + " of its spans)");
        }
    }

    /**
     * Decodes the length-delimited field at the stream's position on its own, {@code depthAbove} messages below
     * the request; null when it nests too deep.
     */
    private static <T> T part(CodedInputStream in, byte[] body, int offset, int depthAbove,
                              com.google.protobuf.Parser<T> parser) throws IOException {
        int length = in.readRawVarint32();
        int start = offset + in.getTotalBytesRead();
        in.skipRawBytes(length);
        CodedInputStream part = CodedInputStream.newInstance(body, start, length);
        part.setRecursionLimit(Nesting.MAX_MESSAGE_DEPTH - depthAbove);
        part.setSizeLimit(Integer.MAX_VALUE);
        try {
            return parser.parseFrom(part);
        } catch (InvalidProtocolBufferException e) {
            if (Nesting.tooDeep(e)) {
                return null;
            }
            throw e;
        }
    }

    /** The name of the encoded span whose field (tag, length and bytes) is {@code body[start, end)}, or "?". */
    private static String name(byte[] body, int start, int end) {
        try {
            CodedInputStream in = CodedInputStream.newInstance(body, start, end - start);
            in.pushLimit(in.readRawVarint32());
            for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
                if (tag == NAME) {
                    return in.readStringRequireUtf8();
                }
                in.skipField(tag);
            }
        } catch (IOException e) {
            // the span is refused whatever its name
        }
        return "?";
    }
}
