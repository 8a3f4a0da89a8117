package dev.otlprelay.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class ConfigLoaderTest extends ConfigFileTest {

    private static final String KEY = "hcaik_secret_0123456789abcdef";
    private static final String HTTP_EXPECTED = "(expected: host:port with port 0-65535, e.g. 0.0.0.0:4318)";
    private static final String SUBSTITUTION_EXPECTED =
            "(expected: ${VAR} or ${VAR:-default}, VAR made of letters, digits and _; write $${ for a literal ${)";

    @Nested
    class Sources {

        @Test
        void usesDefaultsWhenThereIsNoFileAndNoEnvironment() throws Exception {
            RelayConfig c = ConfigLoader.load(null, Map.of(), dir);
            assertThat(c).isEqualTo(RelayConfig.defaults());
            assertThat(c.source()).isNull();
            assertThat(c.receiver().httpAddress()).hasToString("0.0.0.0:4318");
            assertThat(c.receiver().grpcAddress()).hasToString("0.0.0.0:4317");
            assertThat(c.receiver().maxRequestBytes()).isEqualTo(20_971_520L);
            assertThat(c.receiver().maxGrpcMessageBytes()).isEqualTo(4_194_304);
            assertThat(c.receiver().maxInflightBytes()).isEqualTo(67_108_864L);
            assertThat(c.receiver().retryAfter()).isEqualTo(Duration.ofSeconds(1));
            assertThat(c.admin().address()).hasToString("0.0.0.0:8888");
            assertThat(c.honeycomb().apiKey()).isEmpty();
            assertThat(c.honeycomb().apiEndpoint()).isEqualTo("https://api.honeycomb.io");
            assertThat(c.honeycomb().dataset()).isNull();
            assertThat(c.debug().enabled()).isEqualTo(DebugExporterConfig.Mode.AUTO);
            assertThat(c.debugExporterOn()).isTrue();
            assertThat(c.shutdown().drainTimeout()).isEqualTo(Duration.ofSeconds(8));
        }

        @Test
        void shippedConfigFileLoadsToTheDefaults() throws Exception {
            Path shipped = Path.of("config/relay.yaml").toAbsolutePath();
            RelayConfig c = ConfigLoader.load(shipped, Map.of(), dir);
            RelayConfig d = RelayConfig.defaults();
            assertThat(c.source()).isEqualTo(shipped.normalize());
            assertThat(c.receiver()).isEqualTo(d.receiver());
            assertThat(c.admin()).isEqualTo(d.admin());
            assertThat(c.honeycomb()).isEqualTo(d.honeycomb());
            assertThat(c.xray()).isEqualTo(d.xray());
            assertThat(c.debug()).isEqualTo(d.debug());
            assertThat(c.shutdown()).isEqualTo(d.shutdown());
        }

        @Test
        void shippedConfigFileTakesTheKeyFromHoneycombApiKey() throws Exception {
            RelayConfig c = ConfigLoader.load(Path.of("config/relay.yaml"), Map.of("HONEYCOMB_API_KEY", KEY),
                    Path.of("").toAbsolutePath());
            assertThat(c.honeycomb().apiKey()).contains(Secret.of(KEY));
            assertThat(c.debugExporterOn()).isFalse();
        }

        @Test
        void shippedConfigFileDocumentsEveryKeyWithItsDefaultAndEnvironmentVariable() throws Exception {
            List<String> lines = Files.readAllLines(Path.of("config/relay.yaml"));
            Map<String, List<String>> sections = new java.util.LinkedHashMap<>(Schema.SECTIONS);
            sections.putAll(Schema.NESTED);
            for (Map.Entry<String, List<String>> section : sections.entrySet()) {
                String path = section.getKey();
                String indent = "  ".repeat(path.split("\\.").length - 1);
                String name = path.substring(path.lastIndexOf('.') + 1);
                assertThat(lines).as("section %s", path)
                        .anySatisfy(l -> assertThat(l).matches(indent + name + ":( +#.*)?"));
                for (String key : section.getValue()) {
                    if (Schema.NESTED.containsKey(path + "." + key)) {
                        continue;
                    }
                    assertThat(lines).as("key %s.%s", path, key)
                            .anySatisfy(l -> assertThat(l)
                                    // A bound sized from the heap is shown commented out: its default varies.
                                    .matches(java.util.regex.Pattern.quote(indent + "  ") + "(# )?"
                                            + java.util.regex.Pattern.quote(key) + ":.*")
                                    .contains("# default").containsAnyOf("env ", "no env"));
                }
            }
            String text = String.join("\n", lines);
            for (String var : Schema.ENV_VARS) {
                assertThat(text).as("environment variable %s", var).contains(var);
            }
        }

        @Test
        void findsConfigRelayYamlUnderTheWorkingDirectory() throws Exception {
            Path f = write("config/relay.yaml", "admin:\n  address: 127.0.0.1:9999\n");
            RelayConfig c = ConfigLoader.load(null, Map.of(), dir);
            assertThat(c.admin().address()).isEqualTo(new HostPort("127.0.0.1", 9999));
            assertThat(c.source()).isEqualTo(f);
        }

        @Test
        void relayConfigVariableNamesTheFileRelativeToTheWorkingDirectory() throws Exception {
            write("config/relay.yaml", "admin:\n  address: 127.0.0.1:1111\n");
            Path other = write("other.yaml", "admin:\n  address: 127.0.0.1:2222\n");
            RelayConfig c = ConfigLoader.load(null, Map.of("RELAY_CONFIG", "other.yaml"), dir);
            assertThat(c.admin().address().port()).isEqualTo(2222);
            assertThat(c.source()).isEqualTo(other);
        }

        @Test
        void explicitFileWinsOverRelayConfigVariable() throws Exception {
            Path explicit = write("explicit.yaml", "admin:\n  address: 127.0.0.1:3333\n");
            write("other.yaml", "admin:\n  address: 127.0.0.1:2222\n");
            RelayConfig c = ConfigLoader.load(explicit, Map.of("RELAY_CONFIG", "other.yaml"), dir);
            assertThat(c.admin().address().port()).isEqualTo(3333);
        }

        @Test
        void refusesMissingExplicitFile() {
            Path missing = dir.resolve("nope.yaml");
            ConfigException e = assertThrows(ConfigException.class,
                    () -> ConfigLoader.load(missing, Map.of(), dir));
            assertThat(e.problems()).containsExactly("config file: " + missing + " (not found)");
            assertThat(e.getMessage()).isEqualTo("config file: " + missing + " (not found)");
        }

        @Test
        void refusesMissingFileNamedByRelayConfigNamingTheVariable() {
            ConfigException e = assertThrows(ConfigException.class,
                    () -> ConfigLoader.load(null, Map.of("RELAY_CONFIG", "nope.yaml"), dir));
            assertThat(e.problems()).containsExactly("RELAY_CONFIG: " + dir.resolve("nope.yaml") + " (not found)");
        }

        @Test
        void refusesADirectoryAsConfigFile() throws Exception {
            Path sub = Files.createDirectory(dir.resolve("sub"));
            ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(sub, Map.of(), dir));
            assertThat(e.problems()).containsExactly("config file: " + sub + " (not a regular file)");
        }

        @Test
        void emptyFileCommentOnlyFileAndEmptySectionsGiveDefaults() throws Exception {
            RelayConfig d = RelayConfig.defaults();
            assertThat(load("", Map.of()).receiver()).isEqualTo(d.receiver());
            assertThat(load("# nothing here\n", Map.of()).admin()).isEqualTo(d.admin());
            RelayConfig c = load("receiver:\n  # http_address: 1.2.3.4:5\nadmin: {}\nshutdown: ~\n", Map.of());
            assertThat(c.receiver()).isEqualTo(d.receiver());
            assertThat(c.shutdown()).isEqualTo(d.shutdown());
        }
    }

    @Nested
    class EnvironmentAndSubstitution {

        @Test
        void environmentOverridesTheFile() throws Exception {
            String yaml = """
                    receiver:
                      http_address: 127.0.0.1:1001
                      grpc_address: 127.0.0.1:1002
                      max_request_bytes: 1000
                      max_inflight_bytes: 1MiB
                    admin:
                      address: 127.0.0.1:1003
                    honeycomb:
                      api_key: from-file
                      api_endpoint: https://file.example
                      dataset: file-ds
                    """;
            Map<String, String> env = Map.of(
                    "RELAY_HTTP_ADDRESS", "127.0.0.1:2001",
                    "RELAY_GRPC_ADDRESS", "[::1]:2002",
                    "RELAY_ADMIN_ADDRESS", ":2003",
                    "RELAY_MAX_REQUEST_BYTES", "2MiB",
                    "RELAY_MAX_INFLIGHT_BYTES", "128MiB",
                    "HONEYCOMB_API_KEY", KEY,
                    "HONEYCOMB_API_ENDPOINT", "http://localhost:9000/",
                    "HONEYCOMB_DATASET", "env-ds");
            RelayConfig c = load(yaml, env);
            assertThat(c.receiver().httpAddress()).isEqualTo(new HostPort("127.0.0.1", 2001));
            assertThat(c.receiver().grpcAddress()).isEqualTo(new HostPort("::1", 2002));
            assertThat(c.admin().address()).isEqualTo(new HostPort("0.0.0.0", 2003));
            assertThat(c.receiver().maxRequestBytes()).isEqualTo(2L * 1024 * 1024);
            assertThat(c.receiver().maxInflightBytes()).isEqualTo(128L * 1024 * 1024);
            assertThat(c.honeycomb().apiKey()).contains(Secret.of(KEY));
            assertThat(c.honeycomb().apiEndpoint()).isEqualTo("http://localhost:9000");
            assertThat(c.honeycomb().dataset()).isEqualTo("env-ds");
        }

        @Test
        void fileValuesApplyWhenTheEnvironmentIsSilent() throws Exception {
            RelayConfig c = load("""
                    receiver:
                      http_address: 127.0.0.1:1001
                      max_grpc_message_bytes: 1MiB
                      retry_after: 500ms
                    honeycomb:
                      api_key: from-file
                      dataset: file-ds
                    debug:
                      enabled: false
                    shutdown:
                      drain_timeout: 2m
                    """, Map.of());
            assertThat(c.receiver().httpAddress().port()).isEqualTo(1001);
            assertThat(c.receiver().maxGrpcMessageBytes()).isEqualTo(1024 * 1024);
            assertThat(c.receiver().retryAfter()).isEqualTo(Duration.ofMillis(500));
            assertThat(c.honeycomb().apiKey().map(Secret::reveal)).contains("from-file");
            assertThat(c.honeycomb().dataset()).isEqualTo("file-ds");
            assertThat(c.debug().enabled()).isEqualTo(DebugExporterConfig.Mode.OFF);
            assertThat(c.shutdown().drainTimeout()).isEqualTo(Duration.ofMinutes(2));
        }

        @Test
        void emptyEnvironmentVariableCountsAsUnset() throws Exception {
            Map<String, String> env = new HashMap<>();
            for (String var : Schema.ENV_VARS) {
                env.put(var, "");
            }
            RelayConfig c = load("admin:\n  address: 127.0.0.1:1003\n", env);
            assertThat(c.admin().address().port()).isEqualTo(1003);
            assertThat(c.honeycomb()).isEqualTo(HoneycombConfig.defaults());
            assertThat(c.xray()).isEqualTo(XrayConfig.defaults());
        }

        @Test
        void substitutesVariablesAndDefaultsInStringValues() throws Exception {
            RelayConfig c = load("""
                    receiver:
                      http_address: ${HOST:-127.0.0.1}:${PORT:-5000}
                      max_request_bytes: ${REQ:-1MiB}
                    honeycomb:
                      dataset: ${DS:-fallback}
                      api_endpoint: "https://${HC_HOST}"
                    """, Map.of("PORT", "6000", "DS", "", "HC_HOST", "eu.example"));
            assertThat(c.receiver().httpAddress()).isEqualTo(new HostPort("127.0.0.1", 6000));
            assertThat(c.receiver().maxRequestBytes()).isEqualTo(1024L * 1024);
            assertThat(c.honeycomb().dataset()).isEqualTo("fallback");
            assertThat(c.honeycomb().apiEndpoint()).isEqualTo("https://eu.example");
        }

        @Test
        void substitutedValueCannotBreakTheYamlStructure() throws Exception {
            RelayConfig c = load("honeycomb:\n  dataset: ${DS}\n", Map.of("DS", "x\nadmin:\n  address: :1"));
            assertThat(c.honeycomb().dataset()).isEqualTo("x\nadmin:\n  address: :1");
            assertThat(c.admin()).isEqualTo(AdminConfig.defaults());
        }

        @Test
        void dollarDollarBraceIsALiteralAndUnsetVariableIsEmpty() throws Exception {
            assertThat(load("honeycomb:\n  dataset: $${DS}\n", Map.of("DS", "no")).honeycomb().dataset())
                    .isEqualTo("${DS}");
            assertThat(load("honeycomb:\n  dataset: ${UNSET_VARIABLE}\n", Map.of()).honeycomb().dataset())
                    .isNull();
        }

        @Test
        void refusesUnterminatedSubstitutionNamingTheKey() throws Exception {
            assertThat(problems("honeycomb:\n  dataset: \"${OOPS\"\n"))
                    .containsExactly("honeycomb.dataset: unterminated ${ " + SUBSTITUTION_EXPECTED);
        }

        @Test
        void refusesInvalidVariableReferenceNamingTheKey() throws Exception {
            assertThat(problems("receiver:\n  http_address: ${1HOST}:80\n"))
                    .containsExactly("receiver.http_address: invalid ${...} reference " + SUBSTITUTION_EXPECTED);
        }

        @Test
        void readsTheApiKeyFromAKeyFileTrimmed() throws Exception {
            Path keyFile = write("hc.key", "  " + KEY + "\n");
            RelayConfig c = ConfigLoader.load(null, Map.of("HONEYCOMB_API_KEY_FILE", keyFile.toString()), dir);
            assertThat(c.honeycomb().apiKey().map(Secret::reveal)).contains(KEY);
            assertThat(c.honeycomb().exportEnabled()).isTrue();
        }

        @Test
        void refusesBothApiKeyAndKeyFile() throws Exception {
            Path keyFile = write("hc.key", KEY);
            ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(null,
                    Map.of("HONEYCOMB_API_KEY", KEY, "HONEYCOMB_API_KEY_FILE", keyFile.toString()), dir));
            assertThat(e.problems()).containsExactly("HONEYCOMB_API_KEY_FILE: " + keyFile
                    + " (expected: only one of HONEYCOMB_API_KEY and HONEYCOMB_API_KEY_FILE to be set)");
            assertThat(e.getMessage()).doesNotContain(KEY);
        }

        @Test
        void refusesMissingOrEmptyKeyFileWithoutPrintingIt() throws Exception {
            Path missing = dir.resolve("missing.key");
            ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(null,
                    Map.of("HONEYCOMB_API_KEY_FILE", missing.toString()), dir));
            assertThat(e.problems()).containsExactly("HONEYCOMB_API_KEY_FILE: " + missing + " (not found)");

            Path empty = write("empty.key", " \n");
            e = assertThrows(ConfigException.class, () -> ConfigLoader.load(null,
                    Map.of("HONEYCOMB_API_KEY_FILE", empty.toString()), dir));
            assertThat(e.problems()).containsExactly(
                    "HONEYCOMB_API_KEY_FILE: " + empty + " (empty; expected: the Honeycomb API key)");
        }

        @Test
        void refusesKeyWithWhitespaceShowingOnlyItsFingerprint() throws Exception {
            String bad = "abc def" + KEY;
            ConfigException e = assertThrows(ConfigException.class,
                    () -> ConfigLoader.load(null, Map.of("HONEYCOMB_API_KEY", bad), dir));
            assertThat(e.problems()).containsExactly("HONEYCOMB_API_KEY: " + Secret.of(bad).fingerprint()
                    + " (expected: an API key without whitespace or control characters)");
            assertThat(e.getMessage()).doesNotContain(KEY).doesNotContain("abc def");
        }

        @Test
        void readsNotSetFromAnEffectiveConfigurationDumpAsNoKey() throws Exception {
            assertThat(load("honeycomb:\n  api_key: (not set)\n", Map.of()).honeycomb().apiKey()).isEmpty();
        }

        @Test
        void refusesAFingerprintPastedBackAsTheKey() throws Exception {
            assertThat(problems("honeycomb:\n  api_key: sha256:1a2b3c4d (set)\n")).containsExactly(
                    "honeycomb.api_key: a fingerprint copied from an effective-configuration dump"
                            + " (expected: the API key itself, or ${HONEYCOMB_API_KEY:-})");
        }
    }

    @Nested
    class BadValues {

        @Test
        void refusesUnknownKeyWithSuggestion() throws Exception {
            assertThat(problems("receiver:\n  http_adress: 0.0.0.0:4318\n"))
                    .containsExactly("receiver.http_adress: unknown key (did you mean receiver.http_address?)");
        }

        @Test
        void refusesUnknownSectionWithSuggestion() throws Exception {
            assertThat(problems("recevier:\n  http_address: 0.0.0.0:4318\n"))
                    .containsExactly("recevier: unknown key (did you mean receiver?)");
        }

        @Test
        void suggestsTheSectionWhereAMisplacedKeyBelongs() throws Exception {
            assertThat(problems("receiver:\n  drain_timeout: 5s\nhttp_address: :1\n")).containsExactly(
                    "receiver.drain_timeout: unknown key (did you mean shutdown.drain_timeout?)",
                    "http_address: unknown key (did you mean receiver.http_address?)");
        }

        @Test
        void listsTheKnownKeysWhenNothingIsClose() throws Exception {
            assertThat(problems("admin:\n  tls: true\nexporters: {}\n")).containsExactly(
                    "admin.tls: unknown key (expected one of: address)",
                    "exporters: unknown key (expected one of: receiver, admin, honeycomb, xray, sampling, debug, shutdown)");
        }

        @Test
        void refusesMalformedAddress() throws Exception {
            assertThat(problems("receiver:\n  http_address: localhost4318\n"))
                    .containsExactly("receiver.http_address: localhost4318 " + HTTP_EXPECTED);
        }

        @Test
        void refusesPortOutOfRange() throws Exception {
            assertThat(problems("receiver:\n  http_address: 0.0.0.0:99999\n"))
                    .containsExactly("receiver.http_address: \"0.0.0.0:99999\" " + HTTP_EXPECTED);
        }

        @Test
        void refusesMalformedAddressNamingTheEnvVariable() throws Exception {
            assertThat(problems("", Map.of("RELAY_ADMIN_ADDRESS", "admin:80:80"))).containsExactly(
                    "RELAY_ADMIN_ADDRESS: \"admin:80:80\" (expected: host:port with port 0-65535, e.g. 0.0.0.0:8888)");
        }

        @Test
        void refusesNegativeSizeNamingTheEnvVariable() throws Exception {
            assertThat(problems("", Map.of("RELAY_MAX_REQUEST_BYTES", "-5"))).containsExactly(
                    "RELAY_MAX_REQUEST_BYTES: -5 (expected: a size in bytes >= 0, e.g. 20971520 or 20MiB)");
        }

        @Test
        void refusesNegativeSizeNamingTheKey() throws Exception {
            assertThat(problems("receiver:\n  max_request_bytes: -5\n")).containsExactly(
                    "receiver.max_request_bytes: -5 (expected: a size in bytes >= 0, e.g. 20971520 or 20MiB)");
        }

        @Test
        void refusesGarbageSize() throws Exception {
            assertThat(problems("", Map.of("RELAY_MAX_INFLIGHT_BYTES", "lots"))).containsExactly(
                    "RELAY_MAX_INFLIGHT_BYTES: lots (expected: a size in bytes >= 0, e.g. 67108864 or 64MiB)");
        }

        @Test
        void requestTimeoutComesFromTheEnvironmentAndMustBePositive() throws Exception {
            assertThat(ConfigLoader.load(null, Map.of("RELAY_REQUEST_TIMEOUT", "5s"), dir).receiver()
                    .requestTimeout()).isEqualTo(Duration.ofSeconds(5));
            assertThat(problems("", Map.of("RELAY_REQUEST_TIMEOUT", "0s"))).containsExactly(
                    "RELAY_REQUEST_TIMEOUT: 0s (expected: a duration > 0 such as 15s, 500ms, 2m or 1h, or whole "
                            + "seconds)");
        }

        @Test
        void refusesZeroGrpcMessageLimit() throws Exception {
            assertThat(problems("receiver:\n  max_grpc_message_bytes: 0\n")).containsExactly(
                    "receiver.max_grpc_message_bytes: 0"
                            + " (expected: a size in bytes from 1 to 2147483647, e.g. 4194304 or 4MiB)");
        }

        @Test
        void refusesBadDuration() throws Exception {
            String expected = "(expected: a duration >= 0 such as 15s, 500ms, 2m or 1h, or whole seconds)";
            assertThat(problems("shutdown:\n  drain_timeout: 15x\nreceiver:\n  retry_after: -1s\n"))
                    .containsExactly("receiver.retry_after: -1s " + expected,
                            "shutdown.drain_timeout: 15x " + expected);
        }

        @Test
        void refusesBadDebugMode() throws Exception {
            assertThat(problems("debug:\n  enabled: maybe\n"))
                    .containsExactly("debug.enabled: maybe (expected: auto, true or false)");
        }

        @Test
        void acceptsBooleansAndOnOffForDebugMode() throws Exception {
            assertThat(load("debug:\n  enabled: true\n", Map.of()).debug().enabled())
                    .isEqualTo(DebugExporterConfig.Mode.ON);
            assertThat(load("debug:\n  enabled: \"off\"\n", Map.of()).debug().enabled())
                    .isEqualTo(DebugExporterConfig.Mode.OFF);
            assertThat(load("debug:\n  enabled: On\n", Map.of()).debug().enabled())
                    .isEqualTo(DebugExporterConfig.Mode.ON);
            assertThat(load("debug:\n  enabled: AUTO\n", Map.of()).debug().enabled())
                    .isEqualTo(DebugExporterConfig.Mode.AUTO);
        }

        @Test
        void refusesWrongTypes() throws Exception {
            assertThat(problems("""
                    receiver:
                      - http_address: 0.0.0.0:4318
                    admin: 0.0.0.0:8888
                    honeycomb:
                      api_key: [a, b]
                      dataset: 123
                      api_endpoint: {url: x}
                    shutdown:
                      drain_timeout: [15s]
                    """)).containsExactly(
                    "receiver: a list (expected: a map with keys http_address, grpc_address, max_request_bytes,"
                            + " max_grpc_message_bytes, max_inflight_bytes, retry_after, request_timeout, cors)",
                    "admin: a string (expected: a map with key address)",
                    "honeycomb.api_key: a list (expected: a string)",
                    "honeycomb.api_endpoint: a map (expected: an absolute http(s) URL, e.g. https://api.honeycomb.io)",
                    "honeycomb.dataset: a number (expected: a string; put the value in quotes)",
                    "shutdown.drain_timeout: a list (expected: a duration >= 0 such as 15s, 500ms, 2m or 1h,"
                            + " or whole seconds)");
        }

        @Test
        void refusesEndpointThatIsNotAnAbsoluteHttpUrl() throws Exception {
            String expected = " (expected: an absolute http(s) URL, e.g. https://api.honeycomb.io)";
            assertThat(problems("honeycomb:\n  api_endpoint: api.honeycomb.io\n"))
                    .containsExactly("honeycomb.api_endpoint: api.honeycomb.io" + expected);
            assertThat(problems("", Map.of("HONEYCOMB_API_ENDPOINT", "ftp://api.honeycomb.io")))
                    .containsExactly("HONEYCOMB_API_ENDPOINT: \"ftp://api.honeycomb.io\"" + expected);
        }

        @Test
        void refusesUnparseableYamlQuotingLineAndColumn() throws Exception {
            Path f = write("relay.yaml", "receiver:\n  http_address: [1\n  grpc_address: x\n");
            ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(f, Map.of(), dir));
            assertThat(e.problems()).containsExactly("config file: " + f + " (not valid YAML at line 3, column 15:"
                    + " while parsing a flow sequence: expected ',' or ']', but got :)");
        }

        @Test
        void yamlErrorsNeverQuoteTheFileContent() throws Exception {
            List<String> p = problems("honeycomb:\n  api_key: " + KEY + ": oops\n");
            assertThat(p).singleElement().asString()
                    .contains("(not valid YAML at line 2, column ")
                    .doesNotContain(KEY);
        }

        @Test
        void refusesDuplicateKeys() throws Exception {
            assertThat(problems("admin:\n  address: :1\n  address: :2\n")).singleElement().asString()
                    .endsWith("(not valid YAML at line 3, column 10: Duplicate field 'address')");
        }

        @Test
        void refusesMoreThanOneDocumentAndTopLevelList() throws Exception {
            assertThat(problems("admin: {}\n---\nadmin: {}\n")).singleElement().asString()
                    .endsWith("(expected: a single YAML document; another one starts at line 3)");
            assertThat(problems("- receiver\n")).singleElement().asString().endsWith(
                    "(expected: a map of sections receiver, admin, honeycomb, xray, sampling, debug, shutdown; found a list)");
        }

        @Test
        void refusesRequestLimitAboveInflightBudget() throws Exception {
            assertThat(problems("receiver:\n  max_request_bytes: 100000000\n")).containsExactly(
                    "receiver.max_request_bytes: 100000000 (expected: at most receiver.max_inflight_bytes"
                            + " = 67108864, or no request could ever be admitted)");
        }

        @Test
        void crossFieldMessagesNameTheEnvironmentVariablesTheValuesCameFrom() throws Exception {
            assertThat(problems("", Map.of("RELAY_MAX_INFLIGHT_BYTES", "1MiB"))).containsExactly(
                    "receiver.max_request_bytes: 20971520 (expected: at most RELAY_MAX_INFLIGHT_BYTES = 1048576,"
                            + " or no request could ever be admitted)",
                    "receiver.max_grpc_message_bytes: 4194304 (expected: at most RELAY_MAX_INFLIGHT_BYTES"
                            + " = 1048576, or no gRPC message could ever be admitted)");
        }

        @Test
        void refusesTheSamePortTwiceButAllowsEphemeralPorts() throws Exception {
            assertThat(problems("", Map.of("RELAY_GRPC_ADDRESS", "127.0.0.1:4318",
                    "RELAY_ADMIN_ADDRESS", ":4318"))).containsExactly(
                    "RELAY_GRPC_ADDRESS: \"127.0.0.1:4318\" (expected: a port other than 4318,"
                            + " which receiver.http_address already uses)",
                    "RELAY_ADMIN_ADDRESS: \":4318\" (expected: a port other than 4318,"
                            + " which receiver.http_address already uses)");
            RelayConfig c = load("receiver:\n  http_address: 127.0.0.1:0\n  grpc_address: 127.0.0.1:0\n"
                    + "admin:\n  address: 127.0.0.1:0\n", Map.of());
            assertThat(c.receiver().httpAddress().port()).isZero();
        }

        @Test
        void reportsEveryProblemAtOnce() throws Exception {
            Map<String, String> env = Map.of("RELAY_MAX_REQUEST_BYTES", "-5", "HONEYCOMB_API_KEY", KEY,
                    "HONEYCOMB_API_KEY_FILE", "/run/secrets/hc");
            ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(
                    write("relay.yaml", """
                            receiver:
                              http_adress: 0.0.0.0:4318
                              grpc_address: 0.0.0.0:99999
                            debug:
                              enabled: maybe
                            shutdown:
                              drain_timeout: soon
                            """), env, dir));
            assertThat(e.problems()).containsExactly(
                    "receiver.http_adress: unknown key (did you mean receiver.http_address?)",
                    "receiver.grpc_address: \"0.0.0.0:99999\""
                            + " (expected: host:port with port 0-65535, e.g. 0.0.0.0:4317)",
                    "RELAY_MAX_REQUEST_BYTES: -5 (expected: a size in bytes >= 0, e.g. 20971520 or 20MiB)",
                    "HONEYCOMB_API_KEY_FILE: /run/secrets/hc"
                            + " (expected: only one of HONEYCOMB_API_KEY and HONEYCOMB_API_KEY_FILE to be set)",
                    "debug.enabled: maybe (expected: auto, true or false)",
                    "shutdown.drain_timeout: soon"
                            + " (expected: a duration >= 0 such as 15s, 500ms, 2m or 1h, or whole seconds)");
            assertThat(e.getMessage()).isEqualTo(String.join("\n", e.problems())).doesNotContain(KEY);
        }

        @Test
        void theKeyNeverAppearsInAnyProblem() throws Exception {
            ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(
                    write("relay.yaml", "honeycomb:\n  api_key: \"" + KEY + "${\"\n  apikey: " + KEY + "\n"),
                    Map.of(), dir));
            assertThat(e.problems()).containsExactly(
                    "honeycomb.apikey: unknown key (did you mean honeycomb.api_key?)",
                    "honeycomb.api_key: unterminated ${ " + SUBSTITUTION_EXPECTED);
            assertThat(e.getMessage()).doesNotContain(KEY);
        }
    }

    @Test
    void recordsDoNotLeakTheKey() throws Exception {
        RelayConfig c = ConfigLoader.load(null, Map.of("HONEYCOMB_API_KEY", KEY), dir);
        assertThat(c.toString()).doesNotContain(KEY).contains(Secret.of(KEY).fingerprint());
        assertThat(c.honeycomb().apiKey()).isEqualTo(Optional.of(Secret.of(KEY)));
    }
}
