package dev.otlprelay.bench;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

/**
 * Writes a trace request as OTLP/JSON the way the SDKs' {@code http/json} exporters do: lowerCamelCase keys, trace
 * and span ids in hex, 64-bit integers as strings, enums as numbers. Only the fields the load generator fills are
 * written (resource and scope attributes, spans with events and status).
 */
final class TraceJson {
    private static final JsonFactory JSON = new JsonFactory();
    private static final HexFormat HEX = HexFormat.of();

    private TraceJson() {
    }

    static byte[] write(ExportTraceServiceRequest request) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(request.getSerializedSize() * 2);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeArrayFieldStart("resourceSpans");
            for (ResourceSpans rs : request.getResourceSpansList()) {
                g.writeStartObject();
                g.writeObjectFieldStart("resource");
                attributes(g, rs.getResource().getAttributesList());
                g.writeEndObject();
                g.writeArrayFieldStart("scopeSpans");
                for (ScopeSpans ss : rs.getScopeSpansList()) {
                    g.writeStartObject();
                    g.writeObjectFieldStart("scope");
                    g.writeStringField("name", ss.getScope().getName());
                    g.writeStringField("version", ss.getScope().getVersion());
                    g.writeEndObject();
                    g.writeArrayFieldStart("spans");
                    for (Span s : ss.getSpansList()) {
                        span(g, s);
                    }
                    g.writeEndArray();
                    g.writeEndObject();
                }
                g.writeEndArray();
                if (!rs.getSchemaUrl().isEmpty()) {
                    g.writeStringField("schemaUrl", rs.getSchemaUrl());
                }
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static void span(JsonGenerator g, Span s) throws IOException {
        g.writeStartObject();
        g.writeStringField("traceId", hex(s.getTraceId()));
        g.writeStringField("spanId", hex(s.getSpanId()));
        if (!s.getParentSpanId().isEmpty()) {
            g.writeStringField("parentSpanId", hex(s.getParentSpanId()));
        }
        g.writeStringField("name", s.getName());
        g.writeNumberField("kind", s.getKindValue());
        g.writeStringField("startTimeUnixNano", Long.toUnsignedString(s.getStartTimeUnixNano()));
        g.writeStringField("endTimeUnixNano", Long.toUnsignedString(s.getEndTimeUnixNano()));
        attributes(g, s.getAttributesList());
        if (s.getEventsCount() > 0) {
            g.writeArrayFieldStart("events");
            for (Span.Event e : s.getEventsList()) {
                g.writeStartObject();
                g.writeStringField("timeUnixNano", Long.toUnsignedString(e.getTimeUnixNano()));
                g.writeStringField("name", e.getName());
                attributes(g, e.getAttributesList());
                g.writeEndObject();
            }
            g.writeEndArray();
        }
        if (s.hasStatus()) {
            g.writeObjectFieldStart("status");
            if (!s.getStatus().getMessage().isEmpty()) {
                g.writeStringField("message", s.getStatus().getMessage());
            }
            g.writeNumberField("code", s.getStatus().getCodeValue());
            g.writeEndObject();
        }
        g.writeEndObject();
    }

    private static void attributes(JsonGenerator g, List<KeyValue> attributes) throws IOException {
        keyValues(g, "attributes", attributes);
    }

    private static void keyValues(JsonGenerator g, String field, List<KeyValue> attributes) throws IOException {
        g.writeArrayFieldStart(field);
        for (KeyValue kv : attributes) {
            g.writeStartObject();
            g.writeStringField("key", kv.getKey());
            g.writeFieldName("value");
            value(g, kv.getValue());
            g.writeEndObject();
        }
        g.writeEndArray();
    }

    private static void value(JsonGenerator g, AnyValue v) throws IOException {
        g.writeStartObject();
        switch (v.getValueCase()) {
            case STRING_VALUE -> g.writeStringField("stringValue", v.getStringValue());
            case BOOL_VALUE -> g.writeBooleanField("boolValue", v.getBoolValue());
            case INT_VALUE -> g.writeStringField("intValue", Long.toString(v.getIntValue()));
            case DOUBLE_VALUE -> g.writeNumberField("doubleValue", v.getDoubleValue());
            case BYTES_VALUE -> g.writeStringField("bytesValue",
                    Base64.getEncoder().encodeToString(v.getBytesValue().toByteArray()));
            case ARRAY_VALUE -> {
                g.writeObjectFieldStart("arrayValue");
                g.writeArrayFieldStart("values");
                for (AnyValue item : v.getArrayValue().getValuesList()) {
                    value(g, item);
                }
                g.writeEndArray();
                g.writeEndObject();
            }
            case KVLIST_VALUE -> {
                g.writeObjectFieldStart("kvlistValue");
                keyValues(g, "values", v.getKvlistValue().getValuesList());
                g.writeEndObject();
            }
            default -> {
                // VALUE_NOT_SET: an empty AnyValue, written as {} like the SDKs do.
            }
        }
        g.writeEndObject();
    }

    private static String hex(ByteString id) {
        return HEX.formatHex(id.toByteArray());
    }
}
