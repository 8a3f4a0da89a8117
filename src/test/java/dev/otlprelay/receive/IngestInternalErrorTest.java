package dev.otlprelay.receive;

import static org.assertj.core.api.Assertions.assertThat;

import dev.otlprelay.pipeline.Acceptance;
import dev.otlprelay.pipeline.Batch;
import dev.otlprelay.pipeline.ClientContext;
import dev.otlprelay.pipeline.DestinationSet;
import dev.otlprelay.pipeline.OtlpEncoding;
import dev.otlprelay.support.Otlp;
import dev.otlprelay.support.TestRelay;
import dev.otlprelay.telemetry.RelayMetrics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A destination that throws instead of answering (a bug) leaves no span unaccounted for: the request is counted
 * refused with reason {@code internal_error} and answered 500, whatever destinations took before it threw.
 */
class IngestInternalErrorTest {

    /** Takes every batch it is offered. */
    private static final class Taking implements DestinationSet.Member {
        final List<Batch> taken = new ArrayList<>();

        @Override
        public boolean hasRoomFor(Batch batch) {
            return true;
        }

        @Override
        public Acceptance accept(Batch batch) {
            taken.add(batch);
            return Acceptance.ACCEPTED;
        }
    }

    @Test
    void aThrowingDestinationAfterAnotherTookTheBatchLeavesTheRequestCountedRefused() throws Exception {
        Taking first = new Taking();
        DestinationSet.Member broken = new DestinationSet.Member() {
            @Override
            public boolean hasRoomFor(Batch batch) {
                return true;
            }

            @Override
            public Acceptance accept(Batch batch) {
                throw new IllegalStateException("a destination bug");
            }
        };
        try (RelayMetrics metrics = new RelayMetrics()) {
            Ingest ingest = new Ingest(new DestinationSet(List.of(first, broken)), metrics, Duration.ofSeconds(1));
            byte[] body = Otlp.validRequest(5).toByteArray();

            OtlpOutcome outcome = ingest.traces(body, 0, body.length, OtlpEncoding.PROTOBUF,
                    new ClientContext("http", null, null)).get();

            assertThat(outcome.kind()).isEqualTo(OtlpOutcome.Kind.INTERNAL);
            assertThat(outcome.kind().httpStatus()).isEqualTo(500);
            assertThat(first.taken).as("what the first destination took stays counted there").hasSize(1);
            String scrape = metrics.scrape();
            double accepted = TestRelay.Scrape.value(scrape, "otlp_relay_receiver_accepted_spans_total", "transport",
                    "http");
            double refused = TestRelay.Scrape.value(scrape, "otlp_relay_receiver_refused_spans_total", "transport",
                    "http");
            assertThat(accepted + refused).as("every span of the decodable request accepted or refused")
                    .isEqualTo(5);
            assertThat(TestRelay.Scrape.value(scrape, "otlp_relay_receiver_refused_spans_total", "transport", "http",
                    "reason", "internal_error")).isEqualTo(5);
            assertThat(TestRelay.Scrape.value(scrape, "otlp_relay_receiver_refused_requests_total", "transport",
                    "http", "reason", "internal_error")).isEqualTo(1);
        }
    }
}
