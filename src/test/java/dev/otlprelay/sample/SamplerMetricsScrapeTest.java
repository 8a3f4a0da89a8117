package dev.otlprelay.sample;

import static dev.otlprelay.sample.BufferFixtures.batch;
import static dev.otlprelay.sample.BufferFixtures.child;
import static dev.otlprelay.sample.BufferFixtures.dropAll;
import static dev.otlprelay.sample.BufferFixtures.keepAll;
import static dev.otlprelay.sample.BufferFixtures.noPassthrough;
import static dev.otlprelay.sample.BufferFixtures.root;
import static dev.otlprelay.sample.BufferFixtures.trace;
import static org.assertj.core.api.Assertions.assertThat;

import dev.otlprelay.sample.BufferFixtures.Capture;
import dev.otlprelay.sample.BufferFixtures.FakeClock;
import dev.otlprelay.telemetry.RelayMetrics;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The sampling stage's Prometheus names and labels are a contract with dashboards. */
class SamplerMetricsScrapeTest {

    @Test
    void scrapeShowsTheSamplingStagesContractMetrics() {
        try (RelayMetrics metrics = new RelayMetrics()) {
            FakeClock clock = new FakeClock();
            SamplingStage stage = new SamplingStage(BufferFixtures.settings().build(),
                    List.of(new Route("honeycomb", keepAll(), new Capture()), new Route("xray", dropAll(),
                            new Capture())), noPassthrough(), metrics, clock);
            stage.accept(batch(root(trace(1), 1), child(trace(1), 2, 1), child(trace(2), 2, 1)));
            clock.advance(Duration.ofSeconds(2));
            stage.tick();
            stage.accept(batch(child(trace(1), 3, 1)));

            String scrape = metrics.scrape();

            assertThat(scrape)
                    .contains("otlp_relay_sampler_accepted_spans_total 4.0")
                    .contains("otlp_relay_sampler_traces_total{decision=\"kept\",destination=\"honeycomb\",rule=\"all\"} 1.0")
                    .contains("otlp_relay_sampler_traces_total{decision=\"dropped\",destination=\"xray\",rule=\"none\"} 1.0")
                    .contains("otlp_relay_sampler_spans_total{decision=\"kept\",destination=\"honeycomb\"} 3.0")
                    .contains("otlp_relay_sampler_spans_total{decision=\"dropped\",destination=\"xray\"} 3.0")
                    .contains("otlp_relay_exporter_sampled_out_spans_total{exporter=\"xray\"} 3.0")
                    .contains("otlp_relay_sampler_forwarded_spans_total{destination=\"honeycomb\"} 3.0")
                    .contains("otlp_relay_sampler_late_spans_total{decision=\"kept\"} 1.0")
                    .contains("otlp_relay_sampler_late_spans_total{decision=\"forgotten\"} 0.0")
                    .contains("otlp_relay_sampler_early_decisions_total{reason=\"root_delay\"} 1.0")
                    .contains("otlp_relay_sampler_early_decisions_total{reason=\"ejected\"} 0.0")
                    .contains("otlp_relay_sampler_live_traces 1.0")
                    .contains("otlp_relay_sampler_buffered_spans 1.0")
                    .contains("otlp_relay_sampler_buffered_bytes ")
                    .contains("otlp_relay_sampler_outbox_spans{destination=\"honeycomb\"} 0.0")
                    .contains("otlp_relay_sampler_outbox_bytes{destination=\"honeycomb\"} 0.0");
        }
    }
}
