package dev.otlprelay.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.otlprelay.support.FakeHoneycomb;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One relay per spool directory, as users meet it: while a relay is running on a spool (Honeycomb down, spans
 * acknowledged from the spool), a second {@code run} on the same directory — other ports, or the same ports —
 * refuses to start, names the holder, and leaves the first relay's spool alone; after a SIGKILL of the first, a new
 * relay takes the directory and delivers everything that was acknowledged.
 */
class SpoolLockIT {
    private static final String KEY = "itspoollock0123456789ABCDEFGHIJK";

    @Test
    void aSecondRelayOnALiveSpoolRefusesAndEverythingAcknowledgedIsDeliveredAfterASigkill(@TempDir Path dir)
            throws Exception {
        Path spool = dir.resolve("spool");
        try (FakeHoneycomb honeycomb = FakeHoneycomb.start()) {
            honeycomb.acceptKeys(KEY).answer(FakeHoneycomb.Behaviour.status(503));
            Map<String, String> env = new HashMap<>(Map.of("HONEYCOMB_API_KEY", KEY,
                    "HONEYCOMB_API_ENDPOINT", honeycomb.url(), "RELAY_SPOOL_DIR", spool.toString()));
            Set<String> acknowledged = ConcurrentHashMap.newKeySet();
            RelayProcess.Ports first = RelayProcess.Ports.free();
            try (RelayProcess running = RelayProcess.start(first.env(env), "run")) {
                await().atMost(Duration.ofSeconds(30)).until(() -> running.allOutput().contains("otlp-relay listening"));
                AtomicBoolean sending = new AtomicBoolean(true);
                Thread sender = new Thread(() -> AcknowledgingSender.sendUntilStopped(first.httpPort(), acknowledged,
                        sending));
                sender.start();
                try {
                    await().atMost(Duration.ofSeconds(60)).until(() -> acknowledged.size() >= 500);
                    List<Path> segmentsBefore = segments(spool);

                    // Other ports: the spool's lock refuses it.
                    try (RelayProcess second = RelayProcess.start(RelayProcess.Ports.free().env(env), "run")) {
                        assertThat(second.process.waitFor(30, TimeUnit.SECONDS)).as("the second relay exits").isTrue();
                        assertThat(second.process.exitValue()).isNotZero();
                        assertThat(second.allOutput()).contains("is in use by another relay")
                                .contains("pid " + running.process.pid()).doesNotContain(KEY);
                    }
                    // The same ports: it fails binding them, before it touches the spool at all.
                    try (RelayProcess third = RelayProcess.start(first.env(env), "run")) {
                        assertThat(third.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
                        assertThat(third.process.exitValue()).isNotZero();
                        assertThat(third.allOutput()).contains("could not bind").doesNotContain("spool: replayed");
                    }
                    assertThat(segments(spool)).as("no segment of the running relay was deleted")
                            .containsAll(segmentsBefore);
                    int before = acknowledged.size();
                    await().atMost(Duration.ofSeconds(30)).until(() -> acknowledged.size() > before);
                } finally {
                    sending.set(false);
                    sender.join(30_000);
                }
                running.process.destroyForcibly(); // SIGKILL: no shutdown hook, no drain
                assertThat(running.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
            }
            assertThat(honeycomb.spans()).as("nothing got through during the outage").isEmpty();

            honeycomb.answer(FakeHoneycomb.Behaviour.ok());
            try (RelayProcess restarted = RelayProcess.start(RelayProcess.Ports.free().env(env), "run")) {
                await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                        assertThat(AcknowledgingSender.spanIds(honeycomb.spans())).containsAll(acknowledged));
                assertThat(restarted.terminate(Duration.ofSeconds(30))).isZero();
            }
        }
    }

    private static List<Path> segments(Path spool) throws Exception {
        try (Stream<Path> files = Files.list(spool)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".log")).sorted().toList();
        }
    }
}
