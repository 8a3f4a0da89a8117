package dev.otlprelay.export.xray;

import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Keyed, typed reads of one OTLP attribute list. Built once per span (and once per resource): the sections look up
 * some forty semantic-convention keys, which a map answers faster than repeated scans of the list.
 */
final class Attributes {
    static final Attributes EMPTY = new Attributes(List.of(), Map.of(), false);

    private final List<KeyValue> list;
    private final Map<String, AnyValue> byKey;
    private final boolean duplicateKeys;

    private Attributes(List<KeyValue> list, Map<String, AnyValue> byKey, boolean duplicateKeys) {
        this.list = list;
        this.byKey = byKey;
        this.duplicateKeys = duplicateKeys;
    }

    static Attributes of(List<KeyValue> list) {
        if (list.isEmpty()) {
            return EMPTY;
        }
        Map<String, AnyValue> byKey = new HashMap<>(list.size() * 2);
        for (KeyValue kv : list) {
            byKey.put(kv.getKey(), kv.getValue());
        }
        return new Attributes(list, byKey, byKey.size() < list.size());
    }

    /** The attributes in the order received. May repeat a key when {@link #hasDuplicateKeys()}. */
    List<KeyValue> list() {
        return list;
    }

    /** Whether a key occurs more than once (OTLP forbids it, but nothing enforces it); the last one wins. */
    boolean hasDuplicateKeys() {
        return duplicateKeys;
    }

    boolean isEmpty() {
        return list.isEmpty();
    }

    AnyValue get(String key) {
        return byKey.get(key);
    }

    boolean has(String key) {
        return byKey.containsKey(key);
    }

    /** A scalar as text; null when absent, empty, or an array, list or bytes. */
    String string(String key) {
        AnyValue v = byKey.get(key);
        if (v == null) {
            return null;
        }
        return switch (v.getValueCase()) {
            case STRING_VALUE -> v.getStringValue().isEmpty() ? null : v.getStringValue();
            case INT_VALUE -> Long.toString(v.getIntValue());
            case DOUBLE_VALUE -> Double.toString(v.getDoubleValue());
            case BOOL_VALUE -> Boolean.toString(v.getBoolValue());
            default -> null;
        };
    }

    /** The first of {@code keys} that has a string value, or null. */
    String string(String... keys) {
        for (String key : keys) {
            String s = string(key);
            if (s != null) {
                return s;
            }
        }
        return null;
    }

    /** An integer, also when sent as a whole double or as decimal text (some instrumentations do); else null. */
    Long integer(String key) {
        AnyValue v = byKey.get(key);
        if (v == null) {
            return null;
        }
        switch (v.getValueCase()) {
            case INT_VALUE:
                return v.getIntValue();
            case DOUBLE_VALUE:
                double d = v.getDoubleValue();
                return d == Math.rint(d) && Math.abs(d) < 9.0e15 ? (long) d : null;
            case STRING_VALUE:
                try {
                    return Long.parseLong(v.getStringValue().trim());
                } catch (NumberFormatException e) {
                    return null;
                }
            default:
                return null;
        }
    }

    /** The first of {@code keys} that has an integer value, or null. */
    Long integer(String... keys) {
        for (String key : keys) {
            Long l = integer(key);
            if (l != null) {
                return l;
            }
        }
        return null;
    }
}
