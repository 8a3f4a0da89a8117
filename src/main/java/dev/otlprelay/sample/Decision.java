package dev.otlprelay.sample;

/**
 * One sampler's verdict on one trace, made once and applied to every span of the trace, early or late.
 *
 * @param keep whether the trace goes on to the destination
 * @param weight how many traces a kept trace stands for (the relay's part of {@code SampleRate}); ≥ 1 when kept,
 *               0 when dropped
 * @param rule the name of the rule or condition that decided ({@code sampling.rule}), never null
 * @param reason why ({@code sampling.reason}): {@code reservoir}, {@code fixed_rate}, {@code error}, {@code slow},
 *               {@code condition}, {@code keep_all}, ...; never null
 * @param threshold the OpenTelemetry consistent-probability rejection threshold (56 bits) when the decision is
 *                  purely probabilistic (then {@code ot=th:} is written to the span's tracestate), else -1 (the
 *                  {@code th} entry is erased)
 */
public record Decision(boolean keep, long weight, String rule, String reason, long threshold) {
    public static final long NOT_PROBABILISTIC = -1;

    public Decision {
        if (keep && weight < 1) {
            throw new IllegalArgumentException("weight: " + weight + " (expected: >= 1 for a kept trace)");
        }
        if (rule == null || reason == null) {
            throw new IllegalArgumentException("rule and reason must be set");
        }
    }

    public static Decision keep(long weight, String rule, String reason) {
        return new Decision(true, weight, rule, reason, NOT_PROBABILISTIC);
    }

    public static Decision drop(String rule, String reason) {
        return new Decision(false, 0, rule, reason, NOT_PROBABILISTIC);
    }

    public boolean probabilistic() {
        return threshold >= 0;
    }
}
