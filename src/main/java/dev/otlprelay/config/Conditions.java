package dev.otlprelay.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Reads a YAML list of whole-trace conditions ({@code sampling.conditions}, {@code sampling.xray.conditions})
 * into {@link ConditionConfig}s, reporting every problem with its path ({@code sampling.conditions[1].action}).
 */
final class Conditions {
    static final List<String> KEYS = List.of("name", "action", "error", "min_duration", "service_name",
            "service_type", "host", "http_method", "url_path", "attributes", "sample_rate");
    private static final String MATCHERS = "error, min_duration, service_name, service_type, host, http_method, "
            + "url_path or attributes";

    private final Consumer<String> problems;
    /** ${VAR} substitution of a string value; returns null (problem recorded) when it fails. */
    private final java.util.function.BiFunction<String, String, String> substitute;

    Conditions(Consumer<String> problems, java.util.function.BiFunction<String, String, String> substitute) {
        this.problems = problems;
        this.substitute = substitute;
    }

    /** Null node = no conditions. Returns null when there were problems. */
    List<ConditionConfig> read(String path, JsonNode node) {
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (!node.isArray()) {
            problems.accept(path + ": " + kind(node) + " (expected: a list of conditions, each a map with keys "
                    + String.join(", ", KEYS) + ")");
            return null;
        }
        List<ConditionConfig> result = new ArrayList<>();
        Set<String> names = new HashSet<>();
        boolean ok = true;
        for (int i = 0; i < node.size(); i++) {
            String at = path + "[" + i + "]";
            ConditionConfig c = one(at, node.get(i));
            if (c == null) {
                ok = false;
            } else if (!names.add(c.name().toLowerCase(Locale.ROOT))) {
                problems.accept(at + ".name: " + Values.show(c.name()) + " (expected: a name no other condition has)");
                ok = false;
            } else {
                result.add(c);
            }
        }
        return ok ? List.copyOf(result) : null;
    }

    private ConditionConfig one(String at, JsonNode item) {
        if (item == null || !item.isObject()) {
            problems.accept(at + ": " + kind(item) + " (expected: a map with keys " + String.join(", ", KEYS) + ")");
            return null;
        }
        int before = problemCount;
        reportUnknownKeys(at, item);
        String name = text(at, item, "name", "a name for the condition, e.g. errors");
        ConditionConfig.Action action = action(at, item);
        checkName(at, item, name);
        boolean error = error(at, item);
        Duration minDuration = minDuration(at, item);
        String serviceName = text(at, item, "service_name", "a glob such as backend-*");
        String serviceType = text(at, item, "service_type", "a glob such as AWS::ECS::Container");
        String host = text(at, item, "host", "a glob such as *.example.com");
        String method = text(at, item, "http_method", "a glob such as GET");
        String urlPath = text(at, item, "url_path", "a glob such as /health*");
        Map<String, String> attributes = attributes(at, item.get("attributes"));
        long sampleRate = sampleRate(at, item, action);
        if (!error && minDuration == null && serviceName == null && serviceType == null && host == null
                && method == null && urlPath == null && (attributes == null || attributes.isEmpty())
                && problemCount == before) {
            report(at + ": matches every trace (expected: at least one of " + MATCHERS + ")");
        }
        if (problemCount != before || action == null || name == null || attributes == null) {
            return null;
        }
        return new ConditionConfig(name.strip(), action, error, minDuration, serviceName, serviceType, host, method,
                urlPath, attributes, sampleRate);
    }

    private void reportUnknownKeys(String at, JsonNode item) {
        item.fieldNames().forEachRemaining(k -> {
            if (!KEYS.contains(k)) {
                String near = null;
                for (String known : KEYS) {
                    if (EditDistance.between(k.toLowerCase(Locale.ROOT).replace('-', '_'), known) <= 3) {
                        near = known;
                        break;
                    }
                }
                report(at + "." + k + ": unknown key (" + (near != null ? "did you mean " + at + "." + near + "?"
                        : "expected one of: " + String.join(", ", KEYS)) + ")");
            }
        });
    }

    private void checkName(String at, JsonNode item, String name) {
        if (name == null && item.get("name") == null) {
            report(at + ".name: missing (expected: a name for the condition, e.g. errors)");
        } else if (name != null && name.isBlank()) {
            report(at + ".name: \"\" (expected: a name for the condition, e.g. errors)");
        }
    }

    private ConditionConfig.Action action(String at, JsonNode item) {
        String actionText = text(at, item, "action", "keep or drop");
        if (actionText == null) {
            if (item.get("action") == null) {
                report(at + ".action: missing (expected: keep or drop)");
            }
            return null;
        }
        return switch (actionText.strip().toLowerCase(Locale.ROOT)) {
            case "keep" -> ConditionConfig.Action.KEEP;
            case "drop" -> ConditionConfig.Action.DROP;
            default -> {
                report(at + ".action: " + Values.show(actionText) + " (expected: keep or drop)");
                yield null;
            }
        };
    }

    private boolean error(String at, JsonNode item) {
        String errorText = text(at, item, "error", "true or false");
        if (errorText == null) {
            return false;
        }
        switch (errorText.strip().toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on" -> {
                return true;
            }
            case "false", "no", "off" -> {
                return false;
            }
            default -> {
                report(at + ".error: " + Values.show(errorText) + " (expected: true or false)");
                return false;
            }
        }
    }

    private Duration minDuration(String at, JsonNode item) {
        String durationText = text(at, item, "min_duration", "a duration such as 2s or 500ms");
        if (durationText == null) {
            return null;
        }
        Duration minDuration = Values.parseDuration(durationText.strip());
        if (minDuration == null || minDuration.isZero()) {
            report(at + ".min_duration: " + Values.show(durationText)
                    + " (expected: a duration > 0 such as 2s or 500ms)");
        }
        return minDuration;
    }

    /** 1 in N; a keep condition keeps all by default, a drop condition drops all. */
    private long sampleRate(String at, JsonNode item, ConditionConfig.Action action) {
        String rateText = text(at, item, "sample_rate", "a whole number");
        long defaultRate = action == ConditionConfig.Action.DROP ? 0 : 1;
        if (rateText == null) {
            return defaultRate;
        }
        Long rate = Values.parseWhole(rateText.strip(), action == ConditionConfig.Action.KEEP ? 1 : 0,
                1_000_000_000L);
        if (rate == null) {
            report(at + ".sample_rate: " + Values.show(rateText) + " (expected: "
                    + (action == ConditionConfig.Action.KEEP ? "1 (keep all) to 1000000000: keep 1 in N"
                    : "0 (drop all) to 1000000000: keep 1 in N") + ")");
            return defaultRate;
        }
        return rate;
    }

    private int problemCount;

    private void report(String problem) {
        problemCount++;
        problems.accept(problem);
    }

    private String text(String at, JsonNode item, String key, String expected) {
        JsonNode v = item.get(key);
        if (v == null || v.isNull()) {
            return null;
        }
        if (v.isContainerNode()) {
            report(at + "." + key + ": " + kind(v) + " (expected: " + expected + ")");
            return null;
        }
        if (!v.isTextual()) {
            return v.asText();
        }
        String s = substitute.apply(at + "." + key, v.textValue());
        if (s == null) {
            problemCount++;
        }
        return s;
    }

    private Map<String, String> attributes(String at, JsonNode node) {
        if (node == null || node.isNull()) {
            return Map.of();
        }
        if (!node.isObject()) {
            report(at + ".attributes: " + kind(node) + " (expected: a map of attribute key to glob)");
            return null;
        }
        Map<String, String> result = new LinkedHashMap<>();
        for (var e : node.properties()) {
            String v = text(at + ".attributes", node, e.getKey(), "a glob");
            if (v != null) {
                result.put(e.getKey(), v);
            }
        }
        return result;
    }

    private static String kind(JsonNode node) {
        if (node == null || node.isNull()) {
            return "empty";
        }
        return node.isArray() ? "a list" : node.isObject() ? "a map" : Values.show(node.asText());
    }

}
