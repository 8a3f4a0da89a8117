package dev.otlprelay.sample;

/** A sampler that can also say, without side effects, which rule a trace matches and what it would decide. */
public interface ExplainingSampler extends Sampler {
    Explanation explain(TraceView trace);
}
