package dev.otlprelay.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.otlprelay.support.FakeHoneycomb;
import dev.otlprelay.support.TestRelay;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
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
            Ports first = Ports.free();
            try (RelayProcess relay = RelayProcess.start(first.env(env), "run", "--config", config.toString())) {
                await().atMost(Duration.ofSeconds(30)).until(() -> relay.allOutput().contains("otlp-relay listening"));
                AtomicBoolean sending = new AtomicBoolean(true);
                Thread sender = new Thread(() -> sendUntilStopped(first.httpPort, acknowledged, sending));
                sender.start();
                await().atMost(Duration.ofSeconds(60)).until(() -> acknowledged.size() >= 2_000);
                assertThat(honeycomb.attempts()).as("Honeycomb was tried and refused").isPositive();
                relay.process.destroyForcibly(); // SIGKILL: no shutdown hook, no drain
                assertThat(relay.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
                sending.set(false);
                sender.join(30_000);
            }
            assertThat(honeycomb.spans()).as("nothing got through during the outage").isEmpty();

            honeycomb.answer(FakeHoneycomb.Behaviour.ok());
            Ports second = Ports.free();
            try (RelayProcess relay = RelayProcess.start(second.env(env), "run", "--config", config.toString())) {
                await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(spanIds(honeycomb.spans()))
                        .containsAll(acknowledged));
                assertThat(relay.allOutput()).contains("spool: replayed");
                assertThat(relay.allOutput()).doesNotContain(KEY);
                String metrics = scrape(second.adminPort);
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

    /** Exports batches of 50 spans, one at a time, recording the ids of every batch the relay acknowledged. */
    private static void sendUntilStopped(int httpPort, Set<String> acknowledged, AtomicBoolean sending) {
        List<SpanData> ended = new ArrayList<>();
        SdkTracerProvider provider = SdkTracerProvider.builder()
                .setResource(Resource.create(Attributes.of(AttributeKey.stringKey("service.name"), "backend-flask")))
                .addSpanProcessor(new Collecting(ended)).build();
        Tracer tracer = provider.get("spool-it");
        OtlpHttpSpanExporter exporter = OtlpHttpSpanExporter.builder()
                .setEndpoint("http://127.0.0.1:" + httpPort + "/v1/traces")
                .setTimeout(Duration.ofSeconds(5)).build();
        try {
            while (sending.get()) {
                ended.clear();
                for (int i = 0; i < 50; i++) {
                    tracer.spanBuilder("GET /api/activities/home").startSpan().end();
                }
                List<SpanData> batch = List.copyOf(ended);
                CompletableResultCode result = exporter.export(batch).join(10, TimeUnit.SECONDS);
                if (result.isSuccess()) {
                    for (SpanData s : batch) {
                        acknowledged.add(s.getSpanId());
                    }
                }
            }
        } finally {
            exporter.shutdown().join(5, TimeUnit.SECONDS);
            provider.shutdown().join(5, TimeUnit.SECONDS);
        }
    }

    private static Set<String> spanIds(List<Span> spans) {
        Set<String> ids = new HashSet<>();
        for (Span s : spans) {
            ids.add(HexFormat.of().formatHex(s.getSpanId().toByteArray()));
        }
        return ids;
    }

    private static String scrape(int adminPort) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort
                + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    private record Ports(int httpPort, int grpcPort, int adminPort) {
        static Ports free() throws Exception {
            return new Ports(RelayProcess.freePort(), RelayProcess.freePort(), RelayProcess.freePort());
        }

        Map<String, String> env(Map<String, String> base) {
            Map<String, String> env = new java.util.HashMap<>(base);
            env.put("RELAY_HTTP_ADDRESS", "127.0.0.1:" + httpPort);
            env.put("RELAY_GRPC_ADDRESS", "127.0.0.1:" + grpcPort);
            env.put("RELAY_ADMIN_ADDRESS", "127.0.0.1:" + adminPort);
            return env;
        }
    }

    /** Hands every ended span to the test, which exports them itself so that it sees each export's result. */
    private record Collecting(List<SpanData> ended) implements SpanProcessor {
        @Override
        public void onStart(Context parentContext, ReadWriteSpan span) {
        }

        @Override
        public boolean isStartRequired() {
            return false;
        }

        @Override
        public void onEnd(ReadableSpan span) {
            ended.add(span.toSpanData());
        }

        @Override
        public boolean isEndRequired() {
            return true;
        }
    }
}
