package dev.otlprelay.sample;

import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import java.util.List;

/** Attribute values as the rules compare them: scalars in their string form. */
final class AttributeText {
    private AttributeText() {
    }

    /** A scalar as text (string, boolean, integer, double); null for arrays, lists, bytes and unset values. */
    static String of(AnyValue v) {
        return switch (v.getValueCase()) {
            case STRING_VALUE -> v.getStringValue();
            case BOOL_VALUE -> Boolean.toString(v.getBoolValue());
            case INT_VALUE -> Long.toString(v.getIntValue());
            case DOUBLE_VALUE -> Double.toString(v.getDoubleValue());
            default -> null;
        };
    }

    /** The value of the last attribute named {@code key} (OTLP forbids repeats; the last one wins), or null. */
    static String find(List<KeyValue> attributes, String key) {
        String found = null;
        for (KeyValue kv : attributes) {
            if (kv.getKey().equals(key)) {
                found = of(kv.getValue());
            }
        }
        return found;
    }

    /** An integer attribute, also when sent as a string of digits (some instrumentations do); else -1. */
    static long integer(AnyValue v) {
        if (v.hasIntValue()) {
            return v.getIntValue();
        }
        if (v.hasStringValue()) {
            String s = v.getStringValue().trim();
            if (!s.isEmpty() && s.length() < 10 && s.chars().allMatch(Character::isDigit)) {
                return Long.parseLong(s);
            }
        }
        return -1;
    }
}
