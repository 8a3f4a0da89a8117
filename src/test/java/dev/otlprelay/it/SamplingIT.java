package dev.otlprelay.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.otlprelay.support.FakeHoneycomb;
import dev.otlprelay.support.TestRelay;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporter;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The jar as the seeds' users would run it with their X-Ray rules: {@code RELAY_SAMPLING_RULES} pointing at the
 * shipped copy of their {@code xray.json}, an SDK exporting over gRPC, Honeycomb and an X-Ray daemon socket
 * beside it. Whole traces only, each span weighted, the same traces to both destinations.
 */
class SamplingIT {
    private static final String KEY = "itsamplingkey0123456789ABCDEFGHI";

    @Test
    void theSeedsRulesDecideWholeTracesForBothDestinations() throws Exception {
        try (FakeHoneycomb honeycomb = FakeHoneycomb.start().acceptKeys(KEY);
             DatagramSocket daemon = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            daemon.setReceiveBufferSize(4 << 20);
            daemon.setSoTimeout(500);
            int grpcPort = RelayProcess.freePort();
            int adminPort = RelayProcess.freePort();
            Map<String, String> env = Map.of(
                    "RELAY_HTTP_ADDRESS", "127.0.0.1:" + RelayProcess.freePort(),
                    "RELAY_GRPC_ADDRESS", "127.0.0.1:" + grpcPort,
                    "RELAY_ADMIN_ADDRESS", "127.0.0.1:" + adminPort,
                    "HONEYCOMB_API_KEY", KEY,
                    "HONEYCOMB_API_ENDPOINT", honeycomb.url(),
                    "AWS_XRAY_DAEMON_ADDRESS", "127.0.0.1:" + daemon.getLocalPort(),
                    "RELAY_SAMPLING_RULES", Path.of("config/sampling/xray.json").toAbsolutePath().toString());
            try (RelayProcess relay = RelayProcess.start(env)) {
                await().atMost(Duration.ofSeconds(30)).until(() -> relay.allOutput().contains("sampling is on"));
                assertThat(relay.allOutput()).as("the seeds' rules read only the root")
                        .contains("traces are decided as their root arrives");
                sendTraces(grpcPort, 30);
                await().atMost(Duration.ofSeconds(30)).until(() -> {
                    String m = scrape(adminPort);
                    return TestRelay.Scrape.value(m, "otlp_relay_sampler_accepted_spans_total") == 90
                            && TestRelay.Scrape.value(m, "otlp_relay_sampler_live_traces") == 0
                            && TestRelay.Scrape.value(m, "otlp_relay_exporter_queue_spans", "exporter", "honeycomb") == 0
                            && TestRelay.Scrape.value(m, "otlp_relay_exporter_queue_spans", "exporter", "xray") == 0;
                });
                Map<String, List<io.opentelemetry.proto.trace.v1.Span>> traces = honeycomb.spans().stream()
                        .collect(Collectors.groupingBy(s -> HexFormat.of().formatHex(s.getTraceId().toByteArray())));
                assertThat(traces).isNotEmpty();
                assertThat(traces.values()).allSatisfy(t -> {
                    assertThat(t).as("whole traces only").hasSize(3);
                    assertThat(t).allSatisfy(s -> {
                        assertThat(attribute(s, "sampling.rule")).isEqualTo("Cruddur");
                        assertThat(attribute(s, "SampleRate")).isNotNull();
                    });
                });
                int datagrams = 0;
                int xraySpans = 0;
                try {
                    while (true) {
                        DatagramPacket packet = new DatagramPacket(new byte[65_536], 65_536);
                        daemon.receive(packet);
                        String text = new String(packet.getData(), 0, packet.getLength(), StandardCharsets.UTF_8);
                        xraySpans += spansIn(new ObjectMapper().readTree(text.substring(text.indexOf('\n') + 1)));
                        datagrams++;
                    }
                } catch (SocketTimeoutException done) {
                    // nothing more
                }
                assertThat(xraySpans).as("X-Ray gets the same kept spans").isEqualTo(honeycomb.spans().size());
                assertThat(datagrams).as("each kept trace, handed on whole, is one document").isEqualTo(traces.size());
                assertThat(relay.terminate(Duration.ofSeconds(30))).isZero();
            }
        }
    }

    /** The document's head and every subsegment nested in it. */
    private static int spansIn(JsonNode doc) {
        int n = 1;
        for (JsonNode sub : doc.path("subsegments")) {
            n += spansIn(sub);
        }
        return n;
    }

    private static void sendTraces(int grpcPort, int traces) {
        SdkTracerProvider provider = SdkTracerProvider.builder()
                .setResource(Resource.create(Attributes.of(AttributeKey.stringKey("service.name"), "backend-flask")))
                .addSpanProcessor(BatchSpanProcessor.builder(OtlpGrpcSpanExporter.builder()
                        .setEndpoint("http://127.0.0.1:" + grpcPort).build()).setMaxExportBatchSize(2)
                        .setScheduleDelay(Duration.ofMillis(5)).build())
                .build();
        Tracer tracer = provider.get("sampling-it");
        for (int i = 0; i < traces; i++) {
            Span root = tracer.spanBuilder("GET /api/activities/home").setSpanKind(SpanKind.SERVER)
                    .setAttribute("http.method", "GET").setAttribute("http.target", "/api/activities/home").startSpan();
            try (Scope ignored = root.makeCurrent()) {
                tracer.spanBuilder("home-activities-mock-data").startSpan().setAttribute("app.result_length", 3L).end();
                tracer.spanBuilder("SELECT").setSpanKind(SpanKind.CLIENT).startSpan().end();
            }
            root.end();
        }
        provider.forceFlush().join(30, TimeUnit.SECONDS);
        provider.shutdown().join(30, TimeUnit.SECONDS);
    }

    private static String attribute(io.opentelemetry.proto.trace.v1.Span span, String key) {
        for (KeyValue kv : span.getAttributesList()) {
            if (kv.getKey().equals(key)) {
                return kv.getValue().hasIntValue() ? Long.toString(kv.getValue().getIntValue())
                        : kv.getValue().getStringValue();
            }
        }
        return null;
    }

    private static String scrape(int adminPort) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort
                + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
    }
}
