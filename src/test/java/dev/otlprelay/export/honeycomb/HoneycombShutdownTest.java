package dev.otlprelay.export.honeycomb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.otlprelay.config.ConfigLoader;
import dev.otlprelay.config.HoneycombConfig;
import dev.otlprelay.pipeline.ClientContext;
import dev.otlprelay.pipeline.TraceBatch;
import dev.otlprelay.support.FakeHoneycomb;
import dev.otlprelay.support.FakeHoneycomb.Behaviour;
import dev.otlprelay.support.Otlp;
import dev.otlprelay.support.TestRelay;
import dev.otlprelay.telemetry.RelayMetrics;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The drain deadline settles every span once: what is counted lost there is not counted again later. */
class HoneycombShutdownTest {
    private static final String KEY = "hcaik_01jshutdownshutdownshutdownshutdownshutdownshutdownshut";

    @Test
    void aSendThatFinishesAfterTheDrainDeadlineIsNotCountedTwice(@TempDir Path dir) throws Exception {
        try (FakeHoneycomb honeycomb = FakeHoneycomb.start(); RelayMetrics metrics = new RelayMetrics()) {
            honeycomb.acceptKeys(KEY).answer(Behaviour.hang());
            HoneycombConfig config = ConfigLoader.load(null, Map.of("HONEYCOMB_API_KEY", KEY,
                    "HONEYCOMB_API_ENDPOINT", honeycomb.url()), dir).honeycomb();
            HoneycombDestination destination = new HoneycombDestination(config, metrics);
            destination.start();
            try {
                ExportTraceServiceRequest request = Otlp.validRequest(10);
                destination.accept(new TraceBatch(request, 10, request.getSerializedSize(),
                        new ClientContext("http", null, null), System.nanoTime()));
                await().atMost(Duration.ofSeconds(10)).until(() -> honeycomb.attempts() > 0);

                assertThat(destination.drain(Duration.ofMillis(200))).as("lost at the deadline").isEqualTo(10);

                // The send that was in flight at the deadline now succeeds: it was already counted, once.
                honeycomb.releaseHangs(Behaviour.ok());
                await().atMost(Duration.ofSeconds(10)).until(() -> honeycomb.spans().size() == 10);
                await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
                    String scrape = metrics.scrape();
                    assertThat(TestRelay.Scrape.value(scrape, "otlp_relay_exporter_sent_spans_total", "exporter",
                            "honeycomb")).isZero();
                    assertThat(TestRelay.Scrape.value(scrape, "otlp_relay_dropped_spans_total", "exporter",
                            "honeycomb", "reason", "shutdown")).isEqualTo(10);
                    assertThat(destination.queuedBytes()).isZero();
                    assertThat(destination.queuedSpans()).isZero();
                });
            } finally {
                destination.close();
            }
        }
    }
}
