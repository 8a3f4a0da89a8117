package dev.otlprelay.sample;

/**
 * What made the sampling stage decide a trace: the {@code reason} tag of
 * {@code otlp_relay_sampler_early_decisions_total}. {@link SamplingStage}'s class comment says when each comes.
 */
enum DecisionTrigger {
    ROOT("root"), ROOT_DELAY("root_delay"), TIMEOUT("timeout"), SPAN_LIMIT("span_limit"), EJECTED("ejected"),
    SHUTDOWN("shutdown");

    private final String tag;

    DecisionTrigger(String tag) {
        this.tag = tag;
    }

    String tag() {
        return tag;
    }
}
