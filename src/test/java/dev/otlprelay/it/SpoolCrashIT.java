package dev.otlprelay.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.otlprelay.support.FakeHoneycomb;
import dev.otlprelay.support.TestRelay;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The durability contract as users meet it: the relay is a real separate process, Honeycomb is down, an
 * OpenTelemetry SDK exporter keeps sending, and the relay is killed with SIGKILL (no shutdown hook, no drain).
 * After a restart on the same spool directory, every span whose export the relay had acknowledged reaches
 * Honeycomb. Under {@code always} and {@code interval} a process crash loses nothing acknowledged
 * (docs/durability.md); only a machine crash has a window, which a test process cannot produce.
 */
class SpoolCrashIT {
    private static final String KEY = "itspoolkey0123456789ABCDEFGHIJKL";

    @ParameterizedTest(name = "fsync {0}")
    @ValueSource(strings = {"always", "interval"})
    void everyAcknowledgedSpanIsDeliveredAfterSigkillDuringAnOutage(String fsync, @TempDir Path dir)
            throws Exception {
        Path spool = dir.resolve("spool");
        Path config = dir.resolve("relay.yaml");
        Files.writeString(config, "honeycomb:\n  spool:\n    fsync: " + fsync + "\n");
        try (FakeHoneycomb honeycomb = FakeHoneycomb.start()) {
            honeycomb.acceptKeys(KEY).answer(FakeHoneycomb.Behaviour.status(503));
            Map<String, String> env = new java.util.HashMap<>(Map.of(
                    "HONEYCOMB_API_KEY", KEY,
                    "HONEYCOMB_API_ENDPOINT", honeycomb.url(),
                    "RELAY_SPOOL_DIR", spool.toString()));

            Set<String> acknowledged = ConcurrentHashMap.newKeySet();
            RelayProcess.Ports first = RelayProcess.Ports.free();
            try (RelayProcess relay = RelayProcess.start(first.env(env), "run", "--config", config.toString())) {
                await().atMost(Duration.ofSeconds(30)).until(() -> relay.allOutput().contains("otlp-relay listening"));
                AtomicBoolean sending = new AtomicBoolean(true);
                Thread sender = new Thread(() -> AcknowledgingSender.sendUntilStopped(first.httpPort(), acknowledged, sending));
                sender.start();
                await().atMost(Duration.ofSeconds(60)).until(() -> acknowledged.size() >= 2_000);
                // The relay tries Honeycomb after it acknowledges (from the spool), not before: wait for the attempt.
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(honeycomb.attempts())
                        .as("Honeycomb was tried and refused").isPositive());
                relay.process.destroyForcibly(); // SIGKILL: no shutdown hook, no drain
                assertThat(relay.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
                sending.set(false);
                sender.join(30_000);
            }
            assertThat(honeycomb.spans()).as("nothing got through during the outage").isEmpty();

            honeycomb.answer(FakeHoneycomb.Behaviour.ok());
            RelayProcess.Ports second = RelayProcess.Ports.free();
            try (RelayProcess relay = RelayProcess.start(second.env(env), "run", "--config", config.toString())) {
                await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(AcknowledgingSender.spanIds(honeycomb.spans()))
                        .containsAll(acknowledged));
                assertThat(relay.allOutput()).contains("spool: replayed");
                assertThat(relay.allOutput()).doesNotContain(KEY);
                String metrics = scrape(second.adminPort());
                double enqueued = TestRelay.Scrape.value(metrics, "otlp_relay_exporter_enqueued_spans_total",
                        "exporter", "honeycomb");
                double sent = TestRelay.Scrape.value(metrics, "otlp_relay_exporter_sent_spans_total",
                        "exporter", "honeycomb");
                assertThat(enqueued).as("replayed spans are accounted for in the new process")
                        .isGreaterThanOrEqualTo(acknowledged.size());
                assertThat(sent).isLessThanOrEqualTo(enqueued);
                assertThat(relay.terminate(Duration.ofSeconds(30))).isZero();
            }
        }
    }

    private static String scrape(int adminPort) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort
                + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

}
