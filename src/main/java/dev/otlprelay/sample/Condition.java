package dev.otlprelay.sample;

import dev.otlprelay.config.ConditionConfig;
import dev.otlprelay.config.ConditionConfig.Action;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/** One compiled {@link ConditionConfig}: its globs compiled once, its 1-in-N threshold computed once, its counters. */
final class Condition {

    private final ConditionConfig config;
    private final Glob serviceName;
    private final Glob serviceType;
    private final Glob host;
    private final Glob httpMethod;
    private final Glob urlPath;
    private final Map<String, Glob> attributes;
    private final long minDurationNanos;
    private final String reason;
    private final long threshold;
    private final LongAdder matched = new LongAdder();
    private final LongAdder kept = new LongAdder();
    private final LongAdder dropped = new LongAdder();

    Condition(ConditionConfig config) {
        if (config.sampleRate() < 0 || (config.action() == Action.KEEP && config.sampleRate() == 0)) {
            throw new IllegalArgumentException("condition \"" + config.name() + "\": sample_rate: "
                    + config.sampleRate() + " (expected: " + (config.action() == Action.KEEP ? ">= 1" : ">= 0") + ")");
        }
        this.config = config;
        this.serviceName = globOrNull(config.serviceName());
        this.serviceType = globOrNull(config.serviceType());
        this.host = globOrNull(config.host());
        this.httpMethod = globOrNull(config.httpMethod());
        this.urlPath = globOrNull(config.urlPath());
        Map<String, Glob> attributeGlobs = new LinkedHashMap<>();
        config.attributes().forEach((k, v) -> attributeGlobs.put(k, Glob.compile(v)));
        this.attributes = Map.copyOf(attributeGlobs);
        Duration min = config.minDuration();
        this.minDurationNanos = min == null ? -1 : min.toNanos();
        this.reason = config.action() == Action.DROP ? "drop"
                : config.error() ? "error" : min != null ? "slow" : "condition";
        this.threshold = config.sampleRate() > 1 ? TraceRandomness.threshold(1.0 / config.sampleRate()) : 0;
    }

    private static Glob globOrNull(String pattern) {
        return pattern == null ? null : Glob.compile(pattern);
    }

    String name() {
        return config.name();
    }

    Map<String, Glob> attributes() {
        return attributes;
    }

    /**
     * Whether a trace with its root held can be decided from the root alone: true unless this is an {@code error}
     * condition, which reads every span. ({@link #duration} reads the root's own times when there is a root.)
     */
    boolean decidesOnRoot() {
        return !config.error();
    }

    /** Cheap tests first (the root's values), then the ones that read every span. */
    boolean matches(TraceView trace, MatchValues values) {
        return matches(serviceName, values.serviceName()) && matches(serviceType, values.serviceType())
                && matches(host, values.host()) && matches(httpMethod, values.httpMethod())
                && matches(urlPath, values.urlPath()) && attributesMatch(values)
                && (!config.error() || hasError(trace))
                && (minDurationNanos < 0 || duration(trace) >= minDurationNanos);
    }

    private static boolean matches(Glob glob, String value) {
        return glob == null || glob.matches(value);
    }

    private boolean attributesMatch(MatchValues values) {
        for (Map.Entry<String, Glob> e : attributes.entrySet()) {
            if (!e.getValue().matches(values.attribute(e.getKey()))) {
                return false;
            }
        }
        return true;
    }

    /** The decision for a matching trace; no counting (explain uses it too). */
    Decision decision(TraceView trace) {
        long rate = config.sampleRate();
        if (config.action() == Action.DROP && rate == 0) {
            return Decision.drop(name(), reason);
        }
        if (rate <= 1) {
            return Decision.keep(1, name(), reason);
        }
        return TraceRandomness.keeps(trace.traceId(), threshold)
                ? new Decision(true, rate, name(), reason, threshold)
                : Decision.drop(name(), reason);
    }

    /** Decides a matching trace and counts the outcome. */
    Decision decide(TraceView trace) {
        Decision d = decision(trace);
        matched.increment();
        (d.keep() ? kept : dropped).increment();
        return d;
    }

    /** Span status ERROR, or an HTTP status of 500 or more, on any span of the trace. */
    static boolean hasError(TraceView trace) {
        for (SpanRef ref : trace.spans()) {
            if (ref.error()) {
                return true;
            }
        }
        return false;
    }

    /** The local root's duration; without a root, the extent of the spans held. */
    static long duration(TraceView trace) {
        if (trace.root() != null) {
            return Math.max(0, trace.root().endNanos() - trace.root().startNanos());
        }
        long start = Long.MAX_VALUE;
        long end = Long.MIN_VALUE;
        for (SpanRef ref : trace.spans()) {
            start = Math.min(start, ref.startNanos());
            end = Math.max(end, ref.endNanos());
        }
        return Math.max(0, end - start);
    }

    Map<String, Object> describe() {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("rule", name());
        row.put("kind", "condition");
        row.put("action", config.action().name().toLowerCase(Locale.ROOT));
        row.put("error", config.error());
        row.put("min_duration", config.minDuration() == null ? null : config.minDuration().toString());
        row.put("service_name", config.serviceName());
        row.put("service_type", config.serviceType());
        row.put("host", config.host());
        row.put("http_method", config.httpMethod());
        row.put("url_path", config.urlPath());
        row.put("attributes", config.attributes());
        row.put("sample_rate", config.sampleRate());
        row.put("matched", matched.sum());
        row.put("kept", kept.sum());
        row.put("dropped", dropped.sum());
        return row;
    }
}
