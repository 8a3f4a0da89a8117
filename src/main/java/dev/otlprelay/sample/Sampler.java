package dev.otlprelay.sample;

import java.util.List;
import java.util.Map;

/**
 * Decides a whole trace once. Implementations are compiled from configuration once (rules parsed and sorted at
 * load) and are called from the trace buffer's decision thread; they must be thread-safe.
 */
public interface Sampler {
    Decision decide(TraceView trace);

    /**
     * The rules in force with their counters, for {@code GET /debug/sampling}: one map per rule, in matching
     * order (keys such as {@code rule}, {@code priority}, {@code matched}, {@code kept}, {@code dropped}).
     */
    default List<Map<String, Object>> describe() {
        return List.of();
    }
}
