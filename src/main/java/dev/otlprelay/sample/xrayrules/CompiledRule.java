package dev.otlprelay.sample.xrayrules;

import dev.otlprelay.sample.Glob;
import dev.otlprelay.sample.MatchValues;
import dev.otlprelay.sample.TraceRandomness;
import java.util.LinkedHashMap;
import java.util.Map;

/** A {@link SamplingRule} ready to match: globs compiled, the fixed rate's threshold computed, once at load. */
final class CompiledRule {
    private final SamplingRule rule;
    private final Glob serviceName;
    private final Glob serviceType;
    private final Glob host;
    private final Glob httpMethod;
    private final Glob urlPath;
    private final Glob resourceArn;
    private final Map<String, Glob> attributes;
    private final long threshold;

    CompiledRule(SamplingRule rule) {
        this.rule = rule;
        this.serviceName = Glob.compile(rule.serviceName());
        this.serviceType = Glob.compile(rule.serviceType());
        this.host = Glob.compile(rule.host());
        this.httpMethod = Glob.compile(rule.httpMethod());
        this.urlPath = Glob.compile(rule.urlPath());
        this.resourceArn = Glob.compile(rule.resourceArn());
        Map<String, Glob> globs = new LinkedHashMap<>();
        rule.attributes().forEach((k, v) -> globs.put(k, Glob.compile(v)));
        this.attributes = Map.copyOf(globs);
        this.threshold = TraceRandomness.threshold(rule.fixedRate());
    }

    SamplingRule rule() {
        return rule;
    }

    String name() {
        return rule.name();
    }

    /** T for FixedRate: {@link TraceRandomness#NEVER} when the rate is 0. */
    long threshold() {
        return threshold;
    }

    Map<String, Glob> attributes() {
        return attributes;
    }

    /** Every field must match; service name first, as it tells rules apart most often. */
    boolean matches(MatchValues v) {
        if (!(serviceName.matches(v.serviceName()) && urlPath.matches(v.urlPath())
                && httpMethod.matches(v.httpMethod()) && host.matches(v.host())
                && serviceType.matches(v.serviceType()) && resourceArn.matches(v.resourceArn()))) {
            return false;
        }
        for (Map.Entry<String, Glob> e : attributes.entrySet()) {
            if (!e.getValue().matches(v.attribute(e.getKey()))) {
                return false;
            }
        }
        return true;
    }
}
