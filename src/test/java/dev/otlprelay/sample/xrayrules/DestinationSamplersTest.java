package dev.otlprelay.sample.xrayrules;

import static org.assertj.core.api.Assertions.assertThat;

import dev.otlprelay.config.ConditionConfig;
import dev.otlprelay.config.ConditionConfig.Action;
import dev.otlprelay.config.SamplingConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Whether the samplers built from configuration let the stage decide a trace as its root arrives. */
class DestinationSamplersTest {
    private static final Path SEEDS = Path.of("src/test/resources/sampling/xray.json");

    private static SamplingConfig config(Path rules, List<ConditionConfig> conditions,
                                         SamplingConfig.DestinationRules xray) {
        return new SamplingConfig(rules, Duration.ofSeconds(5), Duration.ofSeconds(2), Duration.ofSeconds(30), 1000,
                1000, 1 << 20, 1000, 1000, conditions, xray);
    }

    private static ConditionConfig errors() {
        return new ConditionConfig("errors", Action.KEEP, true, null, null, null, null, null, null, Map.of(), 1);
    }

    private static ConditionConfig healthChecks() {
        return new ConditionConfig("health", Action.DROP, false, null, null, null, null, null, "/health*", Map.of(),
                0);
    }

    @Test
    void theSeedsRulesAndRootOnlyConditionsDecideFromTheRoot() throws Exception {
        DestinationSamplers samplers = new DestinationSamplers(config(SEEDS, List.of(healthChecks()), null),
                new SimpleMeterRegistry(), System::nanoTime);
        assertThat(samplers.main().decidesOnRoot()).isTrue();
        assertThat(samplers.xray().decidesOnRoot()).isTrue();
    }

    @Test
    void anErrorConditionOnEitherDestinationMakesItWaitForTheWholeTrace() throws Exception {
        DestinationSamplers onMain = new DestinationSamplers(config(SEEDS, List.of(errors()), null),
                new SimpleMeterRegistry(), System::nanoTime);
        assertThat(onMain.main().decidesOnRoot()).isFalse();

        DestinationSamplers onXray = new DestinationSamplers(config(SEEDS, List.of(),
                new SamplingConfig.DestinationRules(SEEDS, List.of(errors()))), new SimpleMeterRegistry(),
                System::nanoTime);
        assertThat(onXray.main().decidesOnRoot()).isTrue();
        assertThat(onXray.xray().decidesOnRoot()).isFalse();
    }
}
