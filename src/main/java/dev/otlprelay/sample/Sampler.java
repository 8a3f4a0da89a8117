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
     * Whether, once a trace's true root (a span without a parent) is held, this sampler's decision reads nothing
     * but that root, its resource and the trace id, so that spans arriving later cannot change it. When every
     * route's sampler says so, the stage decides a trace as soon as its true root arrives instead of holding it
     * for {@code decision_wait}. False unless an implementation knows better.
     */
    default boolean decidesOnRoot() {
        return false;
    }

    /**
     * The rules in force with their counters, for {@code GET /debug/sampling}: one map per rule, in matching
     * order (keys such as {@code rule}, {@code priority}, {@code matched}, {@code kept}, {@code dropped}).
     */
    default List<Map<String, Object>> describe() {
        return List.of();
    }
}
