package dev.otlprelay.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The sampling stage (YAML section {@code sampling}). Without a rules file and without conditions every trace is
 * kept and nothing is buffered.
 *
 * @param rulesFile        X-Ray rules file ({@code RELAY_SAMPLING_RULES} / {@code sampling.rules_file}), or null
 * @param reloadInterval   how often the rules file is checked for changes ({@code sampling.reload_interval})
 * @param decisionWait     how long after the local root arrives the trace is decided ({@code decision_wait}, 2 s),
 *                         unless its true root and the rules alone decide it (see SamplingStage)
 * @param traceTimeout     a trace whose root never comes is decided this long after its first span (30 s)
 * @param maxSpansPerTrace a trace holding this many spans is decided at once
 * @param maxLiveTraces    traces held at once; above it the oldest are decided early (reason {@code ejected})
 * @param maxBufferBytes   bytes of spans held at once; above it the oldest are decided early
 * @param keptCacheTraces  size of the cache of kept trace ids (late spans follow it)
 * @param droppedFilterTraces capacity of the compact filter of dropped trace ids
 * @param conditions       whole-trace conditions tried before the rules, first match wins
 * @param xray             the X-Ray destination's own rules, or null: X-Ray then follows the decision above
 */
public record SamplingConfig(Path rulesFile, Duration reloadInterval, Duration decisionWait, Duration traceTimeout,
                             int maxSpansPerTrace, int maxLiveTraces, long maxBufferBytes, int keptCacheTraces,
                             int droppedFilterTraces, List<ConditionConfig> conditions, DestinationRules xray) {

    /** A destination's own rules ({@code sampling.xray}): a rules file and conditions, each optional. */
    public record DestinationRules(Path rulesFile, List<ConditionConfig> conditions) {
        public DestinationRules {
            conditions = List.copyOf(conditions);
        }
    }

    public SamplingConfig {
        conditions = List.copyOf(conditions);
    }

    public static SamplingConfig defaults() {
        return new SamplingConfig(null, Duration.ofSeconds(5), Duration.ofSeconds(2), Duration.ofSeconds(30), 10_000,
                100_000, MemoryBounds.samplingBuffer(MemoryBounds.maxHeap()), 200_000, 2_000_000, List.of(),
                null);
    }

    /** Whether any trace can be sampled out: otherwise the stage passes batches through without buffering. */
    public boolean active() {
        return rulesFile != null || !conditions.isEmpty() || xray != null;
    }
}
