package dev.otlprelay.config;

import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.Optional;

/**
 * The Honeycomb exporter (YAML section {@code honeycomb}).
 *
 * @param apiKey      the API key ({@code HONEYCOMB_API_KEY} or {@code HONEYCOMB_API_KEY_FILE}); empty means
 *                    Honeycomb export is off (unless {@code keyMode} takes keys from clients)
 * @param apiEndpoint absolute http(s) URL without a trailing slash ({@code HONEYCOMB_API_ENDPOINT},
 *                    default https://api.honeycomb.io)
 * @param dataset     dataset for classic environments ({@code HONEYCOMB_DATASET}); {@code null} when unset
 * @param keyMode     whose key authenticates a batch ({@code honeycomb.key_mode}, default {@code relay})
 * @param gzip        compress batches ({@code honeycomb.compression: gzip | none}, default gzip)
 * @param batch       when a batch is sent
 * @param retry       how failed sends are retried
 * @param queueBytes  bound of the in-memory queue ({@code honeycomb.queue_bytes}, default 256 MiB)
 * @param readyMaxQueueAge {@code /readyz} fails when the oldest queued batch is older
 *                    ({@code honeycomb.ready_max_queue_age}, default 60s)
 * @param spool       the durable spool (section {@code honeycomb.spool}); off unless a directory is set
 */
public record HoneycombConfig(Optional<Secret> apiKey, String apiEndpoint, String dataset, KeyMode keyMode,
                              boolean gzip, BatchConfig batch, RetryConfig retry, long queueBytes,
                              Duration readyMaxQueueAge, SpoolConfig spool) {

    /** Default {@link #apiEndpoint()}. */
    public static final String DEFAULT_API_ENDPOINT = "https://api.honeycomb.io";

    /** {@code honeycomb.key_mode}: {@code relay}, {@code client}, {@code client-or-relay}. */
    public enum KeyMode {
        /** Always the relay's own key; clients' {@code x-honeycomb-team} headers are ignored. */
        RELAY("relay"),
        /** The request's own {@code x-honeycomb-team}; requests without one are refused. */
        CLIENT("client"),
        /** The request's own key when it has one, else the relay's. */
        CLIENT_OR_RELAY("client-or-relay");

        private final String word;

        KeyMode(String word) {
            this.word = word;
        }

        /** The word used in YAML. */
        public String word() {
            return word;
        }
    }

    /**
     * {@code honeycomb.batch_*}: a batch is sent after {@code timeout} (default 200ms), or at {@code maxSpans}
     * spans (default 8192), or at {@code maxBytes} uncompressed bytes (default 4 MiB), whichever comes first.
     */
    public record BatchConfig(Duration timeout, int maxSpans, long maxBytes) {
        public BatchConfig {
            Objects.requireNonNull(timeout, "timeout");
        }

        public static BatchConfig defaults() {
            return new BatchConfig(Duration.ofMillis(200), 8192, 4L * 1024 * 1024);
        }
    }

    /**
     * {@code honeycomb.retry_*}: exponential backoff from {@code initialBackoff} (5s) times {@code multiplier}
     * (1.5) with ±{@code jitter} (0.5 = ±50 %), at most {@code maxBackoff} (30s) between attempts, giving up
     * after {@code maxElapsed} (300s); each attempt times out after {@code attemptTimeout} (10s); at most
     * {@code senders} (4) batches are in flight at once. {@code retryOn} ({@code honeycomb.retry_on}) are the
     * HTTP statuses retried besides timeouts and connection errors: the OTLP specification's 429, 502, 503 and 504,
     * and 500 too, since a relay whose user turned the spool on asked not to lose acknowledged data to a server's
     * error.
     */
    public record RetryConfig(Duration initialBackoff, double multiplier, double jitter, Duration maxBackoff,
                              Duration maxElapsed, Duration attemptTimeout, int senders, Set<Integer> retryOn) {
        /** {@code honeycomb.retry_on} by default. */
        public static final Set<Integer> DEFAULT_RETRY_ON = Collections.unmodifiableSet(
                new TreeSet<>(List.of(429, 500, 502, 503, 504)));

        public RetryConfig {
            Objects.requireNonNull(initialBackoff, "initialBackoff");
            Objects.requireNonNull(maxBackoff, "maxBackoff");
            Objects.requireNonNull(maxElapsed, "maxElapsed");
            Objects.requireNonNull(attemptTimeout, "attemptTimeout");
            retryOn = Collections.unmodifiableSet(new TreeSet<>(retryOn));
        }

        public static RetryConfig defaults() {
            return new RetryConfig(Duration.ofSeconds(5), 1.5, 0.5, Duration.ofSeconds(30), Duration.ofSeconds(300),
                    Duration.ofSeconds(10), 4, DEFAULT_RETRY_ON);
        }
    }

    public HoneycombConfig {
        Objects.requireNonNull(apiKey, "apiKey");
        Objects.requireNonNull(apiEndpoint, "apiEndpoint");
        Objects.requireNonNull(keyMode, "keyMode");
        Objects.requireNonNull(batch, "batch");
        Objects.requireNonNull(retry, "retry");
        Objects.requireNonNull(readyMaxQueueAge, "readyMaxQueueAge");
        Objects.requireNonNull(spool, "spool");
    }

    /** The documented defaults (no key, so export is off). */
    public static HoneycombConfig defaults() {
        return new HoneycombConfig(Optional.empty(), DEFAULT_API_ENDPOINT, null, KeyMode.RELAY, true,
                BatchConfig.defaults(), RetryConfig.defaults(), MemoryBounds.honeycombQueue(MemoryBounds.maxHeap()),
                Duration.ofSeconds(60),
                SpoolConfig.defaults());
    }

    /** True when spans are exported to Honeycomb: the relay has a key, or keys come from clients. */
    public boolean exportEnabled() {
        return apiKey.isPresent() || keyMode != KeyMode.RELAY;
    }
}
