package dev.otlprelay.sample;

import dev.otlprelay.pipeline.Acceptance;
import dev.otlprelay.pipeline.Batch;
import dev.otlprelay.pipeline.BatchConsumer;

/**
 * The sampling stage when no rules are configured: every trace is kept, so batches go on unchanged.
 * Metrics and logs always pass through sampling untouched.
 */
public final class SamplingOff implements BatchConsumer {
    private final BatchConsumer next;

    public SamplingOff(BatchConsumer next) {
        this.next = next;
    }

    @Override
    public Acceptance accept(Batch batch) {
        return next.accept(batch);
    }
}
