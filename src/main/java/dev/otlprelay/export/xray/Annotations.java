package dev.otlprelay.export.xray;

import com.fasterxml.jackson.core.JsonGenerator;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Which attributes become X-Ray annotations (indexed, searchable with filter expressions), decided once from the
 * configuration. Keys follow X-Ray's rules (letters, digits and underscore; other characters become {@code _}; at
 * most {@value #MAX_KEY_LENGTH}); values are strings (at most {@value #MAX_VALUE_LENGTH} characters), numbers or
 * booleans; at most {@value #MAX_PER_DOCUMENT} per document, the first ones in this order: the sampling
 * annotations, then the span's attributes, then (on segments) the resource's.
 */
final class Annotations {
    static final int MAX_PER_DOCUMENT = 50;
    static final int MAX_KEY_LENGTH = 500;
    static final int MAX_VALUE_LENGTH = 1000;
    /** Marks a document that was shrunk to fit in a datagram; searchable as {@code annotation.otlp_relay_truncated}. */
    static final String TRUNCATED = "otlp_relay_truncated";

    /** One annotation; {@code value} is a String, Long, Double or Boolean. */
    record Annotation(String key, Object value) {
        /** Roughly its bytes in the document, for dropping the largest first. */
        int size() {
            return key.length() + (value instanceof String s ? s.length() : 8) + 6;
        }
    }

    /** The annotations of one document and the attribute keys they took, which metadata then leaves out. */
    record Selection(List<Annotation> annotations, Set<String> spanKeys, Set<String> resourceKeys) {
        static final Selection NONE = new Selection(List.of(), Set.of(), Set.of());
    }

    private final List<String> indexed;
    private final boolean indexAll;
    private final boolean annotateSampling;

    Annotations(List<String> indexedAttributes, boolean indexAll, boolean annotateSampling) {
        this.indexed = List.copyOf(indexedAttributes);
        this.indexAll = indexAll;
        this.annotateSampling = annotateSampling;
    }

    Selection select(Attributes span, Attributes resource, boolean segment) {
        if (!indexAll && indexed.isEmpty() && !annotateSampling) {
            return Selection.NONE;
        }
        Selection s = new Selection(new ArrayList<>(), new HashSet<>(), new HashSet<>());
        if (annotateSampling) {
            add(s, "sample_rate", span, "SampleRate", s.spanKeys());
            add(s, "sampling_rule", span, "sampling.rule", s.spanKeys());
        }
        if (indexAll) {
            for (KeyValue kv : span.list()) {
                add(s, key(kv.getKey()), span, kv.getKey(), s.spanKeys());
            }
            if (segment) {
                for (KeyValue kv : resource.list()) {
                    add(s, key(kv.getKey()), resource, kv.getKey(), s.resourceKeys());
                }
            }
        } else {
            for (String attribute : indexed) {
                if (span.has(attribute)) {
                    add(s, key(attribute), span, attribute, s.spanKeys());
                } else if (segment && resource.has(attribute)) {
                    add(s, key(attribute), resource, attribute, s.resourceKeys());
                }
            }
        }
        return s;
    }

    private static void add(Selection s, String key, Attributes from, String attribute, Set<String> taken) {
        if (s.annotations().size() >= MAX_PER_DOCUMENT || key.isEmpty() || key.equals(TRUNCATED)) {
            return;
        }
        AnyValue v = from.get(attribute);
        Object value = v == null ? null : value(v);
        if (value == null) {
            return;
        }
        for (Annotation a : s.annotations()) {
            if (a.key().equals(key)) {
                return;
            }
        }
        s.annotations().add(new Annotation(key, value));
        taken.add(attribute);
    }

    private static Object value(AnyValue v) {
        return switch (v.getValueCase()) {
            case STRING_VALUE -> Limits.clip(v.getStringValue(), MAX_VALUE_LENGTH);
            case INT_VALUE -> v.getIntValue();
            case DOUBLE_VALUE -> Double.isFinite(v.getDoubleValue()) ? v.getDoubleValue() : null;
            case BOOL_VALUE -> v.getBoolValue();
            default -> null;
        };
    }

    /** An attribute key as an annotation key: {@code app.result_length} → {@code app_result_length}. */
    static String key(String attribute) {
        int n = Math.min(attribute.length(), MAX_KEY_LENGTH);
        char[] out = new char[n];
        for (int i = 0; i < n; i++) {
            char c = attribute.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
            out[i] = ok ? c : '_';
        }
        return new String(out);
    }

    /** Writes {@code annotations}, plus the truncation marker when {@code truncated}; nothing when both empty. */
    static void write(JsonGenerator g, List<Annotation> annotations, boolean truncated) throws IOException {
        if (annotations.isEmpty() && !truncated) {
            return;
        }
        g.writeObjectFieldStart("annotations");
        for (Annotation a : annotations) {
            g.writeFieldName(a.key());
            Object v = a.value();
            if (v instanceof String s) {
                g.writeString(s);
            } else if (v instanceof Long l) {
                g.writeNumber(l);
            } else if (v instanceof Double d) {
                g.writeNumber(d);
            } else {
                g.writeBoolean((Boolean) v);
            }
        }
        if (truncated) {
            g.writeBooleanField(TRUNCATED, true);
        }
        g.writeEndObject();
    }
}
