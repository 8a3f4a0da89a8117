package dev.otlprelay.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The {@code xray} section and {@code AWS_XRAY_DAEMON_ADDRESS}. */
class XrayKeysTest extends ConfigFileTest {

    private static final String ADDRESS_EXPECTED =
            "(expected: host:port or \"tcp:host:port udp:host:port\", e.g. 127.0.0.1:2000)";

    private XrayConfig xray(String yaml) throws Exception {
        return load(yaml, Map.of()).xray();
    }

    private XrayConfig xrayFromEnv(String daemonAddress) throws Exception {
        return load("", Map.of("AWS_XRAY_DAEMON_ADDRESS", daemonAddress)).xray();
    }

    @Nested
    class Defaults {

        @Test
        void everyKeyTakesItsDocumentedDefaultAndAutoStaysOffWithoutAnAddress() throws Exception {
            RelayConfig c = ConfigLoader.load(null, Map.of(), dir);
            XrayConfig x = c.xray();
            assertThat(x).isEqualTo(XrayConfig.defaults());
            assertThat(x.enabled()).isEqualTo(DebugExporterConfig.Mode.AUTO);
            assertThat(x.daemonAddress()).isEqualTo(new HostPort("127.0.0.1", 2000));
            assertThat(x.daemonAddressSet()).isFalse();
            assertThat(x.indexedAttributes()).isEmpty();
            assertThat(x.indexAllAttributes()).isFalse();
            assertThat(x.annotateSampling()).isFalse();
            assertThat(x.maxDatagramsPerSecond()).isEqualTo(20_000);
            assertThat(x.queueBytes()).isEqualTo(64L * 1024 * 1024);
            assertThat(x.exportEnabled()).isFalse();
            assertThat(c.debugExporterOn()).isTrue();
        }

        @Test
        void emptyDaemonAddressInTheFileMeansNotConfigured() throws Exception {
            assertThat(xray("xray:\n  daemon_address: \"\"\n")).isEqualTo(XrayConfig.defaults());
            assertThat(load("xray:\n  daemon_address: ${AWS_XRAY_DAEMON_ADDRESS:-}\n", Map.of()).xray())
                    .isEqualTo(XrayConfig.defaults());
        }
    }

    @Nested
    class DaemonAddress {

        @Test
        void addressInTheFileTurnsAutoOnAndTheDebugExporterOff() throws Exception {
            RelayConfig c = load("xray:\n  daemon_address: xray-daemon:2000\n", Map.of());
            assertThat(c.xray().daemonAddress()).isEqualTo(new HostPort("xray-daemon", 2000));
            assertThat(c.xray().daemonAddressSet()).isTrue();
            assertThat(c.xray().exportEnabled()).isTrue();
            assertThat(c.debugExporterOn()).isFalse();
        }

        @Test
        void environmentHostPortOverridesTheFile() throws Exception {
            XrayConfig x = load("xray:\n  daemon_address: from-file:2000\n",
                    Map.of("AWS_XRAY_DAEMON_ADDRESS", "10.0.0.5:3000")).xray();
            assertThat(x.daemonAddress()).isEqualTo(new HostPort("10.0.0.5", 3000));
            assertThat(x.daemonAddressSet()).isTrue();
        }

        @Test
        void environmentSdkFormUsesTheUdpPartInEitherOrder() throws Exception {
            assertThat(xrayFromEnv("tcp:127.0.0.1:2000 udp:10.1.2.3:2001").daemonAddress())
                    .isEqualTo(new HostPort("10.1.2.3", 2001));
            assertThat(xrayFromEnv("udp:xray:2002   tcp:xray:2000").daemonAddress())
                    .isEqualTo(new HostPort("xray", 2002));
            assertThat(xrayFromEnv("udp:[::1]:2000").daemonAddress()).isEqualTo(new HostPort("::1", 2000));
            assertThat(xrayFromEnv("tcp:a:1 udp:b:2").daemonAddressSet()).isTrue();
        }

        @Test
        void sdkFormIsAcceptedInTheFileToo() throws Exception {
            assertThat(xray("xray:\n  daemon_address: \"tcp:xray:2000 udp:xray:2000\"\n").daemonAddress())
                    .isEqualTo(new HostPort("xray", 2000));
        }

        @Test
        void emptyEnvironmentVariableCountsAsUnset() throws Exception {
            XrayConfig x = load("xray:\n  daemon_address: from-file:2000\n",
                    Map.of("AWS_XRAY_DAEMON_ADDRESS", "")).xray();
            assertThat(x.daemonAddress()).isEqualTo(new HostPort("from-file", 2000));
        }

        @Test
        void refusesBadAddressesNamingTheEnvironmentVariable() throws Exception {
            for (String bad : List.of("x", "tcp:127.0.0.1:2000", "udp:a:1 udp:b:2", "tcp:a:1 tcp:b:2",
                    "tcp:a udp:b:2", "a:1 b:2", "udp:a:1 tcp:b:2 x:3", ":2000", "127.0.0.1:0", "udp:",
                    "http://xray:2000")) {
                assertThat(problems("", Map.of("AWS_XRAY_DAEMON_ADDRESS", bad))).as(bad)
                        .containsExactly("AWS_XRAY_DAEMON_ADDRESS: " + Values.show(bad) + " " + ADDRESS_EXPECTED);
            }
            assertThat(problems("", Map.of("AWS_XRAY_DAEMON_ADDRESS", "x")))
                    .containsExactly("AWS_XRAY_DAEMON_ADDRESS: x " + ADDRESS_EXPECTED);
        }

        @Test
        void refusesBadAddressNamingTheKey() throws Exception {
            assertThat(problems("xray:\n  daemon_address: localhost2000\n"))
                    .containsExactly("xray.daemon_address: localhost2000 " + ADDRESS_EXPECTED);
        }

        @Test
        void parsesTheDaemonAddressForms() {
            assertThat(ValueKind.daemonAddress("127.0.0.1:2000")).isEqualTo(new HostPort("127.0.0.1", 2000));
            assertThat(ValueKind.daemonAddress(" UDP:h:1 TCP:h:2 ")).isEqualTo(new HostPort("h", 1));
            assertThat(ValueKind.daemonAddress("tcp:h:2")).isNull();
            assertThat(ValueKind.daemonAddress("h")).isNull();
        }
    }

    @Nested
    class OtherKeys {

        @Test
        void enabledTakesTheSameWordsAsDebugEnabled() throws Exception {
            assertThat(xray("xray:\n  enabled: true\n").exportEnabled()).isTrue();
            assertThat(xray("xray:\n  enabled: \"on\"\n").enabled()).isEqualTo(DebugExporterConfig.Mode.ON);
            XrayConfig off = load("xray:\n  enabled: false\n", Map.of("AWS_XRAY_DAEMON_ADDRESS", "x:1")).xray();
            assertThat(off.daemonAddressSet()).isTrue();
            assertThat(off.exportEnabled()).isFalse();
            assertThat(problems("xray:\n  enabled: maybe\n"))
                    .containsExactly("xray.enabled: maybe (expected: auto, true or false)");
        }

        @Test
        void indexedAttributesFromAListOrACommaSeparatedString() throws Exception {
            assertThat(xray("xray:\n  indexed_attributes: [http.route, service.name, http.route]\n")
                    .indexedAttributes()).containsExactly("http.route", "service.name");
            assertThat(xray("xray:\n  indexed_attributes:\n    - a\n    - ${B:-b}\n").indexedAttributes())
                    .containsExactly("a", "b");
            assertThat(xray("xray:\n  indexed_attributes: \"a, b,c,\"\n").indexedAttributes())
                    .containsExactly("a", "b", "c");
            assertThat(xray("xray:\n  indexed_attributes: \"\"\n").indexedAttributes()).isEmpty();
            assertThat(xray("xray:\n  indexed_attributes: []\n").indexedAttributes()).isEmpty();
        }

        @Test
        void refusesIndexedAttributesThatAreNotKeys() throws Exception {
            assertThat(problems("xray:\n  indexed_attributes:\n    - ok\n    - {a: b}\n    - \"\"\n    -\n"))
                    .containsExactly(
                            "xray.indexed_attributes[1]: a map (expected: an attribute key)",
                            "xray.indexed_attributes[2]: \"\" (expected: an attribute key)",
                            "xray.indexed_attributes[3]: \"\" (expected: an attribute key)");
            assertThat(problems("xray:\n  indexed_attributes: {a: b}\n")).containsExactly(
                    "xray.indexed_attributes: a map (expected: a list of attribute keys, or one string of keys"
                            + " separated by commas)");
        }

        @Test
        void booleansAcceptTrueFalseAndOnOff() throws Exception {
            XrayConfig x = xray("xray:\n  index_all_attributes: true\n  annotate_sampling: \"yes\"\n");
            assertThat(x.indexAllAttributes()).isTrue();
            assertThat(x.annotateSampling()).isTrue();
            assertThat(problems("xray:\n  index_all_attributes: all\n  annotate_sampling: 1\n")).containsExactly(
                    "xray.index_all_attributes: all (expected: true or false)",
                    "xray.annotate_sampling: 1 (expected: true or false)");
        }

        @Test
        void maxDatagramsPerSecondZeroMeansUnpacedAndIsBounded() throws Exception {
            assertThat(xray("xray:\n  max_datagrams_per_second: 0\n").maxDatagramsPerSecond()).isZero();
            String expected = " (expected: a whole number from 0 to 1000000 (0 = unpaced), e.g. 20000)";
            assertThat(problems("xray:\n  max_datagrams_per_second: 1000001\n"))
                    .containsExactly("xray.max_datagrams_per_second: 1000001" + expected);
            assertThat(problems("xray:\n  max_datagrams_per_second: -1\n"))
                    .containsExactly("xray.max_datagrams_per_second: -1" + expected);
        }

        @Test
        void queueBytesIsAtLeastOneMib() throws Exception {
            assertThat(xray("xray:\n  queue_bytes: 1MiB\n").queueBytes()).isEqualTo(1024L * 1024);
            assertThat(problems("xray:\n  queue_bytes: 512KiB\n")).containsExactly(
                    "xray.queue_bytes: 512KiB (expected: a size in bytes >= 1MiB, e.g. 67108864 or 64MiB)");
        }

        @Test
        void documentsAreNestedByDefaultAndPerSpanFromTheFileOrTheEnvironment() throws Exception {
            assertThat(XrayConfig.defaults().documents()).isEqualTo(XrayConfig.Documents.NESTED);
            assertThat(xray("xray:\n  documents: per_span\n").documents()).isEqualTo(XrayConfig.Documents.PER_SPAN);
            assertThat(load("xray:\n  documents: per_span\n", Map.of("RELAY_XRAY_DOCUMENTS", "nested")).xray()
                    .documents()).isEqualTo(XrayConfig.Documents.NESTED);
            assertThat(load("", Map.of("RELAY_XRAY_DOCUMENTS", "PER_SPAN")).xray().documents())
                    .isEqualTo(XrayConfig.Documents.PER_SPAN);
            assertThat(problems("", Map.of("RELAY_XRAY_DOCUMENTS", "per-trace")))
                    .containsExactly("RELAY_XRAY_DOCUMENTS: per-trace (expected: nested or per_span)");
            assertThat(problems("xray:\n  documents: batch\n"))
                    .containsExactly("xray.documents: batch (expected: nested or per_span)");
        }

        @Test
        void maxSubsegmentsPerDocumentIsAtLeastOne() throws Exception {
            assertThat(XrayConfig.defaults().maxSubsegmentsPerDocument()).isEqualTo(100);
            assertThat(xray("xray:\n  max_subsegments_per_document: 1\n").maxSubsegmentsPerDocument()).isEqualTo(1);
            assertThat(problems("xray:\n  max_subsegments_per_document: 0\n")).containsExactly(
                    "xray.max_subsegments_per_document: 0 (expected: a whole number from 1 to 10000, e.g. 100)");
        }

        @Test
        void unknownXrayKeyGetsASuggestion() throws Exception {
            assertThat(problems("xray:\n  deamon_address: x:1\nx-ray: {}\n")).containsExactly(
                    "xray.deamon_address: unknown key (did you mean xray.daemon_address?)",
                    "x-ray: unknown key (did you mean xray?)");
        }
    }
}
