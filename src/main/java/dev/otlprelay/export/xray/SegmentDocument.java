package dev.otlprelay.export.xray;

import com.fasterxml.jackson.core.JsonGenerator;
import com.google.protobuf.ByteString;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.IOException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One X-Ray document, translated but not yet written: {@link DatagramEncoder} writes it, possibly several times
 * with tighter {@link Limits}, until it fits in a datagram. Fields are in X-Ray's terms; null means absent.
 *
 * @param segment       a segment (true) or an independent subsegment ({@code "type": "subsegment"})
 * @param id            the span's id, as received (8 bytes); {@code traceId} (16) and {@code parentId} likewise
 * @param spanName      the span's own name when the document is named otherwise; kept in metadata
 * @param resource      the resource's attributes, kept in metadata on segments only; null on subsegments
 * @param annotatedSpanKeys     span attributes written as annotations, left out of metadata
 * @param annotatedResourceKeys resource attributes written as annotations, left out of metadata
 */
record SegmentDocument(boolean segment, String name, ByteString id, ByteString traceId, ByteString parentId,
                       long startNanos,
                       long endNanos, String namespace, String origin, String user, String serviceVersion,
                       HttpSection http, CauseSection cause, AwsSection aws, SqlSection sql,
                       List<Annotations.Annotation> annotations, Attributes attributes, Set<String> annotatedSpanKeys,
                       Attributes resource, Set<String> annotatedResourceKeys, String spanName,
                       List<Span.Link> links) {

    static final String RESOURCE_PREFIX = "otel.resource.";
    static final String SPAN_NAME = "otel.span.name";

    /** Writes the document with {@code annotations} (those of {@link #annotations} that {@code limits} keep). */
    void write(JsonGenerator g, Limits limits, List<Annotations.Annotation> annotations) throws IOException {
        // Ids and times are written as text into this buffer, and copied from it by the generator.
        char[] text = new char[Math.max(Ids.TRACE_ID_CHARS, MAX_SECONDS_CHARS)];
        g.writeStartObject();
        g.writeStringField("name", name);
        g.writeFieldName("id");
        g.writeString(text, 0, Ids.spanId(id, text));
        g.writeFieldName("trace_id");
        g.writeString(text, 0, Ids.traceId(traceId, text));
        if (parentId != null) {
            g.writeFieldName("parent_id");
            g.writeString(text, 0, Ids.spanId(parentId, text));
        }
        if (!segment) {
            g.writeStringField("type", "subsegment");
        }
        g.writeFieldName("start_time");
        g.writeNumber(text, 0, seconds(startNanos, text));
        g.writeFieldName("end_time");
        g.writeNumber(text, 0, seconds(endNanos, text));
        if (namespace != null) {
            g.writeStringField("namespace", namespace);
        }
        if (origin != null) {
            g.writeStringField("origin", origin);
        }
        if (user != null) {
            g.writeStringField("user", limits.clip(user));
        }
        if (serviceVersion != null) {
            g.writeObjectFieldStart("service");
            g.writeStringField("version", limits.clip(serviceVersion));
            g.writeEndObject();
        }
        if (cause != null) {
            cause.writeFlags(g);
            cause.writeCause(g, limits);
        }
        if (http != null) {
            http.write(g, limits, segment);
        }
        if (aws != null) {
            aws.write(g, limits);
        }
        if (sql != null) {
            sql.write(g, limits);
        }
        Annotations.write(g, annotations, limits.truncated() != null);
        writeMetadata(g, limits);
        writeLinks(g, limits, text);
        g.writeEndObject();
    }

    /** The longest text {@link #seconds} writes: a sign, 10 digits of seconds (±2^63 ns), the point, 6 digits. */
    static final int MAX_SECONDS_CHARS = 18;

    /**
     * Epoch seconds with microsecond precision, written as an exact decimal ({@code 1763888400.123456}) rather
     * than through a double, which would round the last digit at today's epoch. Writes at the start of {@code out}
     * and returns the length; before the epoch the seconds are negative and the fraction still counts up from them
     * ({@code -2.999999} is a microsecond after -3 s).
     */
    static int seconds(long nanos, char[] out) {
        long micros = Math.floorDiv(nanos, 1000L);
        long secs = Math.floorDiv(micros, 1_000_000L);
        long fraction = Math.floorMod(micros, 1_000_000L);
        int at = 0;
        if (secs < 0) {
            out[at++] = '-';
            // No overflow: |secs| is at most Long.MAX_VALUE / 10^9.
            secs = -secs;
        }
        at = digits(secs, digitCount(secs), out, at);
        out[at++] = '.';
        return digits(fraction, 6, out, at);
    }

    private static int digitCount(long v) {
        int count = 1;
        for (long rest = v / 10; rest > 0; rest /= 10) {
            count++;
        }
        return count;
    }

    /** Writes the last {@code count} decimal digits of {@code v} (zero-padded) at {@code at}; returns the end. */
    private static int digits(long v, int count, char[] out, int at) {
        int end = at + count;
        for (int i = end - 1; i >= at; i--) {
            out[i] = (char) ('0' + v % 10);
            v /= 10;
        }
        return end;
    }

    private void writeMetadata(JsonGenerator g, Limits limits) throws IOException {
        boolean rawStacks = cause != null && cause.hasRawStacks();
        boolean defaults = limits.metadata() && (attributes.list().size() > annotatedSpanKeys.size()
                || (resource != null && resource.list().size() > annotatedResourceKeys.size())
                || spanName != null || rawStacks);
        boolean marker = limits.truncated() != null;
        if (!defaults && !marker) {
            return;
        }
        g.writeObjectFieldStart("metadata");
        if (defaults) {
            g.writeObjectFieldStart("default");
            if (spanName != null) {
                g.writeStringField(SPAN_NAME, spanName);
            }
            writeAttributes(g, attributes, annotatedSpanKeys, "", limits);
            if (resource != null) {
                writeAttributes(g, resource, annotatedResourceKeys, RESOURCE_PREFIX, limits);
            }
            if (rawStacks) {
                cause.writeRawStacks(g, limits);
            }
            g.writeEndObject();
        }
        if (marker) {
            g.writeObjectFieldStart("otlp_relay");
            g.writeStringField("truncated", limits.truncated());
            g.writeEndObject();
        }
        g.writeEndObject();
    }

    private static void writeAttributes(JsonGenerator g, Attributes attributes, Set<String> skip, String prefix,
                                        Limits limits) throws IOException {
        Set<String> seen = attributes.hasDuplicateKeys() ? new HashSet<>() : null;
        for (KeyValue kv : attributes.list()) {
            String key = kv.getKey();
            if (skip.contains(key) || (seen != null && !seen.add(key))) {
                continue;
            }
            g.writeFieldName(prefix.isEmpty() ? key : prefix + key);
            AnyValueJson.write(g, seen == null ? kv.getValue() : attributes.get(key), limits.maxString());
        }
    }

    private void writeLinks(JsonGenerator g, Limits limits, char[] text) throws IOException {
        int count = 0;
        for (Span.Link link : links) {
            if (count == limits.maxLinks()) {
                break;
            }
            if (link.getTraceId().size() != 16 || link.getSpanId().size() != 8) {
                continue;
            }
            if (count++ == 0) {
                g.writeArrayFieldStart("links");
            }
            g.writeStartObject();
            g.writeFieldName("trace_id");
            g.writeString(text, 0, Ids.traceId(link.getTraceId(), text));
            g.writeFieldName("id");
            g.writeString(text, 0, Ids.spanId(link.getSpanId(), text));
            if (limits.linkAttributes() && link.getAttributesCount() > 0) {
                g.writeObjectFieldStart("attributes");
                AnyValueJson.fields(g, link.getAttributesList(), limits.maxString());
                g.writeEndObject();
            }
            g.writeEndObject();
        }
        if (count > 0) {
            g.writeEndArray();
        }
    }
}
