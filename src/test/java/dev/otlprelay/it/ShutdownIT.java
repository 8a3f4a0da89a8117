package dev.otlprelay.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.otlprelay.support.FakeHoneycomb;
import dev.otlprelay.support.Otlp;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code docker stop} as users meet it: SIGTERM, then SIGKILL 10 s later. With Honeycomb hanging (every send waits
 * for an answer that never comes) and spans queued, the relay's whole stop — closing, draining, the final
 * accounting and its log line — fits in the default {@code shutdown.drain_timeout} from the signal, and it exits 0
 * inside Docker's window, having said what it could not deliver.
 */
class ShutdownIT {
    private static final String KEY = "itshutdownkey0123456789ABCDEFGHI";
    /** Docker's default stop window, which the default drain (8 s) leaves 2 s of. */
    private static final Duration DOCKER_STOP_WINDOW = Duration.ofSeconds(10);

    @Test
    void sigtermWithHoneycombHangingFinishesInsideDockersStopWindowAndCountsWhatIsLost() throws Exception {
        try (FakeHoneycomb honeycomb = FakeHoneycomb.start()) {
            honeycomb.acceptKeys(KEY).answer(FakeHoneycomb.Behaviour.hang());
            RelayProcess.Ports ports = RelayProcess.Ports.free();
            Map<String, String> env = ports.env(Map.of("HONEYCOMB_API_KEY", KEY,
                    "HONEYCOMB_API_ENDPOINT", honeycomb.url()));
            try (RelayProcess relay = RelayProcess.start(env, "run")) {
                await().atMost(Duration.ofSeconds(30)).until(() -> relay.allOutput().contains("otlp-relay listening"));
                HttpClient http = HttpClient.newHttpClient();
                for (int i = 0; i < 20; i++) {
                    HttpResponse<Void> r = http.send(HttpRequest.newBuilder(
                                    URI.create("http://127.0.0.1:" + ports.httpPort() + "/v1/traces"))
                            .header("Content-Type", "application/x-protobuf")
                            .POST(HttpRequest.BodyPublishers.ofByteArray(Otlp.validRequest(50).toByteArray()))
                            .build(), HttpResponse.BodyHandlers.discarding());
                    assertThat(r.statusCode()).isEqualTo(200);
                }
                await().atMost(Duration.ofSeconds(30)).until(() -> honeycomb.attempts() > 0);

                long signalled = System.nanoTime();
                relay.process.toHandle().destroy(); // SIGTERM
                boolean exited = relay.process.waitFor(DOCKER_STOP_WINDOW.toMillis(), TimeUnit.MILLISECONDS);
                Duration took = Duration.ofNanos(System.nanoTime() - signalled);

                assertThat(exited).as("exited within Docker's stop window (%s after SIGTERM)", took).isTrue();
                assertThat(relay.process.exitValue()).isZero();
                assertThat(relay.allOutput()).containsPattern("stopped: \\d+ spans could not be delivered within the "
                        + "8s drain deadline").doesNotContain(KEY);
            }
        }
    }
}
