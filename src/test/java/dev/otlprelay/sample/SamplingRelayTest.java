package dev.otlprelay.sample;

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
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sampling in the relay as users run it: the OpenTelemetry SDK sends every span in its own request, children
 * before their root; the relay applies the seeds' X-Ray rules and forwards whole traces only, stamped with their
 * weight; X-Ray can have its own rules; the rules file is reloaded without a restart; the admin endpoint
 * explains.
 */
class SamplingRelayTest {
    static final String KEY = "hcaik_01samplingsamplingsamplingsamplingsamplingsamplingsampl";
    /** The seeds' xray.json, as users have it. */
    static final String SEEDS_RULES = seedsRules();
    static final String DROP_ALL = "{\"SamplingRule\": {\"RuleName\": \"Default\", \"FixedRate\": 0, \"ReservoirSize\": 0}}";
    static final String KEEP_ALL = "{\"SamplingRule\": {\"RuleName\": \"Default\", \"FixedRate\": 1, \"ReservoirSize\": 0}}";

    @TempDir
    Path dir;

    private static String seedsRules() {
        try {
            return Files.readString(Path.of("src/test/resources/sampling/xray.json"));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
    FakeHoneycomb honeycomb;
    DatagramSocket daemon;
    TestRelay relay;

    @BeforeEach
    void start() throws Exception {
        honeycomb = FakeHoneycomb.start().acceptKeys(KEY);
        daemon = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        daemon.setReceiveBufferSize(4 << 20);
        daemon.setSoTimeout(300);
    }

    @AfterEach
    void stop() {
        if (relay != null && System.getenv("DUMP") != null) {
            relay.admin("/metrics").body().lines().filter(l -> l.startsWith("otlp_relay_") && !l.endsWith(" 0.0"))
                    .forEach(System.out::println);
        }
        if (relay != null) {
            relay.close();
        }
        honeycomb.close();
        daemon.close();
    }

    private TestRelay relay(String rules, String extraSamplingYaml) throws Exception {
        Path rulesFile = dir.resolve("xray.json");
        Files.writeString(rulesFile, rules);
        Path yaml = dir.resolve("relay.yaml");
        Files.writeString(yaml, """
                honeycomb:
                  batch_timeout: 50ms
                sampling:
                  decision_wait: 200ms
                  reload_interval: 100ms
                """ + extraSamplingYaml);
        Map<String, String> env = new HashMap<>(Map.of("HONEYCOMB_API_KEY", KEY,
                "HONEYCOMB_API_ENDPOINT", honeycomb.url(), "RELAY_CONFIG", yaml.toString(),
                "RELAY_SAMPLING_RULES", rulesFile.toString(),
                "AWS_XRAY_DAEMON_ADDRESS", "127.0.0.1:" + daemon.getLocalPort()));
        relay = new TestRelay(env);
        return relay;
    }

    /** Traces of a root SERVER span and {@code children} children. */
    private void sendTraces(String service, int traces, int children, boolean childError) {
        SdkTracerProvider provider = SdkTracerProvider.builder()
                .setResource(Resource.create(Attributes.of(AttributeKey.stringKey("service.name"), service)))
                // One span per request, one request at a time (the SDK's own HTTP client refuses more than five
                // concurrent exports): children leave before their root, in separate requests.
                .addSpanProcessor(BatchSpanProcessor.builder(OtlpHttpSpanExporter.builder()
                        .setEndpoint(relay.httpUrl() + "/v1/traces").build()).setMaxExportBatchSize(1)
                        .setMaxQueueSize(10_000).setScheduleDelay(Duration.ofMillis(1)).build())
                .build();
        Tracer tracer = provider.get("sampling-test");
        for (int t = 0; t < traces; t++) {
            Span root = tracer.spanBuilder("GET /api/activities/home").setSpanKind(SpanKind.SERVER)
                    .setAttribute("http.request.method", "GET").setAttribute("url.path", "/api/activities/home")
                    .startSpan();
            try (Scope ignored = root.makeCurrent()) {
                for (int c = 0; c < children; c++) {
                    Span child = tracer.spanBuilder("HomeActivities.run").startSpan();
                    if (childError && c == 0) {
                        child.setStatus(StatusCode.ERROR);
                    }
                    child.end();
                }
            }
            root.end();
        }
        provider.forceFlush().join(30, TimeUnit.SECONDS);
        provider.shutdown().join(30, TimeUnit.SECONDS);
    }

    private Map<String, List<io.opentelemetry.proto.trace.v1.Span>> honeycombTraces() {
        return honeycomb.spans().stream().collect(Collectors.groupingBy(
                s -> HexFormat.of().formatHex(s.getTraceId().toByteArray())));
    }

    private static String attribute(io.opentelemetry.proto.trace.v1.Span span, String key) {
        for (KeyValue kv : span.getAttributesList()) {
            if (kv.getKey().equals(key)) {
                var v = kv.getValue();
                return v.hasIntValue() ? Long.toString(v.getIntValue()) : v.getStringValue();
            }
        }
        return null;
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The datagrams the daemon stand-in received, each as the number of spans its document holds. */
    private List<Integer> datagrams() throws Exception {
        List<Integer> spans = new ArrayList<>();
        while (true) {
            DatagramPacket packet = new DatagramPacket(new byte[65_536], 65_536);
            try {
                daemon.receive(packet);
            } catch (SocketTimeoutException e) {
                return spans;
            }
            String text = new String(packet.getData(), 0, packet.getLength(), StandardCharsets.UTF_8);
            spans.add(spansIn(JSON.readTree(text.substring(text.indexOf('\n') + 1))));
        }
    }

    private static int spansIn(JsonNode doc) {
        int n = 1;
        for (JsonNode sub : doc.path("subsegments")) {
            n += spansIn(sub);
        }
        return n;
    }

    @Test
    void theSeedsRulesKeepWholeWeightedTracesAndOtherServicesFallToTheDefault() throws Exception {
        relay(SEEDS_RULES, "");
        sendTraces("backend-flask", 40, 3, false);
        sendTraces("frontend-react-js", 3, 1, false);
        await().atMost(Duration.ofSeconds(30)).until(() ->
                relay.metric("otlp_relay_sampler_live_traces") == 0
                        && relay.metric("otlp_relay_exporter_queue_spans", "exporter", "honeycomb") == 0);

        Map<String, List<io.opentelemetry.proto.trace.v1.Span>> traces = honeycombTraces();
        assertThat(traces).as("the reservoir (5/s) keeps some traces").isNotEmpty();
        long weightSum = 0;
        for (var trace : traces.values()) {
            assertThat(trace.size()).as("no partial trace is forwarded").isIn(2, 4);
            var root = trace.stream().filter(s -> s.getParentSpanId().isEmpty()).findFirst().orElseThrow();
            String service = trace.size() == 4 ? "backend-flask" : "frontend-react-js";
            assertThat(trace).allSatisfy(s -> {
                assertThat(attribute(s, "sampling.rule")).isEqualTo(service.equals("backend-flask") ? "Cruddur"
                        : "Default");
                assertThat(attribute(s, "SampleRate")).isEqualTo(attribute(root, "SampleRate"));
            });
            weightSum += Long.parseLong(attribute(root, "SampleRate"));
        }
        double kept = relay.metric("otlp_relay_sampler_traces_total", "rule", "Cruddur", "decision", "kept",
                "destination", "honeycomb");
        double dropped = relay.metric("otlp_relay_sampler_traces_total", "rule", "Cruddur", "decision", "dropped",
                "destination", "honeycomb");
        assertThat(kept + dropped).as("every backend-flask trace matched the seeds' rule").isEqualTo(40);
        assertThat(traces.values().stream().filter(t -> t.size() == 4).count()).isEqualTo((long) kept);
        for (var trace : traces.values()) {
            String reason = attribute(trace.get(0), "sampling.reason");
            String weight = attribute(trace.get(0), "SampleRate");
            // Reservoir traces stand for themselves; rate traces for 1/0.1 = 10 (1/0.05 = 20 for the Default).
            assertThat(reason).isIn("reservoir", "fixed_rate");
            if (reason.equals("fixed_rate")) {
                assertThat(weight).isIn("10", "20");
            }
        }
        assertThat(traces.values().stream().filter(t -> t.size() == 2).count())
                .as("frontend traces within the Default rule's 1/s reservoir + 5 %").isPositive();
        assertThat(weightSum).as("weights estimate the traces seen").isPositive();
        assertThat(relay.metric("otlp_relay_sampler_traces_total", "rule", "Cruddur", "decision", "kept",
                "destination", "honeycomb")).isPositive();

        // X-Ray shares the decision: the same traces, each handed on whole, so one document per trace with its
        // children nested in the root's segment.
        int spansKept = traces.values().stream().mapToInt(List::size).sum();
        await().atMost(Duration.ofSeconds(10)).until(() ->
                relay.metric("otlp_relay_exporter_queue_spans", "exporter", "xray") == 0);
        List<Integer> datagrams = datagrams();
        assertThat(datagrams.stream().mapToInt(Integer::intValue).sum()).isEqualTo(spansKept);
        assertThat(datagrams).hasSize(traces.size());
    }

    @Test
    void aTraceWithAnErrorOnAChildIsKeptWhenRulesWouldDropIt() throws Exception {
        relay(DROP_ALL, """
                  conditions:
                    - name: errors
                      action: keep
                      error: true
                """);
        sendTraces("backend-flask", 5, 2, false);
        sendTraces("backend-flask", 2, 2, true);
        await().atMost(Duration.ofSeconds(30)).until(() -> relay.metric("otlp_relay_sampler_live_traces") == 0
                && honeycomb.spans().size() == 6);
        assertThat(honeycombTraces()).hasSize(2).allSatisfy((id, spans) -> assertThat(spans)
                .allSatisfy(s -> assertThat(attribute(s, "sampling.rule")).isEqualTo("errors")));
        assertThat(relay.metric("otlp_relay_exporter_sampled_out_spans_total", "exporter", "honeycomb"))
                .isEqualTo(15);
    }

    @Test
    void aTraceSampledOutForXrayProducesNoDatagramWhileHoneycombKeepsIt() throws Exception {
        Path xrayRules = Files.writeString(dir.resolve("xray-only.json"), DROP_ALL);
        relay(KEEP_ALL, "  xray:\n    rules_file: " + xrayRules + "\n");
        sendTraces("backend-flask", 5, 1, false);
        await().atMost(Duration.ofSeconds(30)).until(() -> honeycomb.spans().size() == 10);
        await().atMost(Duration.ofSeconds(10)).until(() ->
                relay.metric("otlp_relay_exporter_queue_spans", "exporter", "xray") == 0);
        assertThat(datagrams()).isEmpty();
        assertThat(relay.metric("otlp_relay_exporter_sampled_out_spans_total", "exporter", "xray")).isEqualTo(10);
    }

    @Test
    void aChangedRulesFileTakesEffectWithoutRestartAndABrokenOneIsRefused() throws Exception {
        relay(DROP_ALL, "");
        sendTraces("backend-flask", 3, 1, false);
        await().atMost(Duration.ofSeconds(30)).until(() ->
                relay.metric("otlp_relay_exporter_sampled_out_spans_total", "exporter", "honeycomb") == 6);

        Files.writeString(dir.resolve("xray.json"), "{\"SamplingRule\": {\"RuleName\": \"Default\", \"FixedRate\": 7}}");
        await().atMost(Duration.ofSeconds(10)).until(() ->
                relay.metric("otlp_relay_sampler_rule_reloads_total", "result", "refused") == 1);
        sendTraces("backend-flask", 2, 1, false);
        await().atMost(Duration.ofSeconds(30)).until(() ->
                relay.metric("otlp_relay_exporter_sampled_out_spans_total", "exporter", "honeycomb") == 10);

        Files.writeString(dir.resolve("xray.json"), KEEP_ALL);
        await().atMost(Duration.ofSeconds(10)).until(() ->
                relay.metric("otlp_relay_sampler_rule_reloads_total", "result", "reloaded") == 1);
        sendTraces("backend-flask", 2, 1, false);
        await().atMost(Duration.ofSeconds(30)).until(() -> honeycomb.spans().size() == 4);
    }

    @Test
    void theAdminEndpointShowsTheRulesAndExplainsATrace() throws Exception {
        relay(SEEDS_RULES, "");
        String rules = relay.admin("/debug/sampling").body();
        assertThat(rules).contains("\"Cruddur\"").contains("\"Default\"").contains("\"honeycomb\"")
                .contains("\"xray\"");
        String request = """
                {"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"backend-flask"}}]},
                 "scopeSpans":[{"spans":[{"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174",
                 "name":"GET /api/activities/home","kind":2,"startTimeUnixNano":"1","endTimeUnixNano":"2",
                 "attributes":[{"key":"http.method","value":{"stringValue":"GET"}},
                               {"key":"http.target","value":{"stringValue":"/api/activities/home?x=1"}}]}]}]}]}
                """;
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                        "http://127.0.0.1:" + relay.relay.adminPort() + "/debug/sampling/explain"))
                .POST(HttpRequest.BodyPublishers.ofString(request)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("5b8efff798038103d269b633813fc60c").contains("\"rule\" : \"Cruddur\"")
                .contains("\"url_path\" : \"/api/activities/home\"").contains("\"http_method\" : \"GET\"")
                .contains("\"weight\"");
        assertThat(relay.metric("otlp_relay_sampler_traces_total", "rule", "Cruddur", "decision", "kept",
                "destination", "honeycomb")).as("explaining counts nothing").isZero();

        var bad = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                        "http://127.0.0.1:" + relay.relay.adminPort() + "/debug/sampling/explain"))
                .POST(HttpRequest.BodyPublishers.ofString("{nope")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(bad.statusCode()).isEqualTo(400);
    }
}
