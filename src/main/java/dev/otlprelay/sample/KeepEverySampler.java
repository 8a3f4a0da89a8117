package dev.otlprelay.sample;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;

/**
 * Keeps every trace with weight 1: what decides when there is no rules file (conditions may still apply before
 * it, in a {@link ChainSampler}). {@link SamplingOff} is the stage when there is nothing to decide.
 */
public final class KeepEverySampler implements ExplainingSampler {
    public static final String NAME = "keep_all";
    private static final Decision KEEP = Decision.keep(1, NAME, NAME);

    private final LongAdder kept = new LongAdder();

    @Override
    public Decision decide(TraceView trace) {
        kept.increment();
        return KEEP;
    }

    @Override
    public boolean decidesOnRoot() {
        return true;
    }

    @Override
    public Explanation explain(TraceView trace) {
        return new Explanation(NAME, NAME, MatchValues.of(trace, Set.of()), KEEP);
    }

    @Override
    public List<Map<String, Object>> describe() {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("rule", NAME);
        row.put("matched", kept.sum());
        row.put("kept", kept.sum());
        row.put("dropped", 0L);
        return List.of(row);
    }
}
