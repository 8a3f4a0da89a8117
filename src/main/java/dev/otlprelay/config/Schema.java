package dev.otlprelay.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The YAML key layout (sections and their keys, in file order) and "did you mean" suggestions. A key of a section
 * may itself be a section ({@code honeycomb.spool}); such nested sections are listed in {@link #NESTED} by path.
 */
final class Schema {

    /** Top-level sections and their keys. */
    static final Map<String, List<String>> SECTIONS;

    /** Nested sections by dotted path ({@code honeycomb.spool}) and their keys. */
    static final Map<String, List<String>> NESTED;

    static {
        Map<String, List<String>> s = new LinkedHashMap<>();
        s.put("receiver", List.of("http_address", "grpc_address", "max_request_bytes", "max_grpc_message_bytes",
                "max_inflight_bytes", "retry_after", "request_timeout", "cors"));
        s.put("admin", List.of("address"));
        s.put("honeycomb", List.of("api_key", "api_endpoint", "dataset", "key_mode", "compression", "batch_timeout",
                "batch_max_spans", "batch_max_bytes", "retry_initial_backoff", "retry_multiplier", "retry_jitter",
                "retry_max_backoff", "retry_max_elapsed", "request_timeout", "senders", "retry_on", "queue_bytes",
                "ready_max_queue_age", "spool"));
        s.put("xray", List.of("enabled", "daemon_address", "indexed_attributes", "index_all_attributes",
                "annotate_sampling", "max_datagrams_per_second", "queue_bytes", "documents",
                "max_subsegments_per_document"));
        s.put("sampling", List.of("rules_file", "reload_interval", "decision_wait", "trace_timeout",
                "max_spans_per_trace", "max_live_traces", "max_buffer_bytes", "kept_cache_traces",
                "dropped_filter_traces", "conditions", "xray"));
        s.put("debug", List.of("enabled"));
        s.put("shutdown", List.of("drain_timeout"));
        SECTIONS = Collections.unmodifiableMap(s);

        Map<String, List<String>> n = new LinkedHashMap<>();
        n.put("receiver.cors", List.of("allowed_origins", "allowed_headers", "max_age"));
        n.put("honeycomb.spool", List.of("dir", "fsync", "fsync_interval", "max_bytes", "segment_bytes"));
        n.put("sampling.xray", List.of("rules_file", "conditions"));
        NESTED = Collections.unmodifiableMap(n);
    }

    /** Environment variables read by the loader; these names are a contract and never change. */
    static final List<String> ENV_VARS = List.of("RELAY_CONFIG", "RELAY_HTTP_ADDRESS", "RELAY_GRPC_ADDRESS",
            "RELAY_ADMIN_ADDRESS", "RELAY_MAX_REQUEST_BYTES", "RELAY_MAX_INFLIGHT_BYTES", "HONEYCOMB_API_KEY",
            "HONEYCOMB_API_KEY_FILE", "HONEYCOMB_API_ENDPOINT", "HONEYCOMB_DATASET", "RELAY_SPOOL_DIR",
            "AWS_XRAY_DAEMON_ADDRESS", "RELAY_SAMPLING_RULES", "RELAY_XRAY_DOCUMENTS",
            "RELAY_REQUEST_TIMEOUT", "RELAY_CORS_ALLOWED_ORIGINS", "RELAY_CORS_ALLOWED_HEADERS");

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
