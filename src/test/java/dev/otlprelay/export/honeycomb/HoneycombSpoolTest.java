package dev.otlprelay.export.honeycomb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.otlprelay.config.SpoolConfig;
import dev.otlprelay.export.spool.Spool;
import dev.otlprelay.export.spool.SpoolListener;
import dev.otlprelay.support.FakeHoneycomb;
import dev.otlprelay.support.FakeHoneycomb.Behaviour;
import dev.otlprelay.support.Http;
import dev.otlprelay.support.Otlp;
import dev.otlprelay.support.TestRelay;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Honeycomb destination with its spool on, in process: acknowledged data survives a stop during an outage,
 * records leave the spool once every piece of them is delivered (413 splits included), a full spool makes
 * clients retry, and the relay's own key never reaches the disk.
 */
class HoneycombSpoolTest {
    static final String KEY = "hcaik_01jxyzspoolspoolspoolspoolspoolspoolspoolspoolspoolspoo";
    @TempDir
    Path dir;
    FakeHoneycomb honeycomb;
    TestRelay relay;

    @BeforeEach
    void start() {
        honeycomb = FakeHoneycomb.start().acceptKeys(KEY);
    }

    @AfterEach
    void stop() {
        if (relay != null) {
            relay.close();
        }
        honeycomb.close();
    }

    private TestRelay relay(String spoolYaml) throws IOException {
        Path yaml = Files.createTempFile(dir, "relay", ".yaml");
        Files.writeString(yaml, """
                honeycomb:
                  batch_timeout: 50ms
                  retry_initial_backoff: 100ms
                  retry_max_backoff: 300ms
                  retry_max_elapsed: 120s
                  request_timeout: 2s
                  spool:
                    fsync: always
                """ + spoolYaml + """
                shutdown:
                  drain_timeout: 1s
                """);
        Map<String, String> env = new HashMap<>(Map.of("HONEYCOMB_API_KEY", KEY,
                "HONEYCOMB_API_ENDPOINT", honeycomb.url(), "RELAY_CONFIG", yaml.toString(),
                "RELAY_SPOOL_DIR", dir.resolve("spool").toString()));
        relay = new TestRelay(env);
        return relay;
    }

    private static int post(TestRelay relay, ExportTraceServiceRequest request) {
        return Http.post(relay.httpUrl() + "/v1/traces", "application/x-protobuf", null, request.toByteArray())
                .statusCode();
    }

    private static ExportTraceServiceRequest spans(int from, int count, int padBytes) {
        Span[] spans = new Span[count];
        for (int i = 0; i < count; i++) {
            long n = from + i + 1L;
            Span.Builder s = Otlp.span("span-" + n, String.format("%032x", n), String.format("%016x", n)).toBuilder();
            if (padBytes > 0) {
                s.addAttributes(KeyValue.newBuilder().setKey("pad")
                        .setValue(AnyValue.newBuilder().setStringValue("x".repeat(padBytes))));
            }
            spans[i] = s.build();
        }
        return Otlp.request("backend-flask", spans);
    }

    private java.util.Set<String> deliveredIds() {
        java.util.Set<String> ids = new java.util.HashSet<>();
        for (Span s : honeycomb.spans()) {
            ids.add(HexFormat.of().formatHex(s.getSpanId().toByteArray()));
        }
        return ids;
    }

    @Test
    void spansAcknowledgedDuringAnOutageAreDeliveredAfterAStopAndStart() throws IOException {
        honeycomb.answer(Behaviour.status(503));
        relay("");
        for (int i = 0; i < 5; i++) {
            assertThat(post(relay, spans(i * 40, 40, 0))).isEqualTo(200);
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> honeycomb.attempts() > 0);
        assertThat(relay.metric("otlp_relay_spool_pending_records", "exporter", "honeycomb")).isEqualTo(5);
        relay.close();
        relay = null;
        assertThat(honeycomb.spans()).isEmpty();

        honeycomb.answer(Behaviour.ok());
        relay("");
        await().atMost(Duration.ofSeconds(20)).until(() -> deliveredIds().size() == 200);
        await().atMost(Duration.ofSeconds(20)).until(() ->
                relay.metric("otlp_relay_spool_pending_records", "exporter", "honeycomb") == 0);
        assertThat(relay.metric("otlp_relay_spool_replayed_records_total", "exporter", "honeycomb")).isEqualTo(5);
        assertThat(relay.metric("otlp_relay_exporter_sent_spans_total", "exporter", "honeycomb")).isEqualTo(200);
        assertThat(relay.metric("otlp_relay_exporter_enqueued_spans_total", "exporter", "honeycomb")).isEqualTo(200);
    }

    @Test
    void aRecordLeavesTheSpoolOnlyWhenEveryPieceOfASplitBatchIsDelivered() throws IOException {
        honeycomb.split413Above(30);
        relay("");
        assertThat(post(relay, spans(0, 200, 0))).isEqualTo(200);
        await().atMost(Duration.ofSeconds(20)).until(() -> deliveredIds().size() == 200);
        await().atMost(Duration.ofSeconds(20)).until(() ->
                relay.metric("otlp_relay_spool_pending_records", "exporter", "honeycomb") == 0);
        assertThat(relay.metric("otlp_relay_exporter_send_failed_spans_total", "exporter", "honeycomb",
                "reason", "http_413")).isPositive();
    }

    @Test
    void aFullSpoolMakesClientsRetryInsteadOfAcknowledging() throws IOException {
        honeycomb.answer(Behaviour.status(503));
        relay("    max_bytes: 16MiB\n    segment_bytes: 4MiB\n");
        int accepted = 0;
        int refused = 0;
        for (int i = 0; i < 30 && refused == 0; i++) {
            int status = post(relay, spans(i * 16, 16, 60_000)); // about 1 MB each
            if (status == 200) {
                accepted++;
            } else {
                assertThat(status).isEqualTo(503);
                refused++;
            }
        }
        assertThat(accepted).as("the spool took data up to its bound").isBetween(12, 18);
        assertThat(refused).isEqualTo(1);
        long diskBytes = (long) relay.metric("otlp_relay_spool_disk_bytes", "exporter", "honeycomb");
        assertThat(diskBytes).isLessThanOrEqualTo(16L * 1024 * 1024);
    }

    @Test
    void aRecordThatCannotBeDecodedIsDroppedCountedAndNotReportedAgain() throws Exception {
        // A record whose framing and checksum are sound but whose content is not a spooled request (a bug, or
        // a file written by another version).
        SpoolConfig config = new SpoolConfig(dir.resolve("spool"), SpoolConfig.Fsync.ALWAYS, Duration.ofMillis(10),
                64L << 20, 8L << 20);
        try (Spool spool = Spool.open(config, SpoolListener.NONE)) {
            spool.append(new byte[] {99, 1, 2, 3}).get();
        }
        relay("");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(relay.metric("otlp_relay_spool_corrupt_records_total", "exporter", "honeycomb"))
                    .isEqualTo(1);
            assertThat(relay.metric("otlp_relay_spool_pending_records", "exporter", "honeycomb")).isZero();
        });
        relay.close();
        relay = null;
        try (Spool reopened = Spool.open(config, SpoolListener.NONE)) {
            assertThat(reopened.recovered()).as("acknowledged: not replayed again").isEmpty();
        }
    }

    @Test
    void theRelaysOwnKeyNeverReachesTheDisk() throws IOException {
        honeycomb.answer(Behaviour.status(503));
        relay("");
        assertThat(post(relay, spans(0, 10, 0))).isEqualTo(200);
        await().atMost(Duration.ofSeconds(20)).until(() -> honeycomb.attempts() > 0);
        byte[] key = KEY.getBytes(StandardCharsets.UTF_8);
        try (Stream<Path> files = Files.list(dir.resolve("spool"))) {
            for (Path f : files.toList()) {
                String content = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
                assertThat(content).as(f.toString()).doesNotContain(new String(key, StandardCharsets.ISO_8859_1));
            }
        }
        assertThat(relay.metric("otlp_relay_spool_disk_bytes", "exporter", "honeycomb")).isPositive();
    }
}
