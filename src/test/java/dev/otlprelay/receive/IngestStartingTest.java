package dev.otlprelay.receive;

import static org.assertj.core.api.Assertions.assertThat;

import dev.otlprelay.pipeline.Acceptance;
import dev.otlprelay.pipeline.Batch;
import dev.otlprelay.pipeline.ClientContext;
import dev.otlprelay.pipeline.OtlpEncoding;
import dev.otlprelay.support.TestRelay;
import dev.otlprelay.telemetry.RelayMetrics;
import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** While the relay starts (ports bound, destinations not yet running) requests are refused to be retried. */
class IngestStartingTest {

    @Test
    void refusesAsStartingUntilOpenedAndHandsNothingOnMeanwhile() throws Exception {
        List<Batch> handedOn = new ArrayList<>();
        try (RelayMetrics metrics = new RelayMetrics()) {
            Ingest ingest = new Ingest(batch -> {
                handedOn.add(batch);
                return Acceptance.ACCEPTED;
            }, metrics, Duration.ofSeconds(1));
            byte[] body = ExportTraceServiceRequest.newBuilder().addResourceSpans(ResourceSpans.newBuilder()
                    .addScopeSpans(ScopeSpans.newBuilder().addSpans(Span.newBuilder().setName("GET /")
                            .setTraceId(ByteString.copyFrom(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14,
                                15, 16}))
                            .setSpanId(ByteString.copyFrom(new byte[] {1, 2, 3, 4, 5, 6, 7, 8})))))
                    .build().toByteArray();
            ClientContext client = new ClientContext("http", null, null);
            ingest.refuseUntilOpen();

            OtlpOutcome starting = ingest.traces(body, 0, body.length, OtlpEncoding.PROTOBUF, client).get();
            assertThat(starting.kind()).isEqualTo(OtlpOutcome.Kind.UNAVAILABLE);
            assertThat(starting.reason()).isEqualTo("starting");
            assertThat(starting.message()).contains("starting");
            assertThat(starting.retryAfter()).isEqualTo(Duration.ofSeconds(1));
            assertThat(TestRelay.Scrape.value(metrics.scrape(), "otlp_relay_receiver_refused_requests_total",
                    "transport", "http", "reason", "starting")).isEqualTo(1);
            assertThat(handedOn).as("nothing reaches a destination that is not running").isEmpty();

            ingest.open();
            assertThat(ingest.traces(body, 0, body.length, OtlpEncoding.PROTOBUF, client).get().kind())
                    .isEqualTo(OtlpOutcome.Kind.OK);
            assertThat(handedOn).hasSize(1);
            ingest.close();
            assertThat(ingest.traces(body, 0, body.length, OtlpEncoding.PROTOBUF, client).get().reason())
                    .isEqualTo("shutting_down");
            assertThat(handedOn).hasSize(1);
        }
    }
}
