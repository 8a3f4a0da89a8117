package dev.otlprelay.export.xray;

import com.fasterxml.jackson.core.JsonGenerator;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import java.io.IOException;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** OTLP values as JSON, for metadata and link attributes: arrays as arrays, key-value lists as objects. */
final class AnyValueJson {
    private AnyValueJson() {
    }

    static void write(JsonGenerator g, AnyValue v, int maxString) throws IOException {
        switch (v.getValueCase()) {
            case STRING_VALUE -> g.writeString(Limits.clip(v.getStringValue(), maxString));
            case BOOL_VALUE -> g.writeBoolean(v.getBoolValue());
            case INT_VALUE -> g.writeNumber(v.getIntValue());
            case DOUBLE_VALUE -> number(g, v.getDoubleValue());
            case BYTES_VALUE -> g.writeString(Limits.clip(
                    Base64.getEncoder().encodeToString(v.getBytesValue().toByteArray()), maxString));
            case ARRAY_VALUE -> {
                g.writeStartArray();
                for (AnyValue item : v.getArrayValue().getValuesList()) {
                    write(g, item, maxString);
                }
                g.writeEndArray();
            }
            case KVLIST_VALUE -> {
                g.writeStartObject();
                fields(g, v.getKvlistValue().getValuesList(), maxString);
                g.writeEndObject();
            }
            default -> g.writeNull();
        }
    }

    /** Writes each key-value as a field of the current object; a repeated key is written once (the first). */
    static void fields(JsonGenerator g, List<KeyValue> kvs, int maxString) throws IOException {
        Set<String> seen = kvs.size() > 1 ? new HashSet<>() : null;
        for (KeyValue kv : kvs) {
            if (seen == null || seen.add(kv.getKey())) {
                g.writeFieldName(kv.getKey());
                write(g, kv.getValue(), maxString);
            }
        }
    }

    /** JSON has no NaN or infinities: those are written as strings. */
    static void number(JsonGenerator g, double d) throws IOException {
        if (Double.isFinite(d)) {
            g.writeNumber(d);
        } else {
            g.writeString(Double.toString(d));
        }
    }
}
