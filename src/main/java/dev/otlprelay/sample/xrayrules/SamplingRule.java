package dev.otlprelay.sample.xrayrules;

import java.util.Map;
import java.util.Objects;

/**
 * One sampling rule as the file gives it, validated, in X-Ray API terms whatever the file's form. Patterns are
 * globs ({@code *}, {@code ?}); {@code *} for fields the form does not have (an SDK rule has no service type).
 *
 * @param name          {@code RuleName}; {@code rules[i]} for an SDK rule, {@code Default} for the default rule
 * @param priority      1–9999, lower first; an SDK rule's position (1-based), as the SDK applies them in order;
 *                      10000 for the default rule, which is always last
 * @param fixedRate     0–1: the share of matching traces kept beyond the reservoir
 * @param reservoirSize traces kept per second before the fixed rate applies
 * @param attributes    attribute key → glob, all must match (at most 5)
 * @param description   an SDK rule's {@code description}, or null
 */
public record SamplingRule(String name, int priority, double fixedRate, int reservoirSize, String serviceName,
                           String serviceType, String host, String httpMethod, String urlPath, String resourceArn,
                           Map<String, String> attributes, String description) {
    /** X-Ray's name for the rule that matches what no other rule does. */
    public static final String DEFAULT_NAME = "Default";
    public static final int DEFAULT_PRIORITY = 10_000;

    public SamplingRule {
        Objects.requireNonNull(name, "name");
        if (!(fixedRate >= 0 && fixedRate <= 1)) {
            throw new IllegalArgumentException("FixedRate: " + fixedRate + " (expected: 0 to 1)");
        }
        if (reservoirSize < 0) {
            throw new IllegalArgumentException("ReservoirSize: " + reservoirSize + " (expected: >= 0)");
        }
        attributes = Map.copyOf(attributes);
    }

    /** X-Ray's own default when a file gives none: 1 trace a second, then 5 %. */
    public static SamplingRule builtInDefault() {
        return defaultRule(0.05, 1, null);
    }

    static SamplingRule defaultRule(double fixedRate, int reservoirSize, String description) {
        return new SamplingRule(DEFAULT_NAME, DEFAULT_PRIORITY, fixedRate, reservoirSize, "*", "*", "*", "*", "*", "*",
                Map.of(), description);
    }

    public boolean isDefault() {
        return name.equals(DEFAULT_NAME);
    }
}
