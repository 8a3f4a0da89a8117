package dev.otlprelay.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EffectiveConfigTest {

    private static final String KEY = "hcaik_secret_0123456789abcdef";

    @TempDir
    Path dir;

    @Test
    void rendersEveryDefaultInTheFileLayout() {
        assertThat(EffectiveConfig.render(RelayConfig.defaults())).isEqualTo("""
                # no config file; defaults and environment only
                receiver:
                  http_address: 0.0.0.0:4318
                  grpc_address: 0.0.0.0:4317
                  max_request_bytes: 20971520
                  max_grpc_message_bytes: 4194304
                  max_inflight_bytes: 67108864
                  retry_after: 1s
                admin:
                  address: 0.0.0.0:8888
                honeycomb:
                  api_key: (not set)
                  api_endpoint: https://api.honeycomb.io
                  dataset: ""
                debug:
                  enabled: auto    # resolves to on (no Honeycomb API key)
                shutdown:
                  drain_timeout: 15s
                """);
    }

    @Test
    void rendersTheKeyAsItsFingerprintAndNeverTheKey() throws Exception {
        RelayConfig c = ConfigLoader.load(null, Map.of("HONEYCOMB_API_KEY", KEY, "HONEYCOMB_DATASET", "true"), dir);
        String yaml = EffectiveConfig.render(c);
        assertThat(yaml).doesNotContain(KEY)
                .contains("  api_key: " + Secret.of(KEY).fingerprint() + " (set)\n")
                .contains("  dataset: \"true\"\n")
                .contains("  enabled: auto    # resolves to off (Honeycomb export is on)\n");
    }

    @Test
    void firstLineNamesTheLoadedFile() throws Exception {
        Path f = dir.resolve("relay.yaml");
        Files.writeString(f, "receiver:\n  grpc_address: \"[::1]:4317\"\n");
        String yaml = EffectiveConfig.render(ConfigLoader.load(f, Map.of(), dir));
        assertThat(yaml).startsWith("# config file: " + f + "; environment variables override it\n")
                .contains("  grpc_address: \"[::1]:4317\"\n");
    }

    @Test
    void renderedOutputLoadsBackToTheSameConfiguration() throws Exception {
        Path f = dir.resolve("relay.yaml");
        Files.writeString(f, """
                receiver:
                  http_address: "[::1]:0"
                  max_request_bytes: 1MiB
                  retry_after: 500ms
                honeycomb:
                  dataset: "123"
                debug:
                  enabled: off
                shutdown:
                  drain_timeout: 90
                """);
        RelayConfig first = ConfigLoader.load(f, Map.of(), dir);
        Path rendered = dir.resolve("rendered.yaml");
        Files.writeString(rendered, EffectiveConfig.render(first));
        RelayConfig second = ConfigLoader.load(rendered, Map.of(), dir);
        assertThat(second.receiver()).isEqualTo(first.receiver());
        assertThat(second.honeycomb()).isEqualTo(first.honeycomb());
        assertThat(second.debug()).isEqualTo(first.debug());
        assertThat(second.shutdown()).isEqualTo(first.shutdown());
    }
}
