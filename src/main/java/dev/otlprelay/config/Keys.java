package dev.otlprelay.config;

import dev.otlprelay.config.Key.Reading;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongFunction;

/**
 * Every configuration key, once, in the file's order: its section, name, environment variable, kind and default.
 * {@link ConfigLoader} reads each key through its entry here; {@link Schema}'s key layout (unknown keys, "did you
 * mean"), the environment variables ({@link #ENV_VARS}) and {@code --help}'s list of them
 * ({@link EnvironmentVariables}) come from this table, and tests check {@code config/relay.yaml}, the README and
 * the effective configuration against it. Adding a key means one entry here, its reading in the loader's section
 * method and the field of the section record that holds it.
 */
final class Keys {

    private static final List<Key<?>> TABLE = new ArrayList<>();

    /** Names the configuration file; it overrides no key. */
    static final String CONFIG_FILE_ENV = "RELAY_CONFIG";
    /** Names a file holding the Honeycomb API key, instead of {@code HONEYCOMB_API_KEY} (not both). */
    static final String API_KEY_FILE_ENV = "HONEYCOMB_API_KEY_FILE";

    private static final ReceiverConfig R = ReceiverConfig.defaults();
    private static final HoneycombConfig H = HoneycombConfig.defaults();
    private static final HoneycombConfig.BatchConfig B = H.batch();
    private static final HoneycombConfig.RetryConfig RT = H.retry();
    private static final SpoolConfig SP = H.spool();
    private static final XrayConfig X = XrayConfig.defaults();
    private static final SamplingConfig SM = SamplingConfig.defaults();

    // ---- receiver ----
    static final Key<HostPort> HTTP_ADDRESS = value("receiver", "http_address", "RELAY_HTTP_ADDRESS",
            ValueKind.address(R.httpAddress()), R.httpAddress());
    static final Key<HostPort> GRPC_ADDRESS = value("receiver", "grpc_address", "RELAY_GRPC_ADDRESS",
            ValueKind.address(R.grpcAddress()), R.grpcAddress());
    static final Key<Long> MAX_REQUEST_BYTES = sized("receiver", "max_request_bytes", "RELAY_MAX_REQUEST_BYTES",
            ValueKind.size(R.maxRequestBytes()), MemoryBounds::maxRequest);
    static final Key<Long> MAX_GRPC_MESSAGE_BYTES = value("receiver", "max_grpc_message_bytes", null,
            ValueKind.positiveIntSize(R.maxGrpcMessageBytes()), (long) R.maxGrpcMessageBytes());
    static final Key<Long> MAX_INFLIGHT_BYTES = sized("receiver", "max_inflight_bytes", "RELAY_MAX_INFLIGHT_BYTES",
            ValueKind.size(R.maxInflightBytes()), MemoryBounds::inflight);
    static final Key<Duration> RETRY_AFTER = value("receiver", "retry_after", null, ValueKind.DURATION,
            R.retryAfter());
    static final Key<Duration> RECEIVE_TIMEOUT = value("receiver", "request_timeout", "RELAY_REQUEST_TIMEOUT",
            ValueKind.POSITIVE_DURATION, R.requestTimeout());
    static final Key<Void> CORS = section("receiver", "cors");
    static final Key<String> CORS_ALLOWED_ORIGINS = list("receiver.cors", "allowed_origins",
            "RELAY_CORS_ALLOWED_ORIGINS", ValueKind.CORS_ORIGIN);
    static final Key<String> CORS_ALLOWED_HEADERS = list("receiver.cors", "allowed_headers",
            "RELAY_CORS_ALLOWED_HEADERS", ValueKind.CORS_HEADER);
    static final Key<Duration> CORS_MAX_AGE = value("receiver.cors", "max_age", null, ValueKind.DURATION,
            R.cors().maxAge());

    // ---- admin ----
    static final Key<HostPort> ADMIN_ADDRESS = value("admin", "address", "RELAY_ADMIN_ADDRESS",
            ValueKind.address(AdminConfig.defaults().address()), AdminConfig.defaults().address());

    // ---- honeycomb ----
    /** Also {@link #API_KEY_FILE_ENV} (see {@link #ENV_VARS}); read by {@link ApiKeySource}. */
    static final Key<Void> API_KEY = own("honeycomb", "api_key", "HONEYCOMB_API_KEY", Optional.empty());
    static final Key<String> API_ENDPOINT = value("honeycomb", "api_endpoint", "HONEYCOMB_API_ENDPOINT",
            ValueKind.ENDPOINT, H.apiEndpoint());
    static final Key<String> DATASET = value("honeycomb", "dataset", "HONEYCOMB_DATASET", ValueKind.DATASET, "");
    static final Key<HoneycombConfig.KeyMode> KEY_MODE = value("honeycomb", "key_mode", null, ValueKind.KEY_MODE,
            H.keyMode());
    static final Key<Boolean> COMPRESSION = value("honeycomb", "compression", null, ValueKind.COMPRESSION, H.gzip());
    static final Key<Duration> BATCH_TIMEOUT = value("honeycomb", "batch_timeout", null,
            ValueKind.POSITIVE_DURATION, B.timeout());
    static final Key<Long> BATCH_MAX_SPANS = value("honeycomb", "batch_max_spans", null,
            ValueKind.whole(1, 1_000_000, "", B.maxSpans()), (long) B.maxSpans());
    static final Key<Long> BATCH_MAX_BYTES = value("honeycomb", "batch_max_bytes", null,
            ValueKind.sizeBetween(1024, ValueKind.HONEYCOMB_MAX_BATCH_BYTES,
                    " (Honeycomb refuses batches over 5 MB)", B.maxBytes()), B.maxBytes());
    static final Key<Duration> RETRY_INITIAL_BACKOFF = value("honeycomb", "retry_initial_backoff", null,
            ValueKind.POSITIVE_DURATION, RT.initialBackoff());
    static final Key<Double> RETRY_MULTIPLIER = value("honeycomb", "retry_multiplier", null,
            ValueKind.decimal(">= 1", 1, Double.MAX_VALUE, RT.multiplier()), RT.multiplier());
    static final Key<Double> RETRY_JITTER = value("honeycomb", "retry_jitter", null,
            ValueKind.decimal("from 0 to 1", 0, 1, RT.jitter()), RT.jitter());
    static final Key<Duration> RETRY_MAX_BACKOFF = value("honeycomb", "retry_max_backoff", null,
            ValueKind.POSITIVE_DURATION, RT.maxBackoff());
    static final Key<Duration> RETRY_MAX_ELAPSED = value("honeycomb", "retry_max_elapsed", null,
            ValueKind.DURATION, RT.maxElapsed());
    static final Key<Duration> SEND_TIMEOUT = value("honeycomb", "request_timeout", null,
            ValueKind.POSITIVE_DURATION, RT.attemptTimeout());
    static final Key<Long> SENDERS = value("honeycomb", "senders", null, ValueKind.whole(1, 64, "", RT.senders()),
            (long) RT.senders());
    static final Key<Void> RETRY_ON = own("honeycomb", "retry_on", null, RT.retryOn());
    static final Key<Long> HONEYCOMB_QUEUE_BYTES = sized("honeycomb", "queue_bytes", null,
            ValueKind.sizeAtLeastMib(H.queueBytes()), MemoryBounds::honeycombQueue);
    static final Key<Duration> READY_MAX_QUEUE_AGE = value("honeycomb", "ready_max_queue_age", null,
            ValueKind.POSITIVE_DURATION, H.readyMaxQueueAge());
    static final Key<Void> SPOOL = section("honeycomb", "spool");
    static final Key<Optional<Path>> SPOOL_DIR = value("honeycomb.spool", "dir", "RELAY_SPOOL_DIR",
            ValueKind.SPOOL_DIR, Optional.empty());
    static final Key<SpoolConfig.Fsync> FSYNC = value("honeycomb.spool", "fsync", null, ValueKind.FSYNC,
            SP.fsync());
    static final Key<Duration> FSYNC_INTERVAL = value("honeycomb.spool", "fsync_interval", null,
            ValueKind.POSITIVE_DURATION, SP.fsyncInterval());
    static final Key<Long> SPOOL_MAX_BYTES = value("honeycomb.spool", "max_bytes", null,
            ValueKind.sizeAtLeast(16 * 1024 * 1024, SP.maxBytes()), SP.maxBytes());
    static final Key<Long> SEGMENT_BYTES = value("honeycomb.spool", "segment_bytes", null,
            ValueKind.sizeAtLeastMib(SP.segmentBytes()), SP.segmentBytes());

    // ---- xray ----
    static final Key<DebugExporterConfig.Mode> XRAY_ENABLED = value("xray", "enabled", null, ValueKind.MODE,
            X.enabled());
    static final Key<Optional<HostPort>> DAEMON_ADDRESS = value("xray", "daemon_address", "AWS_XRAY_DAEMON_ADDRESS",
            ValueKind.DAEMON_ADDRESS, Optional.empty());
    static final Key<String> INDEXED_ATTRIBUTES = list("xray", "indexed_attributes", null, ValueKind.ATTRIBUTE_KEY);
    static final Key<Boolean> INDEX_ALL_ATTRIBUTES = value("xray", "index_all_attributes", null, ValueKind.BOOLEAN,
            X.indexAllAttributes());
    static final Key<Boolean> ANNOTATE_SAMPLING = value("xray", "annotate_sampling", null, ValueKind.BOOLEAN,
            X.annotateSampling());
    static final Key<Long> MAX_DATAGRAMS_PER_SECOND = value("xray", "max_datagrams_per_second", null,
            ValueKind.whole(0, 1_000_000, " (0 = unpaced)", X.maxDatagramsPerSecond()),
            (long) X.maxDatagramsPerSecond());
    static final Key<Long> XRAY_QUEUE_BYTES = sized("xray", "queue_bytes", null,
            ValueKind.sizeAtLeastMib(X.queueBytes()), MemoryBounds::xrayQueue);
    static final Key<XrayConfig.Documents> DOCUMENTS = value("xray", "documents", "RELAY_XRAY_DOCUMENTS",
            ValueKind.DOCUMENTS, X.documents());
    static final Key<Long> MAX_SUBSEGMENTS_PER_DOCUMENT = value("xray", "max_subsegments_per_document", null,
            ValueKind.whole(1, 10_000, "", X.maxSubsegmentsPerDocument()), (long) X.maxSubsegmentsPerDocument());

    // ---- sampling ----
    static final Key<Optional<Path>> RULES_FILE = value("sampling", "rules_file", "RELAY_SAMPLING_RULES",
            ValueKind.RULES_FILE, Optional.empty());
    static final Key<Duration> RELOAD_INTERVAL = value("sampling", "reload_interval", null,
            ValueKind.POSITIVE_DURATION, SM.reloadInterval());
    static final Key<Duration> DECISION_WAIT = value("sampling", "decision_wait", null, ValueKind.DURATION,
            SM.decisionWait());
    static final Key<Duration> TRACE_TIMEOUT = value("sampling", "trace_timeout", null,
            ValueKind.POSITIVE_DURATION, SM.traceTimeout());
    static final Key<Long> MAX_SPANS_PER_TRACE = value("sampling", "max_spans_per_trace", null,
            ValueKind.whole(1, 1_000_000, "", SM.maxSpansPerTrace()), (long) SM.maxSpansPerTrace());
    static final Key<Long> MAX_LIVE_TRACES = value("sampling", "max_live_traces", null,
            ValueKind.whole(1, 10_000_000, "", SM.maxLiveTraces()), (long) SM.maxLiveTraces());
    static final Key<Long> MAX_BUFFER_BYTES = sized("sampling", "max_buffer_bytes", null,
            ValueKind.sizeAtLeastMib(SM.maxBufferBytes()), MemoryBounds::samplingBuffer);
    static final Key<Long> KEPT_CACHE_TRACES = value("sampling", "kept_cache_traces", null,
            ValueKind.whole(1, 100_000_000, "", SM.keptCacheTraces()), (long) SM.keptCacheTraces());
    static final Key<Long> DROPPED_FILTER_TRACES = value("sampling", "dropped_filter_traces", null,
            ValueKind.whole(1, 1_000_000_000, "", SM.droppedFilterTraces()), (long) SM.droppedFilterTraces());
    static final Key<Void> CONDITIONS = own("sampling", "conditions", null, List.of());
    static final Key<Void> SAMPLING_XRAY = section("sampling", "xray");
    static final Key<Optional<Path>> XRAY_RULES_FILE = value("sampling.xray", "rules_file", null,
            ValueKind.RULES_FILE, Optional.empty());
    static final Key<Void> XRAY_CONDITIONS = own("sampling.xray", "conditions", null, List.of());

    // ---- debug, shutdown ----
    static final Key<DebugExporterConfig.Mode> DEBUG_ENABLED = value("debug", "enabled", null, ValueKind.MODE,
            DebugExporterConfig.defaults().enabled());
    static final Key<Duration> DRAIN_TIMEOUT = value("shutdown", "drain_timeout", null, ValueKind.DURATION,
            ShutdownConfig.defaults().drainTimeout());

    /** Every key and nested section, in the file's order. */
    static final List<Key<?>> ALL = Collections.unmodifiableList(TABLE);

    /**
     * Every environment variable the loader reads: {@code RELAY_CONFIG} (the file), then each key's, with
     * {@code HONEYCOMB_API_KEY_FILE} beside {@code HONEYCOMB_API_KEY}. These names are a contract and never change.
     */
    static final List<String> ENV_VARS;

    static {
        Set<String> vars = new LinkedHashSet<>();
        vars.add(CONFIG_FILE_ENV);
        for (Key<?> k : TABLE) {
            vars.addAll(envVars(k));
        }
        ENV_VARS = List.copyOf(vars);
    }

    private Keys() {
    }

    /** The variables that override {@code key}: its own, if any, and {@link #API_KEY_FILE_ENV} beside the API key's. */
    static List<String> envVars(Key<?> key) {
        if (key.env() == null) {
            return List.of();
        }
        return key == API_KEY ? List.of(key.env(), API_KEY_FILE_ENV) : List.of(key.env());
    }

    /**
     * The default of {@code key} as {@code --help} shows it beside the key's variable: its text when it is one fixed
     * value; null when it is a share of the heap, empty, or not one value (a list, the API key).
     */
    static <T> String shownDefault(Key<T> key) {
        if (key.reading() != Reading.VALUE || key.fromHeap()) {
            return null;
        }
        String text = key.kind().show(key.defaultValue(MemoryBounds.maxHeap()));
        return text.isEmpty() ? null : text;
    }

    private static <T> Key<T> value(String section, String name, String env, ValueKind<T> kind, T dflt) {
        return add(new Key<>(section, name, env, Reading.VALUE, kind, heap -> dflt, false));
    }

    private static <T> Key<T> sized(String section, String name, String env, ValueKind<T> kind,
                                    LongFunction<T> fromHeap) {
        return add(new Key<>(section, name, env, Reading.VALUE, kind, fromHeap, true));
    }

    private static <T> Key<T> list(String section, String name, String env, ValueKind<T> item) {
        return add(new Key<>(section, name, env, Reading.LIST, item, heap -> List.of(), false));
    }

    private static Key<Void> own(String section, String name, String env, Object dflt) {
        return add(new Key<>(section, name, env, Reading.OWN, null, heap -> dflt, false));
    }

    private static Key<Void> section(String section, String name) {
        return add(new Key<>(section, name, null, Reading.SECTION, null, null, false));
    }

    private static <T> Key<T> add(Key<T> key) {
        TABLE.add(key);
        return key;
    }
}
