package dev.otlprelay.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.otlprelay.support.FakeHoneycomb;
import dev.otlprelay.support.Http;
import dev.otlprelay.support.Otlp;
import dev.otlprelay.support.TestRelay;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Prometheus names written in the issues are a contract with users' dashboards: this test pins every one of
 * them, with its labels, against the real scrape output.
 */
class MetricNamesContractTest {
    @Test
    void scrapeExposesEveryContractMetricWithItsLabels() {
        try (TestRelay relay = new TestRelay()) {
            Http.post(relay.httpUrl() + "/v1/traces", "application/x-protobuf", null,
                    Otlp.validRequest(2).toByteArray());
            byte[] garbage = new byte[8];
            Arrays.fill(garbage, (byte) 0xff);
            Http.post(relay.httpUrl() + "/v1/traces", "application/x-protobuf", null, garbage);
            Http.post(relay.httpUrl() + "/v1/traces", "application/x-protobuf", null, Otlp.request("svc",
                    Otlp.span("bad", "00000000000000000000000000000000", "0000000000000001")).toByteArray());
            String scrape = relay.admin("/metrics").body();

            assertThat(scrape)
                    .contains("otlp_relay_receiver_accepted_spans_total{transport=\"http\"} 2.0")
                    .contains("otlp_relay_receiver_refused_spans_total{reason=\"invalid_id\",transport=\"http\"} 1.0")
                    .contains("otlp_relay_receiver_requests_total{code=\"200\",transport=\"http\"} 2.0")
                    .contains("otlp_relay_receiver_requests_total{code=\"400\",transport=\"http\"} 1.0")
                    .contains("otlp_relay_receiver_refused_requests_total{reason=\"invalid_protobuf\",transport=\"http\"}")
                    .contains("otlp_relay_receiver_request_bytes_count{transport=\"http\"} 3")
                    .contains("otlp_relay_receiver_request_bytes_bucket{transport=\"http\",le=")
                    .contains("otlp_relay_admission_inflight_bytes 0.0")
                    .contains("otlp_relay_exporter_sent_spans_total{exporter=\"capture\"}")
                    .contains("otlp_relay_exporter_queue_bytes{exporter=\"capture\"}")
                    .contains("otlp_relay_exporter_queue_capacity_bytes{exporter=\"capture\"}")
                    .contains("otlp_relay_exporter_queue_oldest_age_seconds{exporter=\"capture\"}")
                    // JVM and process metrics
                    .contains("jvm_memory_used_bytes{")
                    .contains("jvm_gc_")
                    .contains("process_cpu_usage")
                    .contains("process_uptime_seconds");
        }
    }

    /** Issue 3 (Honeycomb) and issue 4 (sampling) names, with the labels their issues give. */
    @Test
    void honeycombAndSamplingContractMetricsCarryTheirLabels(@TempDir Path dir) throws Exception {
        String key = "hcaik_01contractcontractcontractcontractcontractcontractcontr";
        try (FakeHoneycomb honeycomb = FakeHoneycomb.start().acceptKeys(key)) {
            honeycomb.thenAnswer(FakeHoneycomb.Behaviour.status(503), 1).thenAnswer(FakeHoneycomb.Behaviour.ok());
            Path rules = Files.writeString(dir.resolve("rules.json"),
                    "{\"SamplingRule\": {\"RuleName\": \"Default\", \"FixedRate\": 1, \"ReservoirSize\": 0}}");
            Path yaml = Files.writeString(dir.resolve("relay.yaml"), """
                    honeycomb:
                      batch_timeout: 20ms
                      retry_initial_backoff: 50ms
                      retry_max_backoff: 100ms
                    sampling:
                      decision_wait: 50ms
                    """);
            try (TestRelay relay = new TestRelay(Map.of("HONEYCOMB_API_KEY", key, "HONEYCOMB_API_ENDPOINT",
                    honeycomb.url(), "RELAY_CONFIG", yaml.toString(), "RELAY_SAMPLING_RULES", rules.toString()))) {
                Http.post(relay.httpUrl() + "/v1/traces", "application/x-protobuf", null,
                        Otlp.validRequest(2).toByteArray());
                await().atMost(Duration.ofSeconds(20)).until(() -> honeycomb.spanCount() == 2);
                // A late span of an already decided trace.
                Http.post(relay.httpUrl() + "/v1/traces", "application/x-protobuf", null, Otlp.request(
                        "backend-flask", Otlp.span("late", String.format("%032x", 1L), "00000000000000aa"))
                        .toByteArray());
                await().atMost(Duration.ofSeconds(20)).until(() -> honeycomb.spanCount() == 3);
                String scrape = relay.admin("/metrics").body();
                assertThat(scrape).contains("otlp_relay_exporter_sent_spans_total{exporter=\"honeycomb\"} 3.0")
                        .contains("otlp_relay_exporter_send_failed_spans_total{exporter=\"honeycomb\",reason=\"http_503\"}")
                        .contains("otlp_relay_exporter_retries_total{exporter=\"honeycomb\"}")
                        .contains("otlp_relay_exporter_queue_bytes{exporter=\"honeycomb\"}")
                        .contains("otlp_relay_exporter_queue_capacity_bytes{exporter=\"honeycomb\"}")
                        .contains("otlp_relay_exporter_queue_oldest_age_seconds{exporter=\"honeycomb\"}")
                        .contains("otlp_relay_sampler_traces_total{decision=\"kept\",destination=\"honeycomb\",rule=\"Default\"}")
                        .contains("otlp_relay_sampler_spans_total{decision=\"kept\",destination=\"honeycomb\"}")
                        .contains("otlp_relay_sampler_late_spans_total{decision=\"kept\"}")
                        .contains("otlp_relay_sampler_live_traces ")
                        .contains("otlp_relay_sampler_early_decisions_total{reason=\"root_delay\"}");
            }
        }
    }

    @Test
    void healthAndReadinessAnswer() {
        try (TestRelay relay = new TestRelay()) {
            assertThat(relay.admin("/healthz").statusCode()).isEqualTo(200);
            assertThat(relay.admin("/readyz").statusCode()).isEqualTo(200);
            assertThat(relay.admin("/nope").statusCode()).isEqualTo(404);
        }
    }
}
