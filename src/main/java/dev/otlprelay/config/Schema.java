package dev.otlprelay.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The YAML key layout (sections and their keys, in file order, as {@link Keys} lists them) and "did you mean"
 * suggestions. A key of a section may itself be a section ({@code honeycomb.spool}); such nested sections are listed
 * in {@link #NESTED} by path.
 */
final class Schema {

    /** Top-level sections and their keys (a nested section is one of its section's keys), from {@link Keys}. */
    static final Map<String, List<String>> SECTIONS;

    /** Nested sections by dotted path ({@code honeycomb.spool}) and their keys, from {@link Keys}. */
    static final Map<String, List<String>> NESTED;

    static {
        Map<String, List<String>> s = new LinkedHashMap<>();
        Map<String, List<String>> n = new LinkedHashMap<>();
        for (Key<?> k : Keys.ALL) {
            (k.section().contains(".") ? n : s).computeIfAbsent(k.section(), x -> new ArrayList<>()).add(k.name());
        }
        s.replaceAll((section, keys) -> List.copyOf(keys));
        n.replaceAll((section, keys) -> List.copyOf(keys));
        SECTIONS = Collections.unmodifiableMap(s);
        NESTED = Collections.unmodifiableMap(n);
    }

    /** Environment variables read by the loader; these names are a contract and never change. */
    static final List<String> ENV_VARS = Keys.ENV_VARS;

    private static final int MAX_SUGGESTION_DISTANCE = 3;

    private Schema() {
    }

    /** Problem for an unknown top-level key. */
    static String unknownSection(String name) {
        String suggestion = sameKeyElsewhere(name, null);
        if (suggestion == null) {
            suggestion = closest(name, SECTIONS.keySet(), "");
        }
        return unknown(name, suggestion, SECTIONS.keySet());
    }

    /** The keys of a top-level or nested section ({@code honeycomb.spool}); null when there is none. */
    static List<String> keys(String sectionPath) {
        List<String> keys = SECTIONS.get(sectionPath);
        return keys != null ? keys : NESTED.get(sectionPath);
    }

    /** Problem for an unknown key inside a known (top-level or nested) section. */
    static String unknownKey(String section, String key) {
        List<String> keys = keys(section);
        String suggestion = closest(key, keys, section + ".");
        if (suggestion == null) {
            suggestion = sameKeyElsewhere(key, section);
        }
        return unknown(section + "." + key, suggestion, keys);
    }

    private static String unknown(String path, String suggestion, Iterable<String> known) {
        if (suggestion != null) {
            return path + ": unknown key (did you mean " + suggestion + "?)";
        }
        return path + ": unknown key (expected one of: " + String.join(", ", known) + ")";
    }

    /**
     * A key that exists verbatim (up to case and {@code -}/{@code _}) in another section, e.g.
     * receiver.drain_timeout, or honeycomb.fsync for honeycomb.spool.fsync.
     */
    private static String sameKeyElsewhere(String key, String exceptSection) {
        Map<String, List<String>> all = new LinkedHashMap<>(SECTIONS);
        all.putAll(NESTED);
        String normalized = normalize(key);
        for (Map.Entry<String, List<String>> e : all.entrySet()) {
            if (!e.getKey().equals(exceptSection)) {
                for (String k : e.getValue()) {
                    if (k.equals(normalized)) {
                        return e.getKey() + "." + k;
                    }
                }
            }
        }
        return null;
    }

    private static String closest(String key, Iterable<String> candidates, String prefix) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        String normalized = normalize(key);
        for (String c : candidates) {
            int d = EditDistance.between(normalized, c);
            if (d <= MAX_SUGGESTION_DISTANCE && d < bestDistance) {
                best = prefix + c;
                bestDistance = d;
            }
        }
        return best;
    }

    private static String normalize(String key) {
        return key.toLowerCase(Locale.ROOT).replace('-', '_');
    }
}
