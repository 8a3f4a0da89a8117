package dev.otlprelay.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The {@code honeycomb} keys beyond api_key/api_endpoint/dataset, and the nested {@code honeycomb.spool}. */
class HoneycombKeysTest extends ConfigFileTest {

    private static final String KEY = "hcaik_secret_0123456789abcdef";
    private static final String POSITIVE_DURATION =
            "(expected: a duration > 0 such as 15s, 500ms, 2m or 1h, or whole seconds)";

    private HoneycombConfig honeycomb(String yaml) throws Exception {
        return load(yaml, Map.of()).honeycomb();
    }

    @Nested
    class Defaults {

        @Test
        void everyNewKeyTakesItsDocumentedDefault() throws Exception {
            HoneycombConfig h = ConfigLoader.load(null, Map.of(), dir).honeycomb();
            assertThat(h).isEqualTo(HoneycombConfig.defaults());
            assertThat(h.keyMode()).isEqualTo(HoneycombConfig.KeyMode.RELAY);
            assertThat(h.gzip()).isTrue();
            assertThat(h.batch().timeout()).isEqualTo(Duration.ofMillis(200));
            assertThat(h.batch().maxSpans()).isEqualTo(8192);
            assertThat(h.batch().maxBytes()).isEqualTo(4_194_304L);
            assertThat(h.retry().initialBackoff()).isEqualTo(Duration.ofSeconds(5));
            assertThat(h.retry().multiplier()).isEqualTo(1.5);
            assertThat(h.retry().jitter()).isEqualTo(0.5);
            assertThat(h.retry().maxBackoff()).isEqualTo(Duration.ofSeconds(30));
            assertThat(h.retry().maxElapsed()).isEqualTo(Duration.ofSeconds(300));
            assertThat(h.retry().attemptTimeout()).isEqualTo(Duration.ofSeconds(10));
            assertThat(h.retry().senders()).isEqualTo(4);
            assertThat(h.queueBytes()).isEqualTo(256L * 1024 * 1024);
            assertThat(h.readyMaxQueueAge()).isEqualTo(Duration.ofSeconds(60));
            assertThat(h.spool().enabled()).isFalse();
            assertThat(h.spool().dir()).isNull();
            assertThat(h.spool().fsync()).isEqualTo(SpoolConfig.Fsync.INTERVAL);
            assertThat(h.spool().fsyncInterval()).isEqualTo(Duration.ofMillis(100));
            assertThat(h.spool().maxBytes()).isEqualTo(1024L * 1024 * 1024);
            assertThat(h.spool().segmentBytes()).isEqualTo(64L * 1024 * 1024);
            assertThat(h.exportEnabled()).isFalse();
        }

        @Test
        void emptyHoneycombAndSpoolSectionsGiveDefaults() throws Exception {
            assertThat(honeycomb("honeycomb:\n  spool:\n")).isEqualTo(HoneycombConfig.defaults());
            assertThat(honeycomb("honeycomb:\n  spool: {}\n")).isEqualTo(HoneycombConfig.defaults());
            assertThat(honeycomb("honeycomb:\n  spool:\n    dir: \"\"\n")).isEqualTo(HoneycombConfig.defaults());
        }
    }

    @Nested
    class FileValues {

        @Test
        void fileValuesReachTheRecords() throws Exception {
            HoneycombConfig h = honeycomb("""
                    honeycomb:
                      key_mode: client-or-relay
                      compression: none
                      batch_timeout: 1s
                      batch_max_spans: 100
                      batch_max_bytes: 5MB
                      retry_initial_backoff: 250ms
                      retry_multiplier: 2
                      retry_jitter: 0
                      retry_max_backoff: 1m
                      retry_max_elapsed: 0
                      request_timeout: 3s
                      senders: 64
                      queue_bytes: 1MiB
                      ready_max_queue_age: 2m
                      spool:
                        dir: /var/spool/relay
                        fsync: always
                        fsync_interval: 5ms
                        max_bytes: 16MiB
                        segment_bytes: 16MiB
                    """);
            assertThat(h.keyMode()).isEqualTo(HoneycombConfig.KeyMode.CLIENT_OR_RELAY);
            assertThat(h.gzip()).isFalse();
            assertThat(h.batch()).isEqualTo(new HoneycombConfig.BatchConfig(Duration.ofSeconds(1), 100, 5_000_000));
            assertThat(h.retry()).isEqualTo(new HoneycombConfig.RetryConfig(Duration.ofMillis(250), 2.0, 0.0,
                    Duration.ofMinutes(1), Duration.ZERO, Duration.ofSeconds(3), 64,
                    HoneycombConfig.RetryConfig.DEFAULT_RETRY_ON));
            assertThat(h.queueBytes()).isEqualTo(1024L * 1024);
            assertThat(h.readyMaxQueueAge()).isEqualTo(Duration.ofMinutes(2));
            assertThat(h.spool()).isEqualTo(new SpoolConfig(Path.of("/var/spool/relay"), SpoolConfig.Fsync.ALWAYS,
                    Duration.ofMillis(5), 16L * 1024 * 1024, 16L * 1024 * 1024));
            assertThat(h.spool().enabled()).isTrue();
        }

        @Test
        void keyModeAndCompressionWordsAreCaseInsensitive() throws Exception {
            assertThat(honeycomb("honeycomb:\n  key_mode: client\n").keyMode())
                    .isEqualTo(HoneycombConfig.KeyMode.CLIENT);
            assertThat(honeycomb("honeycomb:\n  key_mode: Relay\n").keyMode())
                    .isEqualTo(HoneycombConfig.KeyMode.RELAY);
            assertThat(honeycomb("honeycomb:\n  compression: GZIP\n").gzip()).isTrue();
        }

        @Test
        void clientKeyModeExportsWithoutARelayKeyAndAcceptsAnUnusedKey() throws Exception {
            HoneycombConfig noKey = honeycomb("honeycomb:\n  key_mode: client\n");
            assertThat(noKey.apiKey()).isEmpty();
            assertThat(noKey.exportEnabled()).isTrue();
            RelayConfig withKey = load("honeycomb:\n  key_mode: client\n", Map.of("HONEYCOMB_API_KEY", KEY));
            assertThat(withKey.honeycomb().apiKey()).contains(Secret.of(KEY));
            assertThat(withKey.debugExporterOn()).isFalse();
        }

        @Test
        void relayKeyModeWithoutAKeyIsNoProblemAndTurnsExportOff() throws Exception {
            HoneycombConfig h = honeycomb("honeycomb:\n  key_mode: relay\n");
            assertThat(h.exportEnabled()).isFalse();
        }

        @Test
        void retryMaxElapsedZeroMeansNeverRetry() throws Exception {
            assertThat(honeycomb("honeycomb:\n  retry_max_elapsed: 0s\n").retry().maxElapsed()).isZero();
        }

        @Test
        void batchMaxBytesAcceptsTheBoundsOneKibAndFiveMillion() throws Exception {
            assertThat(honeycomb("honeycomb:\n  batch_max_bytes: 1KiB\n").batch().maxBytes()).isEqualTo(1024);
            assertThat(honeycomb("honeycomb:\n  batch_max_bytes: 5000000\n").batch().maxBytes())
                    .isEqualTo(5_000_000);
        }

        @Test
        void maxBackoffMayEqualInitialBackoff() throws Exception {
            HoneycombConfig h = honeycomb("honeycomb:\n  retry_initial_backoff: 7s\n  retry_max_backoff: 7s\n");
            assertThat(h.retry().maxBackoff()).isEqualTo(h.retry().initialBackoff());
        }

        @Test
        void substitutionWorksInTheNewKeys() throws Exception {
            HoneycombConfig h = load("honeycomb:\n  key_mode: ${MODE:-relay}\n  senders: ${SENDERS}\n",
                    Map.of("MODE", "client", "SENDERS", "8")).honeycomb();
            assertThat(h.keyMode()).isEqualTo(HoneycombConfig.KeyMode.CLIENT);
            assertThat(h.retry().senders()).isEqualTo(8);
        }
    }

    @Nested
    class RetryOn {

        @Test
        void retriesTheOtlpStatusesAnd500ByDefault() throws Exception {
            assertThat(honeycomb("").retry().retryOn()).containsExactly(429, 500, 502, 503, 504);
        }

        @Test
        void takesAListOrACommaSeparatedString() throws Exception {
            assertThat(honeycomb("honeycomb:\n  retry_on: [503, 429]\n").retry().retryOn()).containsExactly(429, 503);
            assertThat(honeycomb("honeycomb:\n  retry_on: \"429, 500\"\n").retry().retryOn())
                    .containsExactly(429, 500);
        }

        @Test
        void refusesWhatIsNotAnErrorStatusAnd413() throws Exception {
            String expected = " (expected: an HTTP status from 400 to 599 other than 413 (split, not retried), e.g. 500)";
            assertThat(problems("honeycomb:\n  retry_on: [429, 200, 413, teapot]\n")).containsExactly(
                    "honeycomb.retry_on[1]: 200" + expected,
                    "honeycomb.retry_on[2]: 413" + expected,
                    "honeycomb.retry_on[3]: teapot" + expected);
        }
    }

    @Nested
    class BadValues {

        @Test
        void refusesUnknownKeyMode() throws Exception {
            assertThat(problems("honeycomb:\n  key_mode: clients\n")).containsExactly(
                    "honeycomb.key_mode: clients (expected: relay, client or client-or-relay)");
        }

        @Test
        void refusesUnknownCompression() throws Exception {
            assertThat(problems("honeycomb:\n  compression: zstd\n"))
                    .containsExactly("honeycomb.compression: zstd (expected: gzip or none)");
        }

        @Test
        void refusesZeroOrMalformedPositiveDurations() throws Exception {
            assertThat(problems("""
                    honeycomb:
                      batch_timeout: 0
                      retry_initial_backoff: 0s
                      retry_max_backoff: 0ms
                      request_timeout: soon
                      ready_max_queue_age: -1s
                    """)).containsExactly(
                    "honeycomb.batch_timeout: 0 " + POSITIVE_DURATION,
                    "honeycomb.retry_initial_backoff: 0s " + POSITIVE_DURATION,
                    "honeycomb.retry_max_backoff: 0ms " + POSITIVE_DURATION,
                    "honeycomb.request_timeout: soon " + POSITIVE_DURATION,
                    "honeycomb.ready_max_queue_age: -1s " + POSITIVE_DURATION);
        }

        @Test
        void refusesNegativeRetryMaxElapsed() throws Exception {
            assertThat(problems("honeycomb:\n  retry_max_elapsed: -5s\n")).containsExactly(
                    "honeycomb.retry_max_elapsed: -5s"
                            + " (expected: a duration >= 0 such as 15s, 500ms, 2m or 1h, or whole seconds)");
        }

        @Test
        void refusesBatchMaxSpansOutsideOneToAMillion() throws Exception {
            String expected = " (expected: a whole number from 1 to 1000000, e.g. 8192)";
            assertThat(problems("honeycomb:\n  batch_max_spans: 0\n"))
                    .containsExactly("honeycomb.batch_max_spans: 0" + expected);
            assertThat(problems("honeycomb:\n  batch_max_spans: 1000001\n"))
                    .containsExactly("honeycomb.batch_max_spans: 1000001" + expected);
            assertThat(problems("honeycomb:\n  batch_max_spans: 10.5\n"))
                    .containsExactly("honeycomb.batch_max_spans: 10.5" + expected);
        }

        @Test
        void refusesBatchMaxBytesOverFiveMillionSayingHoneycombRefusesBiggerBatches() throws Exception {
            String expected = " (expected: a size in bytes from 1KiB to 5000000 (Honeycomb refuses batches over"
                    + " 5 MB), e.g. 4194304 or 4MiB)";
            assertThat(problems("honeycomb:\n  batch_max_bytes: 5MiB\n"))
                    .containsExactly("honeycomb.batch_max_bytes: 5MiB" + expected);
            assertThat(problems("honeycomb:\n  batch_max_bytes: 5000001\n"))
                    .containsExactly("honeycomb.batch_max_bytes: 5000001" + expected);
            assertThat(problems("honeycomb:\n  batch_max_bytes: 1023\n"))
                    .containsExactly("honeycomb.batch_max_bytes: 1023" + expected);
        }

        @Test
        void refusesRetryMultiplierBelowOneAndJitterOutsideZeroToOne() throws Exception {
            assertThat(problems("honeycomb:\n  retry_multiplier: 0.9\n  retry_jitter: 1.5\n")).containsExactly(
                    "honeycomb.retry_multiplier: 0.9 (expected: a number >= 1, e.g. 1.5)",
                    "honeycomb.retry_jitter: 1.5 (expected: a number from 0 to 1, e.g. 0.5)");
            assertThat(problems("honeycomb:\n  retry_multiplier: lots\n  retry_jitter: -0.1\n")).containsExactly(
                    "honeycomb.retry_multiplier: lots (expected: a number >= 1, e.g. 1.5)",
                    "honeycomb.retry_jitter: -0.1 (expected: a number from 0 to 1, e.g. 0.5)");
        }

        @Test
        void refusesMaxBackoffBelowInitialBackoff() throws Exception {
            assertThat(problems("honeycomb:\n  retry_max_backoff: 2s\n")).containsExactly(
                    "honeycomb.retry_max_backoff: 2s (expected: at least honeycomb.retry_initial_backoff = 5s)");
        }

        @Test
        void refusesSendersOutsideOneToSixtyFour() throws Exception {
            String expected = " (expected: a whole number from 1 to 64, e.g. 4)";
            assertThat(problems("honeycomb:\n  senders: 0\n")).containsExactly("honeycomb.senders: 0" + expected);
            assertThat(problems("honeycomb:\n  senders: 65\n")).containsExactly("honeycomb.senders: 65" + expected);
        }

        @Test
        void refusesQueueBytesBelowOneMib() throws Exception {
            assertThat(problems("honeycomb:\n  queue_bytes: 1000000\n")).containsExactly(
                    "honeycomb.queue_bytes: 1000000 (expected: a size in bytes >= 1MiB, e.g. 268435456 or 256MiB)");
        }

        @Test
        void refusesAnUnknownHoneycombKeyWithASuggestion() throws Exception {
            assertThat(problems("honeycomb:\n  keymode: client\n  batch_max_span: 5\n")).containsExactly(
                    "honeycomb.keymode: unknown key (did you mean honeycomb.key_mode?)",
                    "honeycomb.batch_max_span: unknown key (did you mean honeycomb.batch_max_spans?)");
        }
    }

    @Nested
    class Spool {

        @Test
        void relativeDirResolvesAgainstTheWorkingDirectory() throws Exception {
            SpoolConfig s = honeycomb("honeycomb:\n  spool:\n    dir: data/spool\n").spool();
            assertThat(s.dir()).isEqualTo(dir.resolve("data/spool"));
            assertThat(s.dir()).isAbsolute();
        }

        @Test
        void relaySpoolDirOverridesTheFileAndResolvesAgainstTheWorkingDirectory() throws Exception {
            RelayConfig c = load("honeycomb:\n  spool:\n    dir: /from/file\n", Map.of("RELAY_SPOOL_DIR", "env-spool"));
            assertThat(c.honeycomb().spool().dir()).isEqualTo(dir.resolve("env-spool"));
            c = load("", Map.of("RELAY_SPOOL_DIR", "/abs/spool"));
            assertThat(c.honeycomb().spool().dir()).isEqualTo(Path.of("/abs/spool"));
        }

        @Test
        void emptyRelaySpoolDirCountsAsUnset() throws Exception {
            RelayConfig c = load("honeycomb:\n  spool:\n    dir: /from/file\n", Map.of("RELAY_SPOOL_DIR", ""));
            assertThat(c.honeycomb().spool().dir()).isEqualTo(Path.of("/from/file"));
        }

        @Test
        void offAsPrintedByTheEffectiveConfigurationMeansNoSpool() throws Exception {
            assertThat(honeycomb("honeycomb:\n  spool:\n    dir: (off)\n").spool().enabled()).isFalse();
        }

        @Test
        void refusesADirThatIsAFile() throws Exception {
            Path file = Files.writeString(dir.resolve("not-a-dir"), "x");
            assertThat(problems("", Map.of("RELAY_SPOOL_DIR", file.toString()))).containsExactly(
                    "RELAY_SPOOL_DIR: " + Values.show(file.toString())
                            + " (expected: a directory path, or empty for no spool)");
        }

        @Test
        void fsyncWords() throws Exception {
            assertThat(honeycomb("honeycomb:\n  spool:\n    fsync: never\n").spool().fsync())
                    .isEqualTo(SpoolConfig.Fsync.NEVER);
            assertThat(problems("honeycomb:\n  spool:\n    fsync: sometimes\n")).containsExactly(
                    "honeycomb.spool.fsync: sometimes (expected: always, interval or never)");
        }

        @Test
        void refusesBadSpoolSizesAndInterval() throws Exception {
            assertThat(problems("""
                    honeycomb:
                      spool:
                        fsync_interval: 0ms
                        max_bytes: 10MiB
                        segment_bytes: 1000
                    """)).containsExactly(
                    "honeycomb.spool.fsync_interval: 0ms " + POSITIVE_DURATION,
                    "honeycomb.spool.max_bytes: 10MiB (expected: a size in bytes >= 16MiB, e.g. 1073741824 or 1GiB)",
                    "honeycomb.spool.segment_bytes: 1000"
                            + " (expected: a size in bytes >= 1MiB, e.g. 67108864 or 64MiB)");
        }

        @Test
        void refusesSegmentBytesAboveMaxBytes() throws Exception {
            assertThat(problems("honeycomb:\n  spool:\n    max_bytes: 32MiB\n    segment_bytes: 64MiB\n"))
                    .containsExactly("honeycomb.spool.segment_bytes: 64MiB (expected: at most"
                            + " honeycomb.spool.max_bytes = 33554432, so that the spool holds a segment)");
        }

        @Test
        void suggestsTheRightKeyInsideTheNestedSpoolSection() throws Exception {
            assertThat(problems("honeycomb:\n  spool:\n    fsyncc: always\n    directory: /x\n")).containsExactly(
                    "honeycomb.spool.fsyncc: unknown key (did you mean honeycomb.spool.fsync?)",
                    "honeycomb.spool.directory: unknown key (expected one of: dir, fsync, fsync_interval,"
                            + " max_bytes, segment_bytes)");
        }

        @Test
        void suggestsTheSpoolSectionForSpoolKeysWrittenOneLevelTooHighOrTooLow() throws Exception {
            assertThat(problems("honeycomb:\n  fsync: always\nspool:\n  dir: /x\n")).containsExactly(
                    "honeycomb.fsync: unknown key (did you mean honeycomb.spool.fsync?)",
                    "spool: unknown key (did you mean honeycomb.spool?)");
        }

        @Test
        void refusesASpoolThatIsNotAMap() throws Exception {
            assertThat(problems("honeycomb:\n  spool: /var/spool/relay\n")).containsExactly(
                    "honeycomb.spool: a string (expected: a map with keys dir, fsync, fsync_interval, max_bytes,"
                            + " segment_bytes)");
        }
    }
}
