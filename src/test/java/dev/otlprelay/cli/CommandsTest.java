package dev.otlprelay.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.otlprelay.support.TestRelay;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command-line words as users type them: exit codes and what they print. */
class CommandsTest {
    @TempDir
    Path dir;
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(Map<String, String> env, String... args) {
        return new Commands(env, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8)).execute(args, () -> { });
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    private Path yaml(String text) throws Exception {
        Path f = dir.resolve("relay.yaml");
        Files.writeString(f, text);
        return f;
    }

    @Test
    void checkConfigPrintsTheEffectiveConfigurationWithTheKeyAsAFingerprint() throws Exception {
        String key = "hcaik_01abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqr";
        int code = run(Map.of("HONEYCOMB_API_KEY", key, "RELAY_HTTP_ADDRESS", "127.0.0.1:14318"), "check-config",
                "--config", yaml("admin:\n  address: 127.0.0.1:18888\n").toString());
        assertThat(code).isZero();
        assertThat(out()).contains("127.0.0.1:14318").contains("127.0.0.1:18888").contains("sha256:")
                .doesNotContain(key);
        assertThat(err()).doesNotContain(key);
    }

    @Test
    void checkConfigRefusesAnUnknownKeyWithASuggestionAndExit2() throws Exception {
        int code = run(Map.of(), "check-config", "--config", yaml("receiver:\n  http_adress: 0.0.0.0:4318\n")
                .toString());
        assertThat(code).isEqualTo(2);
        assertThat(err()).contains("receiver.http_adress: unknown key (did you mean receiver.http_address?)");
    }

    @Test
    void checkConfigValidatesTheSamplingRulesFileNamingTheRuleFieldAndRange() throws Exception {
        Path rules = dir.resolve("xray.json");
        Files.writeString(rules, "{\"SamplingRule\": {\"RuleName\": \"Cruddur\", \"ResourceARN\": \"*\", "
                + "\"Priority\": 9000, \"FixedRate\": 1.5, \"ReservoirSize\": 5, \"ServiceName\": \"backend-flask\", "
                + "\"ServiceType\": \"*\", \"Host\": \"*\", \"HTTPMethod\": \"*\", \"URLPath\": \"*\", \"Version\": 1}}");
        int code = run(Map.of("RELAY_SAMPLING_RULES", rules.toString()), "check-config");
        assertThat(code).isEqualTo(2);
        assertThat(err()).contains(rules + ": rule \"Cruddur\": FixedRate: 1.5 (expected: 0 to 1)");
    }

    @Test
    void checkConfigAcceptsTheSeedsRulesFile() throws Exception {
        Path rules = Path.of("config/sampling/xray.json").toAbsolutePath();
        int code = run(Map.of("RELAY_SAMPLING_RULES", rules.toString()), "check-config");
        assertThat(err()).isEmpty();
        assertThat(code).isZero();
        assertThat(out()).contains("rules_file: " + rules);
    }

    @Test
    void runRefusesToStartOnABrokenRulesFile() throws Exception {
        Path rules = dir.resolve("xray.json");
        Files.writeString(rules, "{\"SamplingRule\": {\"RuleName\": \"Default\", \"FixedRate\": 2}}");
        int code = run(Map.of("RELAY_SAMPLING_RULES", rules.toString(), "RELAY_HTTP_ADDRESS", "127.0.0.1:0",
                "RELAY_GRPC_ADDRESS", "127.0.0.1:0", "RELAY_ADMIN_ADDRESS", "127.0.0.1:0"), "run");
        assertThat(code).isEqualTo(2);
        assertThat(err()).contains("invalid sampling rules").contains("FixedRate: 2");
    }

    @Test
    void checkConfigRefusesAMalformedAddressNamingTheVariable() {
        int code = run(Map.of("RELAY_GRPC_ADDRESS", "localhost4317"), "check-config");
        assertThat(code).isEqualTo(2);
        assertThat(err()).contains("RELAY_GRPC_ADDRESS: localhost4317 (expected: host:port");
    }

    @Test
    void checkConfigRefusesANegativeSize() {
        int code = run(Map.of("RELAY_MAX_REQUEST_BYTES", "-5"), "check-config");
        assertThat(code).isEqualTo(2);
        assertThat(err()).contains("RELAY_MAX_REQUEST_BYTES: -5 (expected: a size in bytes");
    }

    @Test
    void checkConfigReportsEveryProblemAtOnce() throws Exception {
        int code = run(Map.of("RELAY_MAX_INFLIGHT_BYTES", "lots"), "check-config", "--config",
                yaml("receiver:\n  retry_after: -1s\nshutdown:\n  drain_timout: 5s\n").toString());
        assertThat(code).isEqualTo(2);
        assertThat(err()).contains("RELAY_MAX_INFLIGHT_BYTES: lots").contains("receiver.retry_after")
                .contains("shutdown.drain_timout: unknown key (did you mean shutdown.drain_timeout?)");
    }

    @Test
    void runRefusesToStartOnABadConfiguration() {
        int code = run(Map.of("RELAY_HTTP_ADDRESS", "0.0.0.0:99999"), "run");
        assertThat(code).isEqualTo(2);
        assertThat(err()).contains("not starting").contains("RELAY_HTTP_ADDRESS");
    }

    @Test
    void unknownArgumentsGetUsageAndExit2() {
        assertThat(run(Map.of(), "frobnicate")).isEqualTo(2);
        assertThat(err()).contains("unknown argument \"frobnicate\"").contains("usage:");
    }

    @Test
    void helpListsTheCommands() {
        assertThat(run(Map.of(), "--help")).isZero();
        assertThat(out()).contains("run").contains("check-config").contains("healthcheck");
    }

    /** The environment paragraph is generated from the key table: the fixed defaults beside their variables. */
    @Test
    void helpShowsEachVariablesFixedDefaultWithinTheHelpsWidth() {
        assertThat(run(Map.of(), "--help")).isZero();
        assertThat(out()).contains("environment (overrides the file): RELAY_HTTP_ADDRESS (0.0.0.0:4318), ")
                .contains("RELAY_ADMIN_ADDRESS (0.0.0.0:8888), ").contains("RELAY_REQUEST_TIMEOUT (30s), ")
                .contains("RELAY_XRAY_DOCUMENTS (nested), ").contains("RELAY_MAX_REQUEST_BYTES, ")
                .endsWith("RELAY_CONFIG (the file)\n");
        assertThat(out().lines()).allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(110));
    }

    @Test
    void healthcheckSucceedsAgainstAReadyRelayAndFailsWithoutOne() {
        try (TestRelay relay = new TestRelay()) {
            Map<String, String> env = new HashMap<>();
            env.put("RELAY_ADMIN_ADDRESS", "0.0.0.0:" + relay.relay.adminPort());
            env.put("RELAY_HTTP_ADDRESS", "127.0.0.1:0");
            env.put("RELAY_GRPC_ADDRESS", "127.0.0.1:0");
            assertThat(run(env, "healthcheck")).isZero();
            assertThat(out()).contains("ready");
        }
        // Nothing listens on that port any more.
        assertThat(run(Map.of("RELAY_ADMIN_ADDRESS", "127.0.0.1:1"), "healthcheck")).isEqualTo(1);
        assertThat(err()).contains("not ready");
    }
}
