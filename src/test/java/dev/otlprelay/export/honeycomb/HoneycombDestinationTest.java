package dev.otlprelay.export.honeycomb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.otlprelay.config.ConfigLoader;
import dev.otlprelay.config.HoneycombConfig;
import dev.otlprelay.pipeline.Acceptance;
import dev.otlprelay.pipeline.ClientContext;
import dev.otlprelay.pipeline.OtlpEncoding;
import dev.otlprelay.pipeline.PassthroughBatch;
import dev.otlprelay.pipeline.TraceBatch;
import dev.otlprelay.support.FakeHoneycomb;
import dev.otlprelay.support.FakeHoneycomb.Behaviour;
import dev.otlprelay.support.Otlp;
import dev.otlprelay.support.TestRelay;
import dev.otlprelay.telemetry.RelayMetrics;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Honeycomb destination driven directly, without the receivers or the sampler in front of it: where a batch is
 * sealed, what the queue reports holding, when it has room, what each answer of Honeycomb's is counted as, and
 * what a drain delivers or gives up on. The end-to-end behaviour through real SDKs is in {@link HoneycombExportTest}.
 */
class HoneycombDestinationTest {
    private static final String KEY = "hcaik_01jdestinationdestinationdestinationdestinationdestinati";
    private static final ClientContext CLIENT = new ClientContext("http", null, null);
    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path dir;
    private FakeHoneycomb honeycomb;
    private RelayMetrics metrics;
    private final List<HoneycombDestination> started = new ArrayList<>();
    private final Logger log = Logger.getLogger(HoneycombDestination.class.getName());
    private final List<String> logged = new CopyOnWriteArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord r) {
            logged.add(r.getMessage());
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void start() {
        honeycomb = FakeHoneycomb.start().acceptKeys(KEY);
        metrics = new RelayMetrics();
        log.addHandler(capture);
    }

    @AfterEach
    void stop() {
        started.forEach(HoneycombDestination::close);
        honeycomb.close();
        metrics.close();
        log.removeHandler(capture);
        assertThat(logged).as("no key in any log line").noneMatch(line -> line.contains(KEY));
    }

    /** Waits until a warning containing {@code fragment} was logged. */
    private void warned(String fragment) {
        await().atMost(WAIT).untilAsserted(() -> assertThat(logged).anyMatch(line -> line.contains(fragment)));
    }

    /** A started destination with these {@code honeycomb:} keys (indented lines), the key and the fake's URL. */
    private HoneycombDestination destination(String honeycombKeys) throws Exception {
        return destination(honeycombKeys, Map.of("HONEYCOMB_API_KEY", KEY, "HONEYCOMB_API_ENDPOINT", honeycomb.url()));
    }

    private HoneycombDestination destination(String honeycombKeys, Map<String, String> env) throws Exception {
        Path file = Files.writeString(dir.resolve("relay-" + started.size() + ".yaml"),
                "honeycomb:\n" + honeycombKeys.indent(2));
        HoneycombConfig config = ConfigLoader.load(file, env, dir).honeycomb();
        HoneycombDestination d = new HoneycombDestination(config, metrics);
        d.start();
        started.add(d);
        return d;
    }

    private static TraceBatch traces(ExportTraceServiceRequest request) {
        return new TraceBatch(request, spans(request), request.getSerializedSize(), CLIENT,
                System.nanoTime());
    }

    private static int spans(ExportTraceServiceRequest request) {
        return request.getResourceSpansList().stream().flatMap(rs -> rs.getScopeSpansList().stream())
                .mapToInt(ss -> ss.getSpansCount()).sum();
    }

    private static TraceBatch ofSize(long sizeBytes) {
        ExportTraceServiceRequest request = Otlp.validRequest(1);
        return new TraceBatch(request, 1, sizeBytes, CLIENT, System.nanoTime());
    }

    private static PassthroughBatch metricsBatch(int dataPoints) {
        byte[] body = Otlp.metrics(dataPoints, 0).toByteArray();
        return new PassthroughBatch(PassthroughBatch.Signal.METRICS, body, OtlpEncoding.PROTOBUF, body.length, CLIENT,
                System.nanoTime(), dataPoints);
    }

    private static PassthroughBatch logsBatch(int records) {
        byte[] body = Otlp.logs(records).toByteArray();
        return new PassthroughBatch(PassthroughBatch.Signal.LOGS, body, OtlpEncoding.PROTOBUF, body.length, CLIENT,
                System.nanoTime(), records);
    }

    /** The piece a request of {@code n} spans is queued as: its one ResourceSpans. */
    private static long pieceBytes(int n) {
        return Otlp.validRequest(n).getResourceSpans(0).getSerializedSize();
    }

    private double metric(String name, String... labels) {
        return TestRelay.Scrape.value(metrics.scrape(), name, labels);
    }

    private double dropped(String reason) {
        return metric("otlp_relay_dropped_spans_total", "exporter", "honeycomb", "reason", reason);
    }

    private List<Integer> spansPerRequest() {
        List<Integer> counts = new ArrayList<>();
        for (FakeHoneycomb.Received r : honeycomb.requests()) {
            counts.add(r.spanCount());
        }
        return counts;
    }

    /** Waits a moment during which nothing more reaches the fake (a batch that should be held is held). */
    private void nothingMoreArrivesThan(int requests) {
        await().during(Duration.ofMillis(300)).atMost(WAIT).until(() -> honeycomb.requests().size() == requests);
    }

    // ---- sealing ----------------------------------------------------------------------------------------------

    @Test
    void aBatchIsSentTheMomentItHoldsBatchMaxSpans() throws Exception {
        HoneycombDestination d = destination("batch_timeout: 1h\nbatch_max_spans: 10\n");
        d.accept(traces(Otlp.validRequest(4)));
        nothingMoreArrivesThan(0);
        d.accept(traces(Otlp.validRequest(6)));

        await().atMost(WAIT).until(() -> honeycomb.requests().size() == 1);
        assertThat(spansPerRequest()).containsExactly(10);
    }

    @Test
    void aPieceThatWouldPassBatchMaxSpansStartsTheNextBatch() throws Exception {
        HoneycombDestination d = destination("batch_timeout: 1h\nbatch_max_spans: 10\n");
        d.accept(traces(Otlp.validRequest(6)));
        d.accept(traces(Otlp.validRequest(6)));

        await().atMost(WAIT).until(() -> honeycomb.requests().size() == 1);
        nothingMoreArrivesThan(1);
        assertThat(spansPerRequest()).containsExactly(6);
        assertThat(d.queuedSpans()).as("the second batch, still open").isEqualTo(6);

        assertThat(d.drain(WAIT)).isZero();
        assertThat(spansPerRequest()).containsExactly(6, 6);
    }

    @Test
    void aBatchIsSentTheMomentItHoldsBatchMaxBytes() throws Exception {
        long piece = pieceBytes(20);
        HoneycombDestination d = destination("batch_timeout: 1h\nbatch_max_spans: 1000\nbatch_max_bytes: "
                + (2 * piece) + "\n");
        d.accept(traces(Otlp.validRequest(20)));
        nothingMoreArrivesThan(0);
        d.accept(traces(Otlp.validRequest(20)));

        await().atMost(WAIT).until(() -> honeycomb.requests().size() == 1);
        assertThat(spansPerRequest()).containsExactly(40);
    }

    @Test
    void aPieceThatWouldPassBatchMaxBytesStartsTheNextBatch() throws Exception {
        long piece = pieceBytes(20);
        HoneycombDestination d = destination("batch_timeout: 1h\nbatch_max_spans: 1000\nbatch_max_bytes: "
                + (2 * piece - 1) + "\n");
        d.accept(traces(Otlp.validRequest(20)));
        d.accept(traces(Otlp.validRequest(20)));

        await().atMost(WAIT).until(() -> honeycomb.requests().size() == 1);
        nothingMoreArrivesThan(1);
        assertThat(spansPerRequest()).containsExactly(20);
        assertThat(d.queuedBytes()).isEqualTo(piece);
    }

    @Test
    void anOpenBatchIsSentWhenBatchTimeoutPasses() throws Exception {
        HoneycombDestination d = destination("batch_timeout: 50ms\nbatch_max_spans: 1000\n");
        d.accept(traces(Otlp.validRequest(3)));

        await().atMost(WAIT).until(() -> honeycomb.requests().size() == 1);
        assertThat(spansPerRequest()).containsExactly(3);
    }

    // ---- what the queue reports ---------------------------------------------------------------------------------

    @Test
    void theQueueCountsWhatItHoldsUntilHoneycombAnswers() throws Exception {
        honeycomb.answer(Behaviour.hang());
        HoneycombDestination d = destination("batch_timeout: 1h\nbatch_max_spans: 5\n");
        assertThat(d.oldestAgeSeconds()).as("empty").isZero();
        d.accept(traces(Otlp.validRequest(5)));
        await().atMost(WAIT).until(() -> honeycomb.hanging() == 1);

        assertThat(d.queuedSpans()).isEqualTo(5);
        assertThat(d.queuedBytes()).isEqualTo(pieceBytes(5));
        assertThat(d.oldestAgeSeconds()).isPositive().isLessThan(60);
        assertThat(metric("otlp_relay_exporter_queue_spans", "exporter", "honeycomb")).isEqualTo(5);

        honeycomb.releaseHangs(Behaviour.ok());
        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(d.queuedSpans()).isZero();
            assertThat(d.queuedBytes()).isZero();
            assertThat(d.oldestAgeSeconds()).isZero();
            assertThat(metric("otlp_relay_exporter_sent_spans_total", "exporter", "honeycomb")).isEqualTo(5);
        });
        assertThat(metric("otlp_relay_exporter_enqueued_spans_total", "exporter", "honeycomb")).isEqualTo(5);
    }

    @Test
    void theQueueHasRoomUpToQueueBytesAndNoneOneBytePast() throws Exception {
        long capacity = 1024 * 1024;
        HoneycombDestination d = destination("batch_timeout: 1h\nqueue_bytes: " + capacity + "\n");
        assertThat(d.capacityBytes()).isEqualTo(capacity);
        assertThat(d.hasRoomFor(ofSize(capacity))).isTrue();
        assertThat(d.hasRoomFor(ofSize(capacity + 1))).isFalse();

        d.accept(traces(Otlp.validRequest(3)));
        long held = d.queuedBytes();
        assertThat(held).isEqualTo(pieceBytes(3));
        assertThat(d.hasRoomFor(ofSize(capacity - held))).isTrue();
        assertThat(d.hasRoomFor(ofSize(capacity - held + 1))).isFalse();
    }

    @Test
    void aDrainingQueueHasNoRoomForAnything() throws Exception {
        HoneycombDestination d = destination("batch_timeout: 1h\n");
        d.drain(Duration.ZERO);
        assertThat(d.hasRoomFor(ofSize(1))).isFalse();
    }

    @Test
    void readinessNamesHowFullTheQueueIsPastNinetyPercent() throws Exception {
        long piece = pieceBytes(2000);
        HoneycombDestination d = destination("batch_timeout: 1h\nbatch_max_spans: 100000\nqueue_bytes: 1MiB\n");
        assertThat(d.notReadyReason()).as("empty").isNull();
        long capacity = 1024 * 1024;
        while (d.queuedBytes() + piece <= capacity * 9 / 10) {
            d.accept(traces(Otlp.validRequest(2000)));
        }
        assertThat(d.notReadyReason()).as("%d of %d bytes", d.queuedBytes(), capacity).isNull();
        while (d.queuedBytes() * 10 <= capacity * 9) {
            d.accept(traces(Otlp.validRequest(2000)));
        }
        long percent = Math.round(100.0 * d.queuedBytes() / capacity);
        assertThat(d.notReadyReason()).isEqualTo("the Honeycomb queue is " + percent + "% full");
    }

    @Test
    void readinessNamesTheAgeOfTheOldestBatchPastReadyMaxQueueAge() throws Exception {
        HoneycombDestination patient = destination("batch_timeout: 1h\nready_max_queue_age: 1h\n");
        patient.accept(traces(Otlp.validRequest(1)));
        HoneycombDestination strict = destination("batch_timeout: 1h\nready_max_queue_age: 20ms\n");
        strict.accept(traces(Otlp.validRequest(1)));

        await().atMost(WAIT).until(() -> strict.oldestAgeSeconds() > 0.05);
        assertThat(strict.notReadyReason()).startsWith("the oldest batch for Honeycomb has waited ")
                .endsWith("s (limit PT0.02S)");
        assertThat(patient.notReadyReason()).isNull();
    }

    @Test
    void theDestinationIsNamedAndAliveUntilClosedAndAnswersAtOnceWithoutASpool() throws Exception {
        HoneycombDestination d = destination("batch_timeout: 1h\n");
        assertThat(d.name()).isEqualTo("honeycomb");
        assertThat(d.deadReason()).isNull();
        assertThat(d.answersWhenDurable()).isFalse();
        assertThat(d.accept(traces(Otlp.validRequest(1)))).isSameAs(Acceptance.ACCEPTED);
        d.close();
        assertThat(d.deadReason()).as("stopped on purpose is not dead").isNull();
    }

    @Test
    void withASpoolABatchIsAnsweredOnceItIsDurable() throws Exception {
        HoneycombDestination d = destination("batch_timeout: 1h\nspool:\n  dir: " + dir.resolve("spool") + "\n");
        assertThat(d.answersWhenDurable()).isTrue();
        Acceptance answer = d.accept(traces(Otlp.validRequest(2)));
        assertThat(answer).isNotSameAs(Acceptance.ACCEPTED);
    }

    // ---- Honeycomb's answers --------------------------------------------------------------------------------

    @Test
    void aRetryableAnswerIsTriedAgainAfterItsBackoffAndCountedOncePerRetry() throws Exception {
        honeycomb.thenAnswer(Behaviour.status(503), 2);
        HoneycombDestination d = destination("batch_timeout: 1ms\nretry_initial_backoff: 5ms\nretry_jitter: 0\n"
                + "retry_max_elapsed: 1h\n");
        d.accept(traces(Otlp.validRequest(4)));

        await().atMost(WAIT).until(() -> metric("otlp_relay_exporter_sent_spans_total", "exporter", "honeycomb")
                == 4);
        assertThat(honeycomb.attempts()).isEqualTo(3);
        assertThat(metric("otlp_relay_exporter_retries_total", "exporter", "honeycomb")).isEqualTo(2);
        assertThat(metric("otlp_relay_exporter_send_failed_spans_total", "exporter", "honeycomb", "reason",
                "http_503")).isEqualTo(8);
        warned("Honeycomb send failed (HTTP 503: ");
        warned("); retrying 4 spans in 5ms");
        assertThat(d.queuedSpans()).isZero();
    }

    @Test
    void aBackoffThatWouldPassRetryMaxElapsedGivesUpAtOnce() throws Exception {
        honeycomb.answer(Behaviour.status(503));
        HoneycombDestination d = destination("batch_timeout: 1ms\nretry_initial_backoff: 30s\nretry_jitter: 0\n"
                + "retry_max_backoff: 1m\nretry_max_elapsed: 20s\n");
        d.accept(traces(Otlp.validRequest(4)));

        await().atMost(WAIT).until(() -> dropped("retries_exhausted") == 4);
        warned("giving up on 4 spans after 1 attempts over ");
        assertThat(honeycomb.attempts()).isEqualTo(1);
        assertThat(metric("otlp_relay_exporter_retries_total", "exporter", "honeycomb")).isZero();
        assertThat(d.queuedSpans()).isZero();
        assertThat(d.queuedBytes()).isZero();
    }

    @Test
    void aTimedOutAttemptIsCountedAsATimeout() throws Exception {
        honeycomb.answer(Behaviour.hang());
        destination("batch_timeout: 1ms\nrequest_timeout: 100ms\nretry_max_elapsed: 0\n")
                .accept(traces(Otlp.validRequest(2)));

        await().atMost(WAIT).until(() -> dropped("retries_exhausted") == 2);
        assertThat(metric("otlp_relay_exporter_send_failed_spans_total", "exporter", "honeycomb", "reason",
                "timeout")).isEqualTo(2);
    }

    @Test
    void anEndpointThatRefusesConnectionsIsCountedAsAConnectionFailure() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        destination("batch_timeout: 1ms\nretry_max_elapsed: 0\n", Map.of("HONEYCOMB_API_KEY", KEY,
                "HONEYCOMB_API_ENDPOINT", "http://127.0.0.1:" + closedPort)).accept(traces(Otlp.validRequest(2)));

        await().atMost(WAIT).until(() -> dropped("retries_exhausted") == 2);
        assertThat(metric("otlp_relay_exporter_send_failed_spans_total", "exporter", "honeycomb", "reason",
                "connection")).isEqualTo(2);
    }

    @Test
    void aPartialSuccessDropsWhatItNamesAndSendsTheRest() throws Exception {
        honeycomb.thenAnswer(Behaviour.partialSuccess(3, "bad spans"), 1).thenAnswer(
                Behaviour.partialSuccess(50, "more than were sent"), 1);
        HoneycombDestination d = destination("batch_timeout: 1h\nbatch_max_spans: 10\n");
        d.accept(traces(Otlp.validRequest(10)));
        await().atMost(WAIT).until(() -> dropped("partial_success") == 3);
        warned("Honeycomb rejected 3 of 10 spans: bad spans");
        assertThat(metric("otlp_relay_exporter_sent_spans_total", "exporter", "honeycomb")).isEqualTo(7);

        // Honeycomb reporting more rejected than the request held drops the request, not more.
        d.accept(traces(Otlp.validRequest(10)));
        await().atMost(WAIT).until(() -> dropped("partial_success") == 13);
        assertThat(metric("otlp_relay_exporter_sent_spans_total", "exporter", "honeycomb")).isEqualTo(7);
    }

    @Test
    void aPartialSuccessOfMetricsIsCountedInDataPoints() throws Exception {
        honeycomb.thenAnswer(Behaviour.partialSuccess(3, "bad points"), 1).thenAnswer(
                Behaviour.partialSuccess(50, "more than were sent"), 1);
        HoneycombDestination d = destination("batch_timeout: 1h\n");
        d.accept(metricsBatch(7));
        await().atMost(WAIT).until(() -> metric("otlp_relay_dropped_data_points_total", "exporter", "honeycomb",
                "reason", "partial_success") == 3);
        warned("Honeycomb rejected 3 of 7 /v1/metrics items: bad points");
        d.accept(metricsBatch(7));
        await().atMost(WAIT).until(() -> metric("otlp_relay_dropped_data_points_total", "exporter", "honeycomb",
                "reason", "partial_success") == 10);
        assertThat(dropped("partial_success")).as("metrics hold no spans").isZero();
        assertThat(d.queuedBytes()).isZero();
    }

    @Test
    void aRefusedLogsRequestIsCountedInLogRecordsWithItsStatus() throws Exception {
        honeycomb.answer(Behaviour.status(400));
        HoneycombDestination d = destination("batch_timeout: 1h\n");
        d.accept(logsBatch(5));

        await().atMost(WAIT).until(() -> metric("otlp_relay_dropped_log_records_total", "exporter", "honeycomb",
                "reason", "http_400") == 5);
        warned("Honeycomb refused /v1/logs for Tenant[key=");
        warned("(not retried)");
        assertThat(honeycomb.attempts()).isEqualTo(1);
        assertThat(dropped("http_400")).isZero();
        assertThat(d.queuedBytes()).isZero();
    }

    @Test
    void aSingleSpanRefusedAsTooLargeIsDroppedAsTooLarge() throws Exception {
        honeycomb.limitBytes(10);
        HoneycombDestination d = destination("batch_timeout: 1ms\n");
        d.accept(traces(Otlp.validRequest(1)));

        await().atMost(WAIT).until(() -> dropped("too_large") == 1);
        warned("Honeycomb refused a single span as too large (HTTP 413: ");
        assertThat(metric("otlp_relay_exporter_send_failed_spans_total", "exporter", "honeycomb", "reason",
                "http_413")).isEqualTo(1);
        assertThat(d.queuedBytes()).isZero();
    }

    @Test
    void withoutAKeyEverySignalIsDroppedAsNoApiKeyInItsOwnUnit() throws Exception {
        HoneycombDestination d = destination("batch_timeout: 1ms\n", Map.of("HONEYCOMB_API_ENDPOINT",
                honeycomb.url()));
        assertThat(d.accept(traces(Otlp.validRequest(3)))).isSameAs(Acceptance.ACCEPTED);
        d.accept(metricsBatch(4));
        d.accept(logsBatch(2));

        assertThat(dropped("no_api_key")).isEqualTo(3);
        warned("dropping data: honeycomb.key_mode is relay and the request carried no x-honeycomb-team header");
        assertThat(metric("otlp_relay_exporter_enqueued_spans_total", "exporter", "honeycomb")).isEqualTo(3);
        assertThat(metric("otlp_relay_dropped_data_points_total", "exporter", "honeycomb", "reason", "no_api_key"))
                .isEqualTo(4);
        assertThat(metric("otlp_relay_dropped_log_records_total", "exporter", "honeycomb", "reason", "no_api_key"))
                .isEqualTo(2);
        assertThat(d.queuedBytes()).isZero();
        nothingMoreArrivesThan(0);
    }

    @Test
    void clientKeyModeSendsWithTheRequestsKeyAndDataset() throws Exception {
        String clientKey = "hcaik_01jclientclientclientclientclientclientclientclientclientcl";
        honeycomb.acceptKeys(KEY, clientKey);
        HoneycombDestination d = destination("batch_timeout: 1ms\nkey_mode: client\n");
        d.accept(new TraceBatch(Otlp.validRequest(2), 2, 100, new ClientContext("http", clientKey, "checkout"),
                System.nanoTime()));

        await().atMost(WAIT).until(() -> honeycomb.requests().size() == 1);
        assertThat(honeycomb.requests().get(0).team()).isEqualTo(clientKey);
        assertThat(honeycomb.requests().get(0).dataset()).isEqualTo("checkout");
    }

    // ---- draining -----------------------------------------------------------------------------------------------

    @Test
    void aDrainSendsOpenBatchesAndRetriesThatWereWaitingForTheirBackoff() throws Exception {
        honeycomb.thenAnswer(Behaviour.status(503), 1);
        HoneycombDestination d = destination("batch_timeout: 1ms\nbatch_max_spans: 1000\n"
                + "retry_initial_backoff: 1h\nretry_max_backoff: 1h\nretry_jitter: 0\nretry_max_elapsed: 2h\n");
        d.accept(traces(Otlp.validRequest(2)));
        await().atMost(WAIT).until(() -> metric("otlp_relay_exporter_retries_total", "exporter", "honeycomb") == 1);
        HoneycombDestination open = destination("batch_timeout: 1h\n");
        open.accept(traces(Otlp.validRequest(3)));

        assertThat(d.drain(WAIT)).isZero();
        assertThat(open.drain(WAIT)).isZero();
        assertThat(metric("otlp_relay_exporter_sent_spans_total", "exporter", "honeycomb")).isEqualTo(5);
        assertThat(honeycomb.spanCount()).isEqualTo(5);
    }

    @Test
    void duringADrainAFailedBatchIsTriedAgainWithoutCountingRetries() throws Exception {
        honeycomb.thenAnswer(Behaviour.status(503), 2);
        HoneycombDestination d = destination("batch_timeout: 1h\nretry_max_elapsed: 0\n");
        d.accept(traces(Otlp.validRequest(2)));

        assertThat(d.drain(WAIT)).isZero();
        assertThat(honeycomb.attempts()).isEqualTo(3);
        assertThat(metric("otlp_relay_exporter_retries_total", "exporter", "honeycomb")).isZero();
        assertThat(metric("otlp_relay_exporter_sent_spans_total", "exporter", "honeycomb")).isEqualTo(2);
    }

    @Test
    void whatADrainCannotDeliverIsDroppedAsShutdownInItsOwnUnit() throws Exception {
        honeycomb.answer(Behaviour.hang());
        HoneycombDestination d = destination("batch_timeout: 1h\n");
        d.accept(traces(Otlp.validRequest(3)));
        d.accept(metricsBatch(7));
        d.accept(logsBatch(4));

        assertThat(d.drain(Duration.ofMillis(300))).isEqualTo(3);
        assertThat(dropped("shutdown")).isEqualTo(3);
        assertThat(metric("otlp_relay_dropped_data_points_total", "exporter", "honeycomb", "reason", "shutdown"))
                .isEqualTo(7);
        assertThat(metric("otlp_relay_dropped_log_records_total", "exporter", "honeycomb", "reason", "shutdown"))
                .isEqualTo(4);
        assertThat(d.queuedBytes()).isZero();
        assertThat(d.queuedSpans()).isZero();
    }

    @Test
    void aSecondDrainFindsNothingLeft() throws Exception {
        honeycomb.answer(Behaviour.hang());
        HoneycombDestination d = destination("batch_timeout: 1h\n");
        d.accept(traces(Otlp.validRequest(3)));
        assertThat(d.drain(Duration.ofMillis(100))).isEqualTo(3);
        assertThat(d.drain(Duration.ofMillis(100))).isZero();
        assertThat(dropped("shutdown")).isEqualTo(3);
    }

    @Test
    void aClassicKeyWithoutADatasetIsWarnedAboutAtStartWithOnlyItsFingerprint() throws Exception {
        String classic = "0123456789abcdef0123456789abcdef";
        destination("batch_timeout: 1h\n", Map.of("HONEYCOMB_API_KEY", classic, "HONEYCOMB_API_ENDPOINT",
                honeycomb.url()));
        destination("batch_timeout: 1h\n", Map.of("HONEYCOMB_API_KEY", classic, "HONEYCOMB_DATASET", "flask",
                "HONEYCOMB_API_ENDPOINT", honeycomb.url()));
        destination("batch_timeout: 1h\n");

        assertThat(logged).filteredOn(line -> line.contains("is a Classic key but HONEYCOMB_DATASET is not set"))
                .singleElement().satisfies(line -> assertThat(line).doesNotContain(classic));
    }

    // ---- with the spool --------------------------------------------------------------------------------------

    private String spoolKeys(String more) {
        return "batch_timeout: 1h\nspool:\n  dir: " + dir.resolve("spool") + "\n  fsync: never\n" + more;
    }

    private double spool(String name) {
        return metric("otlp_relay_spool_" + name, "exporter", "honeycomb");
    }

    @Test
    void aSpooledBatchIsAnsweredTrueOnceDurableAndItsSeriesExistFromTheStart() throws Exception {
        // Honeycomb never answers: durable must come from the spool alone, and no send can settle a record
        // and shrink the count under the assertion (it did when Honeycomb answered at once).
        honeycomb.answer(Behaviour.hang());
        HoneycombDestination d = destination(spoolKeys(""));
        String scrape = metrics.scrape();
        assertThat(scrape).contains("otlp_relay_spool_append_failures_total{exporter=\"honeycomb\",reason=\"full\"} 0.0")
                .contains("otlp_relay_spool_append_failures_total{exporter=\"honeycomb\",reason=\"io_error\"} 0.0")
                .contains("otlp_relay_spool_replayed_records_total{exporter=\"honeycomb\"} 0.0")
                .contains("otlp_relay_exporter_spooled_at_shutdown_spans_total{exporter=\"honeycomb\"} 0.0");

        assertThat(d.accept(traces(Otlp.validRequest(2))).durable().get()).isTrue();
        assertThat(d.accept(metricsBatch(3)).durable().get()).isTrue();
        assertThat(spool("pending_records")).isEqualTo(2);
        assertThat(spool("disk_bytes")).isPositive();
    }

    @Test
    void whatADrainLeavesInTheSpoolIsCountedSpooledNotDroppedAndReplayedByTheNextStart() throws Exception {
        honeycomb.answer(Behaviour.hang());
        HoneycombDestination first = destination(spoolKeys(""));
        first.accept(traces(Otlp.validRequest(3))).durable().get();
        first.accept(metricsBatch(4)).durable().get();

        assertThat(first.drain(Duration.ofMillis(200))).as("not lost: spooled").isZero();
        first.close();
        assertThat(metric("otlp_relay_exporter_spooled_at_shutdown_spans_total", "exporter", "honeycomb"))
                .isEqualTo(3);
        assertThat(dropped("shutdown")).isZero();
        assertThat(metric("otlp_relay_dropped_data_points_total", "exporter", "honeycomb", "reason", "shutdown"))
                .isZero();
        warned("3 spans not yet delivered to Honeycomb stay in the spool");

        honeycomb.releaseHangs(Behaviour.ok());
        honeycomb.answer(Behaviour.ok());
        honeycomb.reset();
        honeycomb.acceptKeys(KEY);
        metrics.close();
        metrics = new RelayMetrics();
        HoneycombDestination second = destination(spoolKeys("").replace("batch_timeout: 1h", "batch_timeout: 1ms"));
        await().atMost(WAIT).until(() -> spool("pending_records") == 0);
        assertThat(spool("replayed_records_total")).isEqualTo(2);
        assertThat(metric("otlp_relay_exporter_enqueued_spans_total", "exporter", "honeycomb")).isEqualTo(3);
        assertThat(metric("otlp_relay_exporter_sent_spans_total", "exporter", "honeycomb")).isEqualTo(3);
        assertThat(honeycomb.requests()).extracting(FakeHoneycomb.Received::path)
                .containsExactlyInAnyOrder("/v1/traces", "/v1/metrics");
        warned("spool: replayed 2 records (3 spans) left by an earlier run");
        assertThat(second.queuedBytes()).isZero();
    }

    @Test
    void replayNeverHoldsMoreThanTheQueueCapacityInMemory() throws Exception {
        PassthroughBatch big = metricsBatch(80_000);
        long capacity = 1024 * 1024;
        assertThat(big.sizeBytes()).as("two records overfill the queue").isGreaterThan(capacity / 2)
                .isLessThan(capacity);
        honeycomb.answer(Behaviour.hang());
        HoneycombDestination first = destination(spoolKeys("").replace("batch_timeout: 1h\n",
                "batch_timeout: 1h\nqueue_bytes: 64MiB\n"));
        for (int i = 0; i < 4; i++) {
            assertThat(first.accept(big).durable().get()).isTrue();
        }
        first.drain(Duration.ofMillis(100));
        first.close();

        metrics.close();
        metrics = new RelayMetrics();
        HoneycombDestination second = destination(spoolKeys("").replace("batch_timeout: 1h\n",
                "batch_timeout: 1h\nqueue_bytes: " + capacity + "\n"));
        // The replay waits for room (Honeycomb never answers, so none comes) or, were it unbounded, ends.
        await().atMost(WAIT).until(() -> replayer().map(t -> t.getState() == Thread.State.WAITING).orElse(true));
        assertThat(second.queuedBytes()).as("one record in memory, the rest still on disk").isEqualTo(big.sizeBytes());
        assertThat(spool("pending_records")).isEqualTo(4);
    }

    private static java.util.Optional<Thread> replayer() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals("honeycomb-replay"))
                .findFirst();
    }

    @Test
    void aReplayedRecordWithNoKeyToSendItIsDroppedAsNoApiKeyAndLeavesTheSpool() throws Exception {
        honeycomb.answer(Behaviour.hang());
        HoneycombDestination first = destination(spoolKeys(""));
        first.accept(traces(Otlp.validRequest(3))).durable().get();
        first.accept(logsBatch(5)).durable().get();
        first.drain(Duration.ofMillis(100));
        first.close();
        metrics.close();
        metrics = new RelayMetrics();

        destination(spoolKeys(""), Map.of("HONEYCOMB_API_ENDPOINT", honeycomb.url()));

        await().atMost(WAIT).until(() -> spool("pending_records") == 0);
        assertThat(dropped("no_api_key")).isEqualTo(3);
        assertThat(metric("otlp_relay_exporter_enqueued_spans_total", "exporter", "honeycomb")).isEqualTo(3);
        assertThat(metric("otlp_relay_dropped_log_records_total", "exporter", "honeycomb", "reason", "no_api_key"))
                .isEqualTo(5);
    }

    @Test
    void theSpoolHasRoomForABatchOnlyWithinMaxBytesLessARecordsOverhead() throws Exception {
        long max = 16L * 1024 * 1024;
        HoneycombDestination d = destination(spoolKeys("  max_bytes: " + max + "\n  segment_bytes: 4MiB\n")
                .replace("batch_timeout: 1h\n", "batch_timeout: 1h\nqueue_bytes: 64MiB\n"));
        long disk = (long) spool("disk_bytes");
        long room = max - disk - 1024;
        assertThat(d.hasRoomFor(ofSize(room))).isTrue();
        assertThat(d.hasRoomFor(ofSize(room + 1))).isFalse();
    }
}
