package dev.otlprelay.receive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.otlprelay.pipeline.OtlpEncoding;
import dev.otlprelay.pipeline.PassthroughBatch;
import dev.otlprelay.pipeline.TraceBatch;
import dev.otlprelay.support.Http;
import dev.otlprelay.support.TestRelay;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * OTLP/JSON as the specification writes it and as leniently as the Collector reads it: the same trace sent in
 * camelCase or snake_case, with ids in upper or lower case, 64-bit ints as numbers or strings and enums as
 * integers or names, is received identically — and identically to the protobuf encoding.
 */
class HttpJsonLeniencyTest {
    static final String CAMEL = """
            {"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"backend-flask"}}]},
              "scopeSpans":[{"scope":{"name":"home.activities"},"spans":[{
                "traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174","parentSpanId":"eee19b7ec3c1b173",
                "name":"home-activities-mock-data","kind":1,
                "startTimeUnixNano":1700000000000000000,"endTimeUnixNano":1700000000250000000,
                "attributes":[{"key":"app.result_length","value":{"intValue":3}},
                              {"key":"app.now","value":{"stringValue":"2026-11-23T09:00:00+00:00"}}],
                "events":[{"timeUnixNano":1700000000100000000,"name":"exception"}],
                "status":{"code":2,"message":"boom"}}]}]}]}""";
    static final String SNAKE = """
            {"resource_spans":[{"resource":{"attributes":[{"key":"service.name","value":{"string_value":"backend-flask"}}]},
              "scope_spans":[{"scope":{"name":"home.activities","unknownField":true},"spans":[{
                "trace_id":"5B8EFFF798038103D269B633813FC60C","span_id":"EEE19B7EC3C1B174","parent_span_id":"EEE19B7EC3C1B173",
                "name":"home-activities-mock-data","kind":"SPAN_KIND_INTERNAL",
                "start_time_unix_nano":"1700000000000000000","end_time_unix_nano":"1700000000250000000",
                "attributes":[{"key":"app.result_length","value":{"int_value":"3"}},
                              {"key":"app.now","value":{"string_value":"2026-11-23T09:00:00+00:00"}}],
                "events":[{"time_unix_nano":"1700000000100000000","name":"exception"}],
                "status":{"code":"STATUS_CODE_ERROR","message":"boom"},
                "somethingNew":{"nested":[1,2,3]}}]}]}]}""";

    @Test
    void camelCaseSnakeCaseAndProtobufAreReceivedIdentically() throws Exception {
        try (TestRelay relay = new TestRelay()) {
            for (String json : List.of(CAMEL, SNAKE)) {
                assertThat(Http.post(relay.httpUrl() + "/v1/traces", "application/json", null,
                        json.getBytes(StandardCharsets.UTF_8)).statusCode()).isEqualTo(200);
            }
            await().until(() -> relay.captured.traceBatches().size() == 2);
            List<TraceBatch> batches = relay.captured.traceBatches();
            ExportTraceServiceRequest camel = batches.get(0).request();
            assertThat(batches.get(1).request()).isEqualTo(camel);

            assertThat(Http.post(relay.httpUrl() + "/v1/traces", "application/x-protobuf", null,
                    camel.toByteArray()).statusCode()).isEqualTo(200);
            await().until(() -> relay.captured.traceBatches().size() == 3);
            assertThat(relay.captured.traceBatches().get(2).request()).isEqualTo(camel);

            var span = camel.getResourceSpans(0).getScopeSpans(0).getSpans(0);
            assertThat(span.getTraceId().size()).isEqualTo(16);
            assertThat(span.getStartTimeUnixNano()).isEqualTo(1_700_000_000_000_000_000L);
            assertThat(span.getAttributes(0).getValue().getIntValue()).isEqualTo(3);
            assertThat(relay.metric("otlp_relay_receiver_accepted_spans_total", "transport", "http")).isEqualTo(3);
        }
    }

    @Test
    void jsonMetricsAndLogsAreHandedOnAsTheProtobufTheyDecodeTo() throws Exception {
        try (TestRelay relay = new TestRelay()) {
            byte[] metrics = """
                    {"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"name":"requests","gauge":{"dataPoints":[{"asInt":"7"}]}}]}]}]}"""
                    .getBytes(StandardCharsets.UTF_8);
            byte[] logs = """
                    {"resource_logs":[{"scope_logs":[{"log_records":[{"severity_text":"INFO","trace_id":"5B8EFFF798038103D269B633813FC60C"}]}]}]}"""
                    .getBytes(StandardCharsets.UTF_8);
            assertThat(Http.post(relay.httpUrl() + "/v1/metrics", "application/json", null, metrics).statusCode())
                    .isEqualTo(200);
            assertThat(Http.post(relay.httpUrl() + "/v1/logs", "application/json", null, logs).statusCode())
                    .isEqualTo(200);
            await().until(() -> relay.captured.passthroughBatches().size() == 2);
            PassthroughBatch metricsBatch = relay.captured.passthroughBatches().stream()
                    .filter(p -> p.signal() == PassthroughBatch.Signal.METRICS).findFirst().orElseThrow();
            PassthroughBatch logsBatch = relay.captured.passthroughBatches().stream()
                    .filter(p -> p.signal() == PassthroughBatch.Signal.LOGS).findFirst().orElseThrow();
            assertThat(metricsBatch.encoding()).isEqualTo(OtlpEncoding.PROTOBUF);
            assertThat(logsBatch.encoding()).isEqualTo(OtlpEncoding.PROTOBUF);

            var gauge = ExportMetricsServiceRequest.parseFrom(metricsBatch.body())
                    .getResourceMetrics(0).getScopeMetrics(0).getMetrics(0);
            assertThat(gauge.getName()).isEqualTo("requests");
            assertThat(gauge.getGauge().getDataPoints(0).getAsInt()).isEqualTo(7);
            assertThat(metricsBatch.items()).isEqualTo(1);

            var record = ExportLogsServiceRequest.parseFrom(logsBatch.body())
                    .getResourceLogs(0).getScopeLogs(0).getLogRecords(0);
            assertThat(record.getSeverityText()).isEqualTo("INFO");
            assertThat(HexFormat.of().formatHex(record.getTraceId().toByteArray()))
                    .isEqualTo("5b8efff798038103d269b633813fc60c");
            assertThat(logsBatch.items()).isEqualTo(1);
        }
    }
}
