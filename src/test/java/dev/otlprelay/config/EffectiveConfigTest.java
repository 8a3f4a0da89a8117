package dev.otlprelay.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
                  request_timeout: 30s
                  cors:    # off: no allowed origins
                    allowed_origins: []
                    allowed_headers: []
                    max_age: 0s
                admin:
                  address: 0.0.0.0:8888
                honeycomb:
                  api_key: (not set)
                  api_endpoint: https://api.honeycomb.io
                  dataset: ""
                  key_mode: relay
                  compression: gzip
                  batch_timeout: 200ms
                  batch_max_spans: 8192
                  batch_max_bytes: 4194304
                  retry_initial_backoff: 5s
                  retry_multiplier: 1.5
                  retry_jitter: 0.5
                  retry_max_backoff: 30s
                  retry_max_elapsed: 5m
                  request_timeout: 10s
                  senders: 4
                  retry_on: [429, 500, 502, 503, 504]
                  queue_bytes: 268435456
                  ready_max_queue_age: 1m
                  spool:
                    dir: (off)
                    fsync: interval
                    fsync_interval: 100ms
                    max_bytes: 1073741824
                    segment_bytes: 67108864
                xray:
                  enabled: auto    # resolves to off (no daemon address configured)
                  daemon_address: ""    # not configured; 127.0.0.1:2000 is used when X-Ray export is on
                  indexed_attributes: []
                  index_all_attributes: false
                  annotate_sampling: false
                  max_datagrams_per_second: 20000
                  queue_bytes: 67108864
                  documents: nested
                  max_subsegments_per_document: 100
                sampling:
                  rules_file: ""    # no rules: every trace is kept
                  reload_interval: 5s
                  decision_wait: 2s
                  trace_timeout: 30s
                  max_spans_per_trace: 10000
                  max_live_traces: 100000
                  max_buffer_bytes: 134217728
                  kept_cache_traces: 200000
                  dropped_filter_traces: 2000000
                  conditions: []
                debug:
                  enabled: auto    # resolves to on (Honeycomb and X-Ray export are off)
                shutdown:
                  drain_timeout: 8s
                """);
    }

    /**
     * The whole rendering of a file that sets every section, nested ones included, with the key from the
     * environment: check-config and /debug/config print exactly this, so any change to it is a change of contract.
     */
    @Test
    void rendersAFileThatSetsEverySectionExactly() throws Exception {
        Files.writeString(dir.resolve("rules.json"), "{}");
        Files.writeString(dir.resolve("xray-rules.json"), "{}");
        Path f = dir.resolve("relay.yaml");
        Files.writeString(f, """
                receiver:
                  http_address: 127.0.0.1:14318
                  grpc_address: "[::1]:14317"
                  max_request_bytes: 1MiB
                  max_grpc_message_bytes: 2MiB
                  max_inflight_bytes: 8MiB
                  retry_after: 2s
                  request_timeout: 45s
                  cors:
                    allowed_origins: [https://app.example.com, "https://*.example.com"]
                    allowed_headers: x-honeycomb-team, traceparent
                    max_age: 10m
                admin:
                  address: 127.0.0.1:18888
                honeycomb:
                  api_endpoint: https://api.eu1.honeycomb.io
                  dataset: "true"
                  key_mode: client-or-relay
                  compression: none
                  batch_timeout: 1500ms
                  batch_max_spans: 500
                  batch_max_bytes: 1MB
                  retry_initial_backoff: 1s
                  retry_multiplier: 2
                  retry_jitter: 0.25
                  retry_max_backoff: 1h
                  retry_max_elapsed: 0
                  request_timeout: 20s
                  senders: 8
                  retry_on: [503, 429]
                  queue_bytes: 32MiB
                  ready_max_queue_age: 90
                  spool:
                    dir: spool dir
                    fsync: always
                    fsync_interval: 1s
                    max_bytes: 64MiB
                    segment_bytes: 4MiB
                xray:
                  enabled: true
                  daemon_address: "tcp:xray:2000 udp:xray:2001"
                  indexed_attributes: [http.route, "a:b"]
                  index_all_attributes: true
                  annotate_sampling: true
                  max_datagrams_per_second: 0
                  queue_bytes: 16MiB
                  documents: per_span
                  max_subsegments_per_document: 50
                sampling:
                  rules_file: rules.json
                  reload_interval: 1m
                  decision_wait: 500ms
                  trace_timeout: 1m
                  max_spans_per_trace: 1000
                  max_live_traces: 5000
                  max_buffer_bytes: 16MiB
                  kept_cache_traces: 1000
                  dropped_filter_traces: 10000
                  conditions:
                    - name: slow checkout
                      action: keep
                      error: true
                      min_duration: 2s
                      service_name: "backend-*"
                      service_type: "AWS::ECS::Container"
                      host: "*.example.com"
                      http_method: POST
                      url_path: /checkout*
                      attributes:
                        tenant: "gold"
                      sample_rate: 10
                    - name: health
                      action: drop
                      url_path: /health*
                  xray:
                    rules_file: xray-rules.json
                    conditions:
                      - name: errors
                        action: keep
                        error: true
                debug:
                  enabled: true
                shutdown:
                  drain_timeout: 20s
                """);
        RelayConfig c = ConfigLoader.load(f, Map.of("HONEYCOMB_API_KEY", KEY), dir, 8192L * 1024 * 1024);
        assertThat(EffectiveConfig.render(c)).isEqualTo("""
                # config file: DIR/relay.yaml; environment variables override it
                receiver:
                  http_address: 127.0.0.1:14318
                  grpc_address: "[::1]:14317"
                  max_request_bytes: 1048576
                  max_grpc_message_bytes: 2097152
                  max_inflight_bytes: 8388608
                  retry_after: 2s
                  request_timeout: 45s
                  cors:
                    allowed_origins:
                      - https://app.example.com
                      - "https://*.example.com"
                    allowed_headers:
                      - x-honeycomb-team
                      - traceparent
                    max_age: 10m
                admin:
                  address: 127.0.0.1:18888
                honeycomb:
                  api_key: sha256:06a4f8af (set)
                  api_endpoint: https://api.eu1.honeycomb.io
                  dataset: "true"
                  key_mode: client-or-relay
                  compression: none
                  batch_timeout: 1500ms
                  batch_max_spans: 500
                  batch_max_bytes: 1000000
                  retry_initial_backoff: 1s
                  retry_multiplier: 2
                  retry_jitter: 0.25
                  retry_max_backoff: 1h
                  retry_max_elapsed: 0s
                  request_timeout: 20s
                  senders: 8
                  retry_on: [429, 503]
                  queue_bytes: 33554432
                  ready_max_queue_age: 90s
                  spool:
                    dir: "DIR/spool dir"
                    fsync: always
                    fsync_interval: 1s
                    max_bytes: 67108864
                    segment_bytes: 4194304
                xray:
                  enabled: true
                  daemon_address: xray:2001
                  indexed_attributes:
                    - http.route
                    - a:b
                  index_all_attributes: true
                  annotate_sampling: true
                  max_datagrams_per_second: 0
                  queue_bytes: 16777216
                  documents: per_span
                  max_subsegments_per_document: 50
                sampling:
                  rules_file: DIR/rules.json
                  reload_interval: 1m
                  decision_wait: 500ms
                  trace_timeout: 1m
                  max_spans_per_trace: 1000
                  max_live_traces: 5000
                  max_buffer_bytes: 16777216
                  kept_cache_traces: 1000
                  dropped_filter_traces: 10000
                  conditions:
                    - name: "slow checkout"
                      action: keep
                      error: true
                      min_duration: 2s
                      service_name: "backend-*"
                      service_type: "AWS::ECS::Container"
                      host: "*.example.com"
                      http_method: "POST"
                      url_path: "/checkout*"
                      attributes:
                        tenant: "gold"
                      sample_rate: 10
                    - name: health
                      action: drop
                      url_path: "/health*"
                      sample_rate: 0
                  xray:
                    rules_file: DIR/xray-rules.json
                    conditions:
                      - name: errors
                        action: keep
                        error: true
                        sample_rate: 1
                debug:
                  enabled: true
                shutdown:
                  drain_timeout: 20s
                """.replace("DIR", dir.toString()));
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
    void rendersTheNewKeysWithTheSpoolAsANestedMapAndItsDirAbsolute() throws Exception {
        Path f = dir.resolve("relay.yaml");
        Files.writeString(f, """
                honeycomb:
                  key_mode: client
                  compression: none
                  retry_multiplier: 2
                  retry_jitter: 0.125
                  retry_max_elapsed: 0
                  spool:
                    dir: spool dir
                    fsync: always
                xray:
                  indexed_attributes: [http.route, "a:b", "true"]
                  annotate_sampling: true
                """);
        RelayConfig c = ConfigLoader.load(f, Map.of("AWS_XRAY_DAEMON_ADDRESS", "tcp:xray:2000 udp:xray:2001",
                "HONEYCOMB_API_KEY", KEY), dir);
        String yaml = EffectiveConfig.render(c);
        assertThat(yaml).doesNotContain(KEY)
                .contains("  api_key: " + Secret.of(KEY).fingerprint() + " (set)\n")
                .contains("  key_mode: client\n  compression: none\n")
                .contains("  retry_multiplier: 2\n  retry_jitter: 0.125\n")
                .contains("  retry_max_elapsed: 0s\n")
                .contains("  spool:\n    dir: \"" + dir.resolve("spool dir") + "\"\n    fsync: always\n")
                .contains("xray:\n  enabled: auto    # resolves to on (daemon address configured)\n"
                        + "  daemon_address: xray:2001\n"
                        + "  indexed_attributes:\n    - http.route\n    - a:b\n    - \"true\"\n")
                .contains("  annotate_sampling: true\n")
                .contains("  enabled: auto    # resolves to off (Honeycomb and X-Ray export are on)\n");
        Path rendered = dir.resolve("rendered.yaml");
        // the fingerprint is refused as a key by design; the key comes from the environment again
        Files.writeString(rendered, yaml.replace(Secret.of(KEY).fingerprint() + " (set)", "\"\""));
        RelayConfig back = ConfigLoader.load(rendered, Map.of("HONEYCOMB_API_KEY", KEY), dir);
        assertThat(back.honeycomb()).isEqualTo(c.honeycomb());
        assertThat(back.xray()).isEqualTo(c.xray());
    }

    @Test
    void defaultsAndTheShippedFileLoadBackFromTheirRendering() throws Exception {
        for (RelayConfig first : List.of(RelayConfig.defaults(),
                ConfigLoader.load(Path.of("config/relay.yaml").toAbsolutePath(), Map.of(), dir))) {
            Path rendered = dir.resolve("rendered.yaml");
            Files.writeString(rendered, EffectiveConfig.render(first));
            RelayConfig second = ConfigLoader.load(rendered, Map.of(), dir);
            assertThat(new RelayConfig(second.receiver(), second.admin(), second.honeycomb(), second.xray(), second.sampling(),
                    second.debug(), second.shutdown(), first.source())).isEqualTo(first);
        }
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
                  key_mode: client-or-relay
                  compression: none
                  batch_timeout: 1500ms
                  batch_max_bytes: 1MB
                  retry_multiplier: 1.25
                  retry_jitter: 0
                  retry_max_backoff: 1h
                  retry_max_elapsed: 0
                  queue_bytes: 2MiB
                  ready_max_queue_age: 90
                  spool:
                    dir: ./spool
                    fsync: never
                    max_bytes: 16MiB
                    segment_bytes: 1MiB
                xray:
                  enabled: true
                  daemon_address: "[::1]:2000"
                  indexed_attributes: "a,b"
                  index_all_attributes: on
                  max_datagrams_per_second: 0
                  queue_bytes: 1GiB
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
        assertThat(second.xray()).isEqualTo(first.xray());
        assertThat(second.debug()).isEqualTo(first.debug());
        assertThat(second.shutdown()).isEqualTo(first.shutdown());
    }
}
