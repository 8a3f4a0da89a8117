package dev.otlprelay.export.xray;

import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Keyed, typed reads of one OTLP attribute list. Built once per span (and once per resource): the sections look up
 * some forty semantic-convention keys, which an index answers faster than repeated scans of the list.
 *
 * <p>The index of a list of up to {@value #MAX_INDEXED} attributes (a span's usual size) is one small byte array,
 * open addressing over the keys' hash codes: building a {@code HashMap} per span (a node per attribute, a table,
 * the map) was the largest part of translating one. Longer lists, which only unusual spans carry, get a
 * {@code HashMap} after all, since it stays fast when many keys share a hash code and open addressing does not.
 */
final class Attributes {
    /** The longest list indexed by open addressing; at most this squared key comparisons, however keys collide. */
    static final int MAX_INDEXED = 64;
    static final Attributes EMPTY = new Attributes(List.of(), new String[0], new byte[1], null, false);

    private final List<KeyValue> list;
    /** The keys of {@link #list}, position by position, for the index of a short list; empty for a long one. */
    private final String[] keys;
    /**
     * Open addressing over {@link #keys}: each slot holds a position in the list plus one (at most
     * {@value #MAX_INDEXED}, so a byte), or 0 when free. At least twice as many slots as keys, so that a lookup of a
     * missing key, the usual outcome, soon meets a free slot.
     */
    private final byte[] slots;
    /** Positions by key for lists longer than {@value #MAX_INDEXED}; null otherwise. */
    private final Map<String, Integer> positions;
    private final boolean duplicateKeys;

    private Attributes(List<KeyValue> list, String[] keys, byte[] slots, Map<String, Integer> positions,
                       boolean duplicateKeys) {
        this.list = list;
        this.keys = keys;
        this.slots = slots;
        this.positions = positions;
        this.duplicateKeys = duplicateKeys;
    }

    static Attributes of(List<KeyValue> list) {
        int n = list.size();
        if (n == 0) {
            return EMPTY;
        }
        if (n > MAX_INDEXED) {
            Map<String, Integer> positions = new HashMap<>(n * 2);
            for (int i = 0; i < n; i++) {
                positions.put(list.get(i).getKey(), i);
            }
            return new Attributes(list, new String[0], null, positions, positions.size() < n);
        }
        String[] keys = new String[n];
        byte[] slots = new byte[Integer.highestOneBit(2 * n - 1) << 1];
        boolean duplicateKeys = false;
        for (int i = 0; i < n; i++) {
            String key = list.get(i).getKey();
            keys[i] = key;
            int slot = slot(key, keys, slots);
            duplicateKeys |= slots[slot] != 0;
            // A later position replaces an earlier one: the last of a repeated key wins.
            slots[slot] = (byte) (i + 1);
        }
        return new Attributes(list, keys, slots, null, duplicateKeys);
    }

    /** The slot that holds {@code key}, or the free slot where it would go. */
    private static int slot(String key, String[] keys, byte[] slots) {
        int mask = slots.length - 1;
        int h = key.hashCode();
        int i = (h ^ (h >>> 16)) & mask;
        while (slots[i] != 0 && !keys[slots[i] - 1].equals(key)) {
            i = (i + 1) & mask;
        }
        return i;
    }

    /** The position of the last attribute named {@code key}, or -1. */
    private int position(String key) {
        if (positions != null) {
            Integer p = positions.get(key);
            return p == null ? -1 : p;
        }
        return slots[slot(key, keys, slots)] - 1;
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
        int p = position(key);
        return p < 0 ? null : list.get(p).getValue();
    }

    boolean has(String key) {
        return position(key) >= 0;
    }

    /** A scalar as text; null when absent, empty, or an array, list or bytes. */
    String string(String key) {
        AnyValue v = get(key);
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

    /**
     * The first of two keys that has a string value, or null. Apart from {@link #string(String...)}, as are the
     * other fixed counts, because most lookups name two keys (the new convention's and the old one's) and the
     * varargs array was allocated on every call.
     */
    String string(String first, String second) {
        String s = string(first);
        return s != null ? s : string(second);
    }

    /** The first of three keys that has a string value, or null. */
    String string(String first, String second, String third) {
        String s = string(first, second);
        return s != null ? s : string(third);
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
        AnyValue v = get(key);
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

    /** The first of two keys that has an integer value, or null; see {@link #string(String, String)}. */
    Long integer(String first, String second) {
        Long l = integer(first);
        return l != null ? l : integer(second);
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
