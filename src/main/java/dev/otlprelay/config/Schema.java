package dev.otlprelay.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The YAML key layout (sections and their keys, in file order) and "did you mean" suggestions. */
final class Schema {

    static final Map<String, List<String>> SECTIONS;

    static {
        Map<String, List<String>> s = new LinkedHashMap<>();
        s.put("receiver", List.of("http_address", "grpc_address", "max_request_bytes", "max_grpc_message_bytes",
                "max_inflight_bytes", "retry_after"));
        s.put("admin", List.of("address"));
        s.put("honeycomb", List.of("api_key", "api_endpoint", "dataset"));
        s.put("debug", List.of("enabled"));
        s.put("shutdown", List.of("drain_timeout"));
        SECTIONS = java.util.Collections.unmodifiableMap(s);
    }

    /** Environment variables read by the loader; these names are a contract and never change. */
    static final List<String> ENV_VARS = List.of("RELAY_CONFIG", "RELAY_HTTP_ADDRESS", "RELAY_GRPC_ADDRESS",
            "RELAY_ADMIN_ADDRESS", "RELAY_MAX_REQUEST_BYTES", "RELAY_MAX_INFLIGHT_BYTES", "HONEYCOMB_API_KEY",
            "HONEYCOMB_API_KEY_FILE", "HONEYCOMB_API_ENDPOINT", "HONEYCOMB_DATASET");

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

    /** Problem for an unknown key inside a known section. */
    static String unknownKey(String section, String key) {
        List<String> keys = SECTIONS.get(section);
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

    /** A key that exists verbatim (or nearly) in another section, e.g. receiver.drain_timeout. */
    private static String sameKeyElsewhere(String key, String exceptSection) {
        List<String> candidates = new ArrayList<>();
        for (Map.Entry<String, List<String>> e : SECTIONS.entrySet()) {
            if (!e.getKey().equals(exceptSection)) {
                for (String k : e.getValue()) {
                    candidates.add(e.getKey() + "." + k);
                }
            }
        }
        String normalized = normalize(key);
        for (String c : candidates) {
            if (normalize(c.substring(c.indexOf('.') + 1)).equals(normalized)) {
                return c;
            }
        }
        return null;
    }

    private static String closest(String key, Iterable<String> candidates, String prefix) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        String normalized = normalize(key);
        for (String c : candidates) {
            int d = levenshtein(normalized, c);
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

    static int levenshtein(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
