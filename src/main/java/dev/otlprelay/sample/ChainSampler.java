package dev.otlprelay.sample;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The conditions first, then the rules: the sampler the trace buffer calls. Without a rules file the rules are a
 * {@link KeepEverySampler}.
 */
public final class ChainSampler implements ExplainingSampler {
    private final TraceConditions conditions;
    private final ExplainingSampler rules;

    public ChainSampler(TraceConditions conditions, ExplainingSampler rules) {
        this.conditions = conditions;
        this.rules = rules;
    }

    @Override
    public Decision decide(TraceView trace) {
        return conditions.decide(trace).orElseGet(() -> rules.decide(trace));
    }

    @Override
    public boolean decidesOnRoot() {
        return conditions.decidesOnRoot() && rules.decidesOnRoot();
    }

    @Override
    public Explanation explain(TraceView trace) {
        return conditions.explain(trace).orElseGet(() -> rules.explain(trace));
    }

    /** The conditions' rows, then the rules', each in matching order. */
    @Override
    public List<Map<String, Object>> describe() {
        List<Map<String, Object>> rows = new ArrayList<>(conditions.describe());
        rows.addAll(rules.describe());
        return rows;
    }
}
