package dev.otlprelay.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporter;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The jar as a newcomer runs it: no Honeycomb key, it starts, says what it is doing, prints the spans an SDK
 * sends through the debug exporter, answers its health endpoints and the {@code healthcheck} word, and stops
 * cleanly (exit 0) on SIGTERM.
 */
class SidecarIT {
    @Test
    void startsWithoutAHoneycombKeyShowsSpansAndStopsCleanlyOnSigterm() throws Exception {
        int httpPort = RelayProcess.freePort();
        int grpcPort = RelayProcess.freePort();
        int adminPort = RelayProcess.freePort();
        Map<String, String> env = Map.of(
                "RELAY_HTTP_ADDRESS", "127.0.0.1:" + httpPort,
                "RELAY_GRPC_ADDRESS", "127.0.0.1:" + grpcPort,
                "RELAY_ADMIN_ADDRESS", "127.0.0.1:" + adminPort);
        try (RelayProcess relay = RelayProcess.start(env)) {
            await().atMost(Duration.ofSeconds(30)).until(() -> relay.allOutput().contains("otlp-relay listening"));
            assertThat(relay.allOutput()).contains("Honeycomb export is off: HONEYCOMB_API_KEY is not set")
                    .contains("debug exporter is on");

            for (var exporter : new io.opentelemetry.sdk.trace.export.SpanExporter[] {
                    OtlpHttpSpanExporter.builder().setEndpoint("http://127.0.0.1:" + httpPort + "/v1/traces").build(),
                    OtlpGrpcSpanExporter.builder().setEndpoint("http://127.0.0.1:" + grpcPort).build()}) {
                SdkTracerProvider provider = SdkTracerProvider.builder()
                        .setResource(Resource.create(Attributes.of(AttributeKey.stringKey("service.name"),
                                "backend-flask")))
                        .addSpanProcessor(SimpleSpanProcessor.create(exporter)).build();
                provider.get("it").spanBuilder("GET /api/activities/home").startSpan().end();
                provider.forceFlush().join(10, TimeUnit.SECONDS);
                provider.shutdown().join(10, TimeUnit.SECONDS);
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> relay.stdout.stream()
                    .filter(l -> l.contains("debug: service=backend-flask spans=1 names=[GET /api/activities/home]"))
                    .count() == 2);

            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> ready = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort
                    + "/readyz")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(ready.statusCode()).isEqualTo(200);
            HttpResponse<String> metrics = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                    + adminPort + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(metrics.body()).contains("otlp_relay_receiver_accepted_spans_total{transport=\"http\"} 1.0")
                    .contains("otlp_relay_receiver_accepted_spans_total{transport=\"grpc\"} 1.0");

            try (RelayProcess check = RelayProcess.start(env, "healthcheck")) {
                assertThat(check.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
                assertThat(check.process.exitValue()).isZero();
            }

            assertThat(relay.terminate(Duration.ofSeconds(30))).isZero();
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(relay.allOutput())
                    .contains("stopped: every accepted span"));
        }
    }

    @Test
    void refusesToStartOnABadAddressWithAPreciseMessage() throws Exception {
        try (RelayProcess relay = RelayProcess.start(Map.of("RELAY_HTTP_ADDRESS", "0.0.0.0:70000"))) {
            assertThat(relay.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(relay.process.exitValue()).isEqualTo(2);
            await().atMost(Duration.ofSeconds(5)).until(() -> relay.allOutput().contains("RELAY_HTTP_ADDRESS"));
            assertThat(relay.allOutput()).contains("RELAY_HTTP_ADDRESS: \"0.0.0.0:70000\" (expected: host:port");
        }
    }
}
