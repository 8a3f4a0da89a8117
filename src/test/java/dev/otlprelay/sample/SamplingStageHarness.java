package dev.otlprelay.sample;

import static dev.otlprelay.sample.BufferFixtures.noPassthrough;

import dev.otlprelay.sample.BufferFixtures.FakeClock;
import dev.otlprelay.telemetry.RelayMetrics;
import java.util.List;
import org.junit.jupiter.api.AfterEach;

/**
 * What every {@code SamplingStage*Test} needs: fresh metrics (closed after each test), a fake clock the test moves,
 * and a stage over the given routes with no pass-through expected. The span and sampler fixtures are in
 * {@link BufferFixtures}.
 */
abstract class SamplingStageHarness {
    protected final RelayMetrics metrics = new RelayMetrics();
    protected final FakeClock clock = new FakeClock();

    @AfterEach
    void closeMetrics() {
        metrics.close();
    }

    /** A stage with the default test settings. */
    protected SamplingStage stage(Route... routes) {
        return stage(BufferFixtures.settings(), routes);
    }

    protected SamplingStage stage(BufferFixtures.Settings settings, Route... routes) {
        return new SamplingStage(settings.build(), List.of(routes), noPassthrough(), metrics, clock);
    }

    /** A counter of the stage's metrics by name and tags; 0 when it was never registered. */
    protected double counter(String name, String... tags) {
        var search = metrics.registry().find(name).tags(tags);
        return search.counter() == null ? 0 : search.counter().count();
    }
}
