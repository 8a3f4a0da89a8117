package dev.otlprelay.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The harness's words {@code loadgen} and {@code sink}: their flags, messages and exit codes. */
class BenchWordsTest {
    @TempDir
    Path dir;
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        // Not released: a signal that returned at once would be a Ctrl-C, and the load would stop before it began.
        Commands.Latch neverStopped = new Commands.Latch();
        return new Commands(Map.of(), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8)).execute(args, neverStopped);
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aBadRateIsRefusedWithWhatIsExpectedAndExit2() {
        assertThat(run("loadgen", "--rate", "fast")).isEqualTo(2);
        assertThat(err()).contains("otlp-relay loadgen: --rate: fast (expected: spans per second, e.g. 10000, or max)")
                .contains("usage: java -jar otlp-relay.jar loadgen");
    }

    @Test
    void unknownOptionsAndMissingValuesAreRefusedWithExit2() {
        assertThat(run("loadgen", "--frobnicate", "3")).isEqualTo(2);
        assertThat(err()).contains("unknown option \"--frobnicate\" (expected one of: --endpoint");
        assertThat(run("loadgen", "--duration")).isEqualTo(2);
        assertThat(err()).contains("--duration needs a value");
        assertThat(run("loadgen", "--protocol=thrift")).isEqualTo(2);
        assertThat(err()).contains("--protocol: thrift (expected: http/protobuf, http/json or grpc)");
        assertThat(run("loadgen", "--error-share", "2")).isEqualTo(2);
        assertThat(err()).contains("--error-share: 2 (expected: a share from 0 to 1");
        assertThat(run("loadgen", "--endpoint", "https://api.honeycomb.io")).isEqualTo(2);
        assertThat(err()).contains("--endpoint: https://api.honeycomb.io (expected: an http:// URL");
    }

    @Test
    void theSinkNeedsSomethingToListenOnAndValidAddresses() {
        assertThat(run("sink")).isEqualTo(2);
        assertThat(err()).contains("otlp-relay sink: nothing to listen on (expected at least one of --honeycomb");
        assertThat(run("sink", "--honeycomb", "localhost4318")).isEqualTo(2);
        assertThat(err()).contains("--honeycomb: localhost4318 (expected: host:port, e.g. 127.0.0.1:4318 "
                + "(missing ':' between host and port))");
    }

    @Test
    void helpForEachWordExitsZero() {
        assertThat(run("loadgen", "--help")).isZero();
        assertThat(out()).contains("--spans-per-request").contains("--summary-json");
        assertThat(run("sink", "-h")).isZero();
        assertThat(out()).contains("--null-relay-grpc");
        assertThat(run("help")).isZero();
        assertThat(out()).contains("loadgen").contains("sink");
    }

    @Test
    void aLoadgenAgainstNothingFailsWithExit1AndStillWritesItsSummary() throws Exception {
        Path summary = dir.resolve("summary.json");
        // Port 1 on loopback: nothing listens there, every request fails at once.
        int code = run("loadgen", "--endpoint", "http://127.0.0.1:1", "--duration", "200ms", "--traces", "20",
                "--concurrency", "1", "--summary-json", summary.toString());
        assertThat(code).isEqualTo(1);
        assertThat(out()).contains("loadgen summary").contains("connect_failed");
        assertThat(Files.readString(summary)).contains("\"spans_sent\": 0,").contains("\"connect_failed\":");
    }
}
