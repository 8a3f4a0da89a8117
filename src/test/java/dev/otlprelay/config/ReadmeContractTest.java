package dev.otlprelay.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.otlprelay.support.FakeHoneycomb;
import dev.otlprelay.support.Http;
import dev.otlprelay.support.Otlp;
import dev.otlprelay.support.TestRelay;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's tables are a contract users copy into compose files and dashboards: its environment table names
 * exactly the variables the relay reads, and its metric tables name exactly the relay's own metric families, as a
 * running relay with every destination on exposes them.
 */
class ReadmeContractTest {
    private static final Path README = Path.of("README.md");
    /** A table row whose first cell is a variable: {@code | `RELAY_...` |}. */
    private static final Pattern ENV_ROW = Pattern.compile("(?m)^\\| `([A-Z][A-Z0-9_]+)` \\|");
    /** The metric names in the first cell of a table row. */
    private static final Pattern METRIC_ROW = Pattern.compile("(?m)^\\| (`otlp_relay_[^|]+)\\|");
    private static final Pattern METRIC = Pattern.compile("otlp_relay_[a-z_]+");
    private static final Pattern FAMILY = Pattern.compile("(?m)^# TYPE (otlp_relay_[a-z_]+) ");

    @Test
    void theEnvironmentTableNamesExactlyTheVariablesTheRelayReads() throws Exception {
        Set<String> documented = new TreeSet<>();
        Matcher m = ENV_ROW.matcher(Files.readString(README));
        while (m.find()) {
            documented.add(m.group(1));
        }
        assertThat(documented).isEqualTo(new TreeSet<>(Schema.ENV_VARS));
    }

    @Test
    void helpNamesEveryVariableTheRelayReads() {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        java.io.PrintStream print = new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8);
        new dev.otlprelay.cli.Commands(Map.of(), print, print).execute(new String[] {"--help"}, () -> { });
        assertThat(out.toString(java.nio.charset.StandardCharsets.UTF_8)).contains(Schema.ENV_VARS);
    }

    @Test
    void theMetricTablesNameExactlyTheMetricsARunningRelayExposes(@TempDir Path dir) throws Exception {
        Set<String> documented = new TreeSet<>();
        Matcher row = METRIC_ROW.matcher(Files.readString(README));
        while (row.find()) {
            Matcher name = METRIC.matcher(row.group(1));
            while (name.find()) {
                documented.add(name.group());
            }
        }
        Path rules = Files.writeString(dir.resolve("rules.json"), """
                {"version": 2, "default": {"fixed_target": 1, "rate": 1.0}, "rules": []}
                """);
        Set<String> exposed = new TreeSet<>();
        try (FakeHoneycomb honeycomb = FakeHoneycomb.start();
             DatagramSocket daemon = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
             TestRelay relay = new TestRelay(Map.of("HONEYCOMB_API_KEY", "hcaik_readme",
                     "HONEYCOMB_API_ENDPOINT", honeycomb.url(), "RELAY_SPOOL_DIR", dir.resolve("spool").toString(),
                     "AWS_XRAY_DAEMON_ADDRESS", "127.0.0.1:" + daemon.getLocalPort(),
                     "RELAY_SAMPLING_RULES", rules.toString()))) {
            // Meters with labels exist once something happened to them: a good request, a bad one, one with a bad
            // id, and a Honeycomb refusal that is retried.
            honeycomb.acceptKeys("hcaik_readme").thenAnswer(FakeHoneycomb.Behaviour.status(503), 1);
            Http.post(relay.httpUrl() + "/v1/traces", "application/x-protobuf", null,
                    Otlp.validRequest(2).toByteArray());
            Http.post(relay.httpUrl() + "/v1/traces", "application/x-protobuf", null, new byte[] {(byte) 0xff, 1});
            Http.post(relay.httpUrl() + "/v1/traces", "application/x-protobuf", null, Otlp.request("backend-flask",
                    Otlp.span("GET /", "5759e988bd862e3fe1be46a994272793", "00")).toByteArray());
            await().atMost(Duration.ofSeconds(30)).until(() -> relay.metric(
                    "otlp_relay_exporter_sent_spans_total", "exporter", "honeycomb") == 2);
            // Then forwarded metrics and logs that Honeycomb refuses, counted in their own units.
            honeycomb.thenAnswer(FakeHoneycomb.Behaviour.status(400), 2);
            Http.post(relay.httpUrl() + "/v1/metrics", "application/json", null, ("{\"resourceMetrics\":[{"
                    + "\"scopeMetrics\":[{\"metrics\":[{\"name\":\"m\",\"gauge\":{\"dataPoints\":[{\"asInt\":\"1\"}]}}]}]}]}")
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8));
            Http.post(relay.httpUrl() + "/v1/logs", "application/json", null, ("{\"resourceLogs\":[{\"scopeLogs\":[{"
                    + "\"logRecords\":[{\"severityText\":\"INFO\"}]}]}]}").getBytes(java.nio.charset.StandardCharsets.UTF_8));
            await().atMost(Duration.ofSeconds(30)).until(() -> relay.metric("otlp_relay_dropped_data_points_total",
                    "exporter", "honeycomb") == 1 && relay.metric("otlp_relay_dropped_log_records_total", "exporter",
                    "honeycomb") == 1);
            Matcher family = FAMILY.matcher(relay.admin("/metrics").body());
            while (family.find()) {
                exposed.add(family.group(1));
            }
        }
        // Prometheus names a counter's family without _total in # TYPE; the README names the series. A histogram
        // comes with its _max gauge (Micrometer), part of the histogram the README names.
        Set<String> series = new TreeSet<>();
        for (String f : exposed) {
            if (f.endsWith("_max") && documented.contains(f.substring(0, f.length() - 4))) {
                continue;
            }
            series.add(documented.contains(f + "_total") ? f + "_total" : f);
        }
        assertThat(documented).as("documented in the README's metric tables").isEqualTo(series);
    }
}
