package dev.otlprelay.config;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * One whole-trace condition (YAML list {@code sampling.conditions}), tried before the X-Ray rules, first match
 * wins. The matching vocabulary is the X-Ray rules' (globs with {@code *} and {@code ?}, case-insensitive,
 * against the local root's normalised values), plus two whole-trace tests.
 *
 * @param name         shown as {@code sampling.rule} on kept spans and in metrics
 * @param action       {@code keep} or {@code drop}
 * @param error        when true, only traces with an error match: span status ERROR or HTTP status ≥ 500 on any
 *                     span, root or child
 * @param minDuration  when set, only traces whose local root (or, without a root, whose span extent) lasts at
 *                     least this long match; null = any duration
 * @param serviceName  glob on {@code service.name}; null = any (like {@code *})
 * @param serviceType  glob on the X-Ray service type derived from {@code cloud.platform}; null = any
 * @param host         glob on the HTTP host; null = any
 * @param httpMethod   glob on the HTTP method; null = any
 * @param urlPath      glob on the URL path (query stripped); null = any
 * @param attributes   globs on root span / resource attribute values, all must match; empty = none
 * @param sampleRate   for {@code keep}: keep 1 in {@code sampleRate} matching traces (by the trace id's
 *                     randomness) with that weight; 1 = keep all. For {@code drop}: 0 = drop all, N > 0 = keep
 *                     1 in N with weight N (a "mostly drop" rule)
 */
public record ConditionConfig(String name, Action action, boolean error, Duration minDuration, String serviceName,
                              String serviceType, String host, String httpMethod, String urlPath,
                              Map<String, String> attributes, long sampleRate) {
    public enum Action { KEEP, DROP }

    public ConditionConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(action, "action");
        attributes = Map.copyOf(attributes);
    }
}
