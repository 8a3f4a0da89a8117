package dev.otlprelay.export.xray;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
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
 * @param resource      the resource, whose attributes are kept in metadata on segments only; null on subsegments
 * @param annotatedSpanKeys     span attributes written as annotations, left out of metadata
 * @param annotatedResourceKeys resource attributes written as annotations, left out of metadata
 */
record SegmentDocument(boolean segment, String name, ByteString id, ByteString traceId, ByteString parentId,
                       long startNanos, long endNanos, String namespace, String origin, String user,
                       String serviceVersion, HttpSection http, CauseSection cause, AwsSection aws, SqlSection sql,
                       List<Annotations.Annotation> annotations, Attributes attributes, Set<String> annotatedSpanKeys,
                       ResourceView resource, Set<String> annotatedResourceKeys, String spanName,
                       List<Span.Link> links) {

    static final String SPAN_NAME = "otel.span.name";
    /** The longest text {@link #seconds} writes: a sign, 10 digits of seconds (±2^63 ns), the point, 6 digits. */
    static final int MAX_SECONDS_CHARS = 18;
    /** The size of the buffer {@link #write} writes ids and times into: the longest of them. */
    static final int TEXT_CHARS = Math.max(Ids.TRACE_ID_CHARS, MAX_SECONDS_CHARS);
    private static final SerializableString NAME = JsonFields.name("name");
    private static final SerializableString ID = JsonFields.name("id");
    private static final SerializableString TRACE_ID = JsonFields.name("trace_id");
    private static final SerializableString PARENT_ID = JsonFields.name("parent_id");
    private static final SerializableString TYPE = JsonFields.name("type");
    private static final SerializableString START_TIME = JsonFields.name("start_time");
    private static final SerializableString END_TIME = JsonFields.name("end_time");
    private static final SerializableString NAMESPACE = JsonFields.name("namespace");
    private static final SerializableString ORIGIN = JsonFields.name("origin");
    private static final SerializableString USER = JsonFields.name("user");
    private static final SerializableString SERVICE = JsonFields.name("service");
    private static final SerializableString VERSION = JsonFields.name("version");
    private static final SerializableString METADATA = JsonFields.name("metadata");
    private static final SerializableString DEFAULT = JsonFields.name("default");
    private static final SerializableString SPAN_NAME_FIELD = JsonFields.name(SPAN_NAME);
    private static final SerializableString OTLP_RELAY = JsonFields.name("otlp_relay");
    private static final SerializableString TRUNCATED = JsonFields.name("truncated");
    private static final SerializableString LINKS = JsonFields.name("links");
    private static final SerializableString ATTRIBUTES = JsonFields.name("attributes");

    /**
     * Writes the document with {@code annotations} (those of {@link #annotations} that {@code limits} keep).
     *
     * @param text a buffer of {@link #TEXT_CHARS} or more, for the encoder to reuse: ids and times are written into
     *             it as text, and the generator copies them from there
     */
    void write(JsonGenerator g, Limits limits, List<Annotations.Annotation> annotations, char[] text)
            throws IOException {
        writeOpen(g, limits, annotations, text, false);
        g.writeEndObject();
    }

    /**
     * Writes the document's opening brace and every field of {@link #write}, and leaves the object open for a
     * {@code subsegments} array and the closing brace.
     *
     * @param nested the document is a subsegment inside its parent's document: it names neither its trace, nor its
     *               parent, nor its type, which the enclosing document says (as the X-Ray SDKs write nested
     *               subsegments); every other field is the same as when the span is sent alone
     */
    void writeOpen(JsonGenerator g, Limits limits, List<Annotations.Annotation> annotations, char[] text,
                   boolean nested) throws IOException {
        g.writeStartObject();
        JsonFields.string(g, NAME, name);
        g.writeFieldName(ID);
        g.writeString(text, 0, Ids.spanId(id, text));
        if (!nested) {
            g.writeFieldName(TRACE_ID);
            g.writeString(text, 0, Ids.traceId(traceId, text));
            if (parentId != null) {
                g.writeFieldName(PARENT_ID);
                g.writeString(text, 0, Ids.spanId(parentId, text));
            }
            if (!segment) {
                JsonFields.string(g, TYPE, "subsegment");
            }
        }
        g.writeFieldName(START_TIME);
        g.writeNumber(text, 0, seconds(startNanos, text));
        g.writeFieldName(END_TIME);
        g.writeNumber(text, 0, seconds(endNanos, text));
        if (namespace != null) {
            JsonFields.string(g, NAMESPACE, namespace);
        }
        if (origin != null) {
            JsonFields.string(g, ORIGIN, origin);
        }
        if (user != null) {
            JsonFields.string(g, USER, limits.clip(user));
        }
        if (serviceVersion != null) {
            JsonFields.startObject(g, SERVICE);
            JsonFields.string(g, VERSION, limits.clip(serviceVersion));
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
    }

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
                || (resource != null && resource.attributes().list().size() > annotatedResourceKeys.size())
                || spanName != null || rawStacks);
        boolean marker = limits.truncated() != null;
        if (!defaults && !marker) {
            return;
        }
        JsonFields.startObject(g, METADATA);
        if (defaults) {
            JsonFields.startObject(g, DEFAULT);
            if (spanName != null) {
                JsonFields.string(g, SPAN_NAME_FIELD, spanName);
            }
            writeAttributes(g, attributes, annotatedSpanKeys, "", null, limits);
            if (resource != null) {
                resource.metadata().write(g, annotatedResourceKeys, limits);
            }
            if (rawStacks) {
                cause.writeRawStacks(g, limits);
            }
            g.writeEndObject();
        }
        if (marker) {
            JsonFields.startObject(g, OTLP_RELAY);
            JsonFields.string(g, TRUNCATED, limits.truncated());
            g.writeEndObject();
        }
        g.writeEndObject();
    }

    /**
     * Writes the attributes but those in {@code skip}, a repeated key once (where it first occurs, with the value
     * that wins), each named {@code prefix} and its key; {@code encodedNames}, when not null, holds those names
     * encoded, position by position, or null where the generator is to write the name.
     */
    static void writeAttributes(JsonGenerator g, Attributes attributes, Set<String> skip, String prefix,
                                List<SerializableString> encodedNames, Limits limits) throws IOException {
        Set<String> seen = attributes.hasDuplicateKeys() ? new HashSet<>() : null;
        List<KeyValue> list = attributes.list();
        for (int i = 0; i < list.size(); i++) {
            KeyValue kv = list.get(i);
            String key = kv.getKey();
            if (skip.contains(key) || (seen != null && !seen.add(key))) {
                continue;
            }
            SerializableString encoded = encodedNames == null ? null : encodedNames.get(i);
            if (encoded != null) {
                g.writeFieldName(encoded);
            } else {
                g.writeFieldName(prefix.isEmpty() ? key : prefix + key);
            }
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
                JsonFields.startArray(g, LINKS);
            }
            g.writeStartObject();
            g.writeFieldName(TRACE_ID);
            g.writeString(text, 0, Ids.traceId(link.getTraceId(), text));
            g.writeFieldName(ID);
            g.writeString(text, 0, Ids.spanId(link.getSpanId(), text));
            if (limits.linkAttributes() && link.getAttributesCount() > 0) {
                JsonFields.startObject(g, ATTRIBUTES);
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
