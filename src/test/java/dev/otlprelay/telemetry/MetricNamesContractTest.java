package dev.otlprelay.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.otlprelay.support.Http;
import dev.otlprelay.support.Otlp;
import dev.otlprelay.support.TestRelay;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

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

    @Test
    void healthAndReadinessAnswer() {
        try (TestRelay relay = new TestRelay()) {
            assertThat(relay.admin("/healthz").statusCode()).isEqualTo(200);
            assertThat(relay.admin("/readyz").statusCode()).isEqualTo(200);
            assertThat(relay.admin("/nope").statusCode()).isEqualTo(404);
        }
    }
}
