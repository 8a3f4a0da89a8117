package dev.otlprelay.sample;

import dev.otlprelay.config.ConditionConfig;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The whole-trace conditions ({@code sampling.conditions}), tried in order before the rules; the first that matches
 * decides. A condition's decision names it as the rule, with reason {@code error}, {@code slow}, {@code condition}
 * (keep) or {@code drop}. Keeping 1 in N uses the trace id's randomness ({@link TraceRandomness}) with weight N, so
 * replicas agree and the decision is probabilistic (its threshold is written to tracestate).
 */
public final class TraceConditions {
    private static final TraceConditions NONE = new TraceConditions(List.of());

    private final List<Condition> conditions;
    private final Set<String> attributeKeys;

    /** @throws IllegalArgumentException for a sample rate below 0, or 0 on a keep condition */
    public TraceConditions(List<ConditionConfig> configs) {
        List<Condition> compiled = new ArrayList<>(configs.size());
        Set<String> keys = new LinkedHashSet<>();
        for (ConditionConfig c : configs) {
            Condition condition = new Condition(c);
            compiled.add(condition);
            keys.addAll(condition.attributes().keySet());
        }
        this.conditions = List.copyOf(compiled);
        this.attributeKeys = Set.copyOf(keys);
    }

    public static TraceConditions none() {
        return NONE;
    }

    public boolean isEmpty() {
        return conditions.isEmpty();
    }

    /**
     * Whether no condition reads more than a trace's true root: an {@code error} condition reads every span (a
     * child may fail after its root arrived); the others match the root's values and its duration.
     */
    public boolean decidesOnRoot() {
        for (Condition c : conditions) {
            if (!c.decidesOnRoot()) {
                return false;
            }
        }
        return true;
    }

    /** The first matching condition's decision (counted), or empty when none matches. */
    public Optional<Decision> decide(TraceView trace) {
        if (conditions.isEmpty()) {
            return Optional.empty();
        }
        MatchValues values = MatchValues.of(trace, attributeKeys);
        for (Condition c : conditions) {
            if (c.matches(trace, values)) {
                return Optional.of(c.decide(trace));
            }
        }
        return Optional.empty();
    }

    /** Which condition would decide and how, without counting; empty when none matches. */
    public Optional<Explanation> explain(TraceView trace) {
        if (conditions.isEmpty()) {
            return Optional.empty();
        }
        MatchValues values = MatchValues.of(trace, attributeKeys);
        for (Condition c : conditions) {
            if (c.matches(trace, values)) {
                return Optional.of(new Explanation("condition", c.name(), values, c.decision(trace)));
            }
        }
        return Optional.empty();
    }

    /** One row per condition, in order, with its counters. */
    public List<Map<String, Object>> describe() {
        return conditions.stream().map(Condition::describe).toList();
    }
}
