package dev.otlprelay.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The key table is the one description of the keys: the layout, the shipped file and the dump follow it. */
class KeysTest {

    /** One key line of config/relay.yaml: indent, optional "# " (a default sized from the heap), value, comment. */
    private static final Pattern KEY_LINE = Pattern.compile("( *)(# )?([a-z_]+):(.*?)(?:\\s+(#.*))?");

    @Test
    void theKeyLayoutIsTheOneUsersFilesAlreadyUse() {
        assertThat(Schema.SECTIONS).containsExactly(
                Map.entry("receiver", List.of("http_address", "grpc_address", "max_request_bytes",
                        "max_grpc_message_bytes", "max_inflight_bytes", "retry_after", "request_timeout", "cors")),
                Map.entry("admin", List.of("address")),
                Map.entry("honeycomb", List.of("api_key", "api_endpoint", "dataset", "key_mode", "compression",
                        "batch_timeout", "batch_max_spans", "batch_max_bytes", "retry_initial_backoff",
                        "retry_multiplier", "retry_jitter", "retry_max_backoff", "retry_max_elapsed",
                        "request_timeout", "senders", "retry_on", "queue_bytes", "ready_max_queue_age", "spool")),
                Map.entry("xray", List.of("enabled", "daemon_address", "indexed_attributes", "index_all_attributes",
                        "annotate_sampling", "max_datagrams_per_second", "queue_bytes", "documents",
                        "max_subsegments_per_document")),
                Map.entry("sampling", List.of("rules_file", "reload_interval", "decision_wait", "trace_timeout",
                        "max_spans_per_trace", "max_live_traces", "max_buffer_bytes", "kept_cache_traces",
                        "dropped_filter_traces", "conditions", "xray")),
                Map.entry("debug", List.of("enabled")),
                Map.entry("shutdown", List.of("drain_timeout")));
        assertThat(Schema.NESTED).containsExactly(
                Map.entry("receiver.cors", List.of("allowed_origins", "allowed_headers", "max_age")),
                Map.entry("honeycomb.spool", List.of("dir", "fsync", "fsync_interval", "max_bytes", "segment_bytes")),
                Map.entry("sampling.xray", List.of("rules_file", "conditions")));
    }

    @Test
    void everyEnvironmentVariableOfTheContractIsReadAndNoOther() {
        assertThat(Schema.ENV_VARS).containsExactlyInAnyOrder("RELAY_CONFIG", "RELAY_HTTP_ADDRESS",
                "RELAY_GRPC_ADDRESS", "RELAY_ADMIN_ADDRESS", "RELAY_MAX_REQUEST_BYTES", "RELAY_MAX_INFLIGHT_BYTES",
                "HONEYCOMB_API_KEY", "HONEYCOMB_API_KEY_FILE", "HONEYCOMB_API_ENDPOINT", "HONEYCOMB_DATASET",
                "RELAY_SPOOL_DIR", "AWS_XRAY_DAEMON_ADDRESS", "RELAY_SAMPLING_RULES", "RELAY_XRAY_DOCUMENTS",
                "RELAY_REQUEST_TIMEOUT", "RELAY_CORS_ALLOWED_ORIGINS", "RELAY_CORS_ALLOWED_HEADERS");
    }

    @Test
    void eachKeysDefaultIsWhatItsKindReadsBackFromItsOwnText() {
        for (Key<?> key : Keys.ALL) {
            if (key.reading() == Key.Reading.VALUE) {
                assertThat(readsBackToItsDefault(key)).as(key.path()).isTrue();
            }
        }
    }

    private static <T> boolean readsBackToItsDefault(Key<T> key) {
        T dflt = key.defaultValue(Runtime.getRuntime().maxMemory());
        return dflt.equals(key.kind().parse(key.kind().show(dflt), Path.of("").toAbsolutePath()));
    }

    /**
     * config/relay.yaml is the key reference users read: each key there says the table's environment variable (or
     * "no env"), shows the table's default as its value, and is commented out exactly when its default is a share
     * of the heap.
     */
    @Test
    void theShippedFileStatesEachKeysDefaultAndEnvironmentVariableAsTheTableHasThem() throws Exception {
        List<String> lines = Files.readAllLines(Path.of("config/relay.yaml"));
        Path here = Path.of("").toAbsolutePath();
        for (Key<?> key : Keys.ALL) {
            Matcher m = lineOf(lines, key);
            assertThat(m).as("a line for %s in config/relay.yaml", key.path()).isNotNull();
            if (key.reading() == Key.Reading.SECTION) {
                continue;
            }
            String comment = m.group(5) == null ? "" : m.group(5);
            assertThat(comment).as(key.path()).startsWith("# default");
            if (key.env() == null) {
                assertThat(comment).as(key.path()).contains("; no env;");
            } else {
                assertThat(comment).as(key.path()).contains("; env " + key.env());
            }
            assertThat(m.group(2) != null).as("%s commented out (a default sized from the heap)", key.path())
                    .isEqualTo(key.fromHeap());
            if (key.reading() == Key.Reading.VALUE && !key.fromHeap()) {
                assertThat(shownValueIsTheDefault(key, m.group(4).strip(), here)).as("%s: %s", key.path(),
                        m.group(4).strip()).isTrue();
            }
        }
    }

    private static <T> boolean shownValueIsTheDefault(Key<T> key, String text, Path here) {
        String unquoted = text.length() >= 2 && text.startsWith("\"") && text.endsWith("\"")
                ? text.substring(1, text.length() - 1) : text;
        return key.defaultValue(Runtime.getRuntime().maxMemory()).equals(key.kind().parse(unquoted, here));
    }

    /** The line of {@code key}: below its section's line (indented by depth), before the next section at that depth. */
    private static Matcher lineOf(List<String> lines, Key<?> key) {
        String[] sections = key.section().split("\\.");
        int from = 0;
        for (int depth = 0; depth < sections.length; depth++) {
            from = indexOf(lines, from, "  ".repeat(depth) + sections[depth] + ":");
            if (from < 0) {
                return null;
            }
        }
        String indent = "  ".repeat(sections.length);
        for (int i = from + 1; i < lines.size(); i++) {
            String line = lines.get(i);
            Matcher m = KEY_LINE.matcher(line);
            if (!line.isBlank() && line.length() - line.stripLeading().length() < indent.length()) {
                return null; // left the section
            }
            if (m.matches() && m.group(1).equals(indent) && m.group(3).equals(key.name())) {
                return m;
            }
        }
        return null;
    }

    private static int indexOf(List<String> lines, int from, String prefix) {
        for (int i = from; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.equals(prefix) || line.startsWith(prefix + " ")) {
                return i;
            }
        }
        return -1;
    }

    /** Every key, in the table's order; sampling.xray only when it is set (X-Ray then has rules of its own). */
    @Test
    void theEffectiveConfigurationShowsEveryKeyInTheTablesOrder(@TempDir Path dir) throws Exception {
        List<String> expected = new ArrayList<>();
        for (Key<?> key : Keys.ALL) {
            expected.add(key.path());
        }
        assertThat(keysShown(EffectiveConfig.render(RelayConfig.defaults())))
                .containsExactlyElementsOf(expected.stream().filter(p -> !p.startsWith("sampling.xray")).toList());

        Path file = dir.resolve("relay.yaml");
        Files.writeString(file, """
                sampling:
                  xray:
                    conditions:
                      - name: errors
                        action: keep
                        error: true
                """);
        RelayConfig withXrayRules = ConfigLoader.load(file, Map.of(), dir);
        assertThat(keysShown(EffectiveConfig.render(withXrayRules))).containsExactlyElementsOf(expected);
    }

    /** The dotted paths of the key lines of a rendering, down to nested sections' keys (not list items' keys). */
    private static List<String> keysShown(String rendered) {
        Pattern keyLine = Pattern.compile("( *)([a-z_]+):.*");
        List<String> shown = new ArrayList<>();
        List<String> sections = new ArrayList<>();
        for (String line : rendered.split("\n")) {
            Matcher m = keyLine.matcher(line);
            int depth = m.matches() ? m.group(1).length() / 2 : -1;
            if (depth < 0 || depth > 2) {
                continue;
            }
            while (sections.size() > depth) {
                sections.remove(sections.size() - 1);
            }
            if (depth > 0) {
                shown.add(String.join(".", sections) + "." + m.group(2));
            }
            sections.add(m.group(2));
        }
        return shown;
    }
}
