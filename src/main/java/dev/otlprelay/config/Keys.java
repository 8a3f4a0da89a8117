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
 * Every configuration key, once, in the file's order: its section, name, environment variable, kind, default and
 * a one-line summary of what it means.
 * {@link ConfigLoader} reads each key through its entry here; {@link Schema}'s key layout (unknown keys, "did you
 * mean"), the environment variables ({@link #ENV_VARS}) and {@code --help}'s list of them
 * ({@link EnvironmentVariables}) come from this table, and tests check {@code config/relay.yaml}, the README and
 * the effective configuration against it; {@link KeysReference} renders the key reference in
 * {@code docs/configuration.md} from it. Adding a key means one entry here, its reading in the loader's section
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
            ValueKind.address(R.httpAddress()), R.httpAddress(),
            "OTLP/HTTP listen address (`[v6]:port` and `:port` work too)");
    static final Key<HostPort> GRPC_ADDRESS = value("receiver", "grpc_address", "RELAY_GRPC_ADDRESS",
            ValueKind.address(R.grpcAddress()), R.grpcAddress(), "OTLP/gRPC listen address");
    static final Key<Long> MAX_REQUEST_BYTES = sized("receiver", "max_request_bytes", "RELAY_MAX_REQUEST_BYTES",
            ValueKind.size(R.maxRequestBytes()), MemoryBounds::maxRequest, MemoryBounds.MAX_REQUEST_RULE,
            "HTTP body limit after decompression (413 above it); at most `receiver.max_inflight_bytes`");
    static final Key<Long> MAX_GRPC_MESSAGE_BYTES = value("receiver", "max_grpc_message_bytes", null,
            ValueKind.positiveIntSize(R.maxGrpcMessageBytes()), (long) R.maxGrpcMessageBytes(),
            "gRPC message limit (RESOURCE_EXHAUSTED above it); at most `receiver.max_inflight_bytes`");
    static final Key<Long> MAX_INFLIGHT_BYTES = sized("receiver", "max_inflight_bytes", "RELAY_MAX_INFLIGHT_BYTES",
            ValueKind.size(R.maxInflightBytes()), MemoryBounds::inflight, MemoryBounds.INFLIGHT_RULE,
            "process-wide admission budget, in decompressed bytes that have arrived (503 / UNAVAILABLE above it)");
    static final Key<Duration> RETRY_AFTER = value("receiver", "retry_after", null, ValueKind.DURATION,
            R.retryAfter(), "`Retry-After` given to clients when the relay sheds load");
    static final Key<Duration> RECEIVE_TIMEOUT = value("receiver", "request_timeout", "RELAY_REQUEST_TIMEOUT",
            ValueKind.POSITIVE_DURATION, R.requestTimeout(),
            "an OTLP/HTTP request must arrive whole within this of its first line, else 408 and the connection closes");
    static final Key<Void> CORS = section("receiver", "cors",
            "CORS for browser apps (OpenTelemetry's web exporters) on the OTLP/HTTP port; off without allowed origins "
                    + "([receiving.md](receiving.md#browser-apps-cors)).");
    static final Key<String> CORS_ALLOWED_ORIGINS = list("receiver.cors", "allowed_origins",
            "RELAY_CORS_ALLOWED_ORIGINS", ValueKind.CORS_ORIGIN,
            "origins browser apps may send from; empty = CORS off");
    static final Key<String> CORS_ALLOWED_HEADERS = list("receiver.cors", "allowed_headers",
            "RELAY_CORS_ALLOWED_HEADERS", ValueKind.CORS_HEADER, "request headers allowed besides Accept, "
                    + "Accept-Language, Content-Language, Content-Type, Origin and X-Requested-With");
    static final Key<Duration> CORS_MAX_AGE = value("receiver.cors", "max_age", null, ValueKind.DURATION,
            R.cors().maxAge(), "how long a browser may cache a preflight answer; 0s sends no `Access-Control-Max-Age` "
                    + "(browsers then keep it 5 s)");

    // ---- admin ----
    static final Key<HostPort> ADMIN_ADDRESS = value("admin", "address", "RELAY_ADMIN_ADDRESS",
            ValueKind.address(AdminConfig.defaults().address()), AdminConfig.defaults().address(),
            "metrics, health and debug endpoints; its port must differ from the receivers' (0 = any free port)");

    // ---- honeycomb ----
    /** Also {@link #API_KEY_FILE_ENV} (see {@link #ENV_VARS}); read by {@link ApiKeySource}. */
    static final Key<Void> API_KEY = own("honeycomb", "api_key", "HONEYCOMB_API_KEY",
            ValueKind.named("secret (shown as a `sha256:` fingerprint)"), Optional.empty(),
            "the Honeycomb API key, or a file holding it (e.g. a Docker secret; not both); empty = Honeycomb export "
                    + "off (with `key_mode: relay`)");
    static final Key<String> API_ENDPOINT = value("honeycomb", "api_endpoint", "HONEYCOMB_API_ENDPOINT",
            ValueKind.ENDPOINT, H.apiEndpoint(), "Honeycomb's API, e.g. `https://api.eu1.honeycomb.io`");
    static final Key<String> DATASET = value("honeycomb", "dataset", "HONEYCOMB_DATASET", ValueKind.DATASET, "",
            "the dataset, only for Honeycomb Classic environments");
    static final Key<HoneycombConfig.KeyMode> KEY_MODE = value("honeycomb", "key_mode", null, ValueKind.KEY_MODE,
            H.keyMode(), "whose key authenticates a batch: `relay`, always `api_key`; `client`, each request's own "
                    + "`x-honeycomb-team`; `client-or-relay`, the request's when it has one, else `api_key` "
                    + "([honeycomb.md](honeycomb.md#keys))");
    static final Key<Boolean> COMPRESSION = value("honeycomb", "compression", null, ValueKind.COMPRESSION, H.gzip(),
            "compression of the batches sent");
    static final Key<Duration> BATCH_TIMEOUT = value("honeycomb", "batch_timeout", null,
            ValueKind.POSITIVE_DURATION, B.timeout(), "a batch is sent after this long, at `batch_max_spans` or at "
                    + "`batch_max_bytes`, whichever comes first");
    static final Key<Long> BATCH_MAX_SPANS = value("honeycomb", "batch_max_spans", null,
            ValueKind.whole(1, 1_000_000, "", B.maxSpans()), (long) B.maxSpans(), "spans in a batch at most");
    static final Key<Long> BATCH_MAX_BYTES = value("honeycomb", "batch_max_bytes", null,
            ValueKind.sizeBetween(1024, ValueKind.HONEYCOMB_MAX_BATCH_BYTES,
                    " (Honeycomb refuses batches over 5 MB)", B.maxBytes()), B.maxBytes(),
            "uncompressed bytes in a batch at most (Honeycomb refuses batches over 5 MB)");
    static final Key<Duration> RETRY_INITIAL_BACKOFF = value("honeycomb", "retry_initial_backoff", null,
            ValueKind.POSITIVE_DURATION, RT.initialBackoff(), "wait after the first failed attempt");
    static final Key<Double> RETRY_MULTIPLIER = value("honeycomb", "retry_multiplier", null,
            ValueKind.decimal(">= 1", 1, Double.MAX_VALUE, RT.multiplier()), RT.multiplier(),
            "each further wait is this many times longer");
    static final Key<Double> RETRY_JITTER = value("honeycomb", "retry_jitter", null,
            ValueKind.decimal("from 0 to 1", 0, 1, RT.jitter()), RT.jitter(),
            "each wait varies randomly by up to this fraction (0.5 = ±50 %)");
    static final Key<Duration> RETRY_MAX_BACKOFF = value("honeycomb", "retry_max_backoff", null,
            ValueKind.POSITIVE_DURATION, RT.maxBackoff(), "longest wait between attempts; at least "
                    + "`retry_initial_backoff`");
    static final Key<Duration> RETRY_MAX_ELAPSED = value("honeycomb", "retry_max_elapsed", null,
            ValueKind.DURATION, RT.maxElapsed(), "a batch is given up after retrying this long; 0 = never retry");
    static final Key<Duration> SEND_TIMEOUT = value("honeycomb", "request_timeout", null,
            ValueKind.POSITIVE_DURATION, RT.attemptTimeout(), "timeout of each send attempt");
    static final Key<Long> SENDERS = value("honeycomb", "senders", null, ValueKind.whole(1, 64, "", RT.senders()),
            (long) RT.senders(), "batches in flight at once");
    static final Key<Void> RETRY_ON = own("honeycomb", "retry_on", null,
            ValueKind.named("list of HTTP statuses, 400 to 599 but 413"), RT.retryOn(),
            "statuses retried, besides timeouts and connection errors; 413 splits the batch instead");
    static final Key<Long> HONEYCOMB_QUEUE_BYTES = sized("honeycomb", "queue_bytes", null,
            ValueKind.sizeAtLeastMib(H.queueBytes()), MemoryBounds::honeycombQueue, MemoryBounds.HONEYCOMB_QUEUE_RULE,
            "bound of the in-memory export queue; when it is full clients are answered 503 + `Retry-After`");
    static final Key<Duration> READY_MAX_QUEUE_AGE = value("honeycomb", "ready_max_queue_age", null,
            ValueKind.POSITIVE_DURATION, H.readyMaxQueueAge(),
            "`/readyz` fails when the oldest queued batch is older than this");
    static final Key<Void> SPOOL = section("honeycomb", "spool",
            "The durable spool on disk for the export queue; off without a directory "
                    + "([durability.md](durability.md)).");
    static final Key<Optional<Path>> SPOOL_DIR = value("honeycomb.spool", "dir", "RELAY_SPOOL_DIR",
            ValueKind.SPOOL_DIR, Optional.empty(), "directory of the segment log (relative to the working directory); "
                    + "empty = no spool; one relay per directory");
    static final Key<SpoolConfig.Fsync> FSYNC = value("honeycomb.spool", "fsync", null, ValueKind.FSYNC,
            SP.fsync(), "when appended data is forced to disk");
    static final Key<Duration> FSYNC_INTERVAL = value("honeycomb.spool", "fsync_interval", null,
            ValueKind.POSITIVE_DURATION, SP.fsyncInterval(), "group-commit interval of `fsync: interval`");
    static final Key<Long> SPOOL_MAX_BYTES = value("honeycomb.spool", "max_bytes", null,
            ValueKind.sizeAtLeast(16 * 1024 * 1024, SP.maxBytes()), SP.maxBytes(), "disk bound of the spool");
    static final Key<Long> SEGMENT_BYTES = value("honeycomb.spool", "segment_bytes", null,
            ValueKind.sizeAtLeastMib(SP.segmentBytes()), SP.segmentBytes(),
            "size at which a new segment file starts; at most `max_bytes`");

    // ---- xray ----
    static final Key<DebugExporterConfig.Mode> XRAY_ENABLED = value("xray", "enabled", null, ValueKind.MODE,
            X.enabled(), "X-Ray export; `auto` = on when a daemon address is configured");
    static final Key<Optional<HostPort>> DAEMON_ADDRESS = value("xray", "daemon_address", "AWS_XRAY_DAEMON_ADDRESS",
            ValueKind.DAEMON_ADDRESS, Optional.empty(), "the X-Ray daemon (its UDP address is used); empty = not "
                    + "configured, and `" + X.daemonAddress() + "` is used with `enabled: true`");
    static final Key<String> INDEXED_ATTRIBUTES = list("xray", "indexed_attributes", null, ValueKind.ATTRIBUTE_KEY,
            "span and resource attributes sent as X-Ray annotations");
    static final Key<Boolean> INDEX_ALL_ATTRIBUTES = value("xray", "index_all_attributes", null, ValueKind.BOOLEAN,
            X.indexAllAttributes(), "every eligible attribute becomes an annotation");
    static final Key<Boolean> ANNOTATE_SAMPLING = value("xray", "annotate_sampling", null, ValueKind.BOOLEAN,
            X.annotateSampling(), "add the relay's sampling weight and rule as annotations");
    static final Key<Long> MAX_DATAGRAMS_PER_SECOND = value("xray", "max_datagrams_per_second", null,
            ValueKind.whole(0, 1_000_000, " (0 = unpaced)", X.maxDatagramsPerSecond()),
            (long) X.maxDatagramsPerSecond(), "pacing cap; datagrams go in bursts of at most 64");
    static final Key<Long> XRAY_QUEUE_BYTES = sized("xray", "queue_bytes", null,
            ValueKind.sizeAtLeastMib(X.queueBytes()), MemoryBounds::xrayQueue, MemoryBounds.XRAY_QUEUE_RULE,
            "bound of the X-Ray export queue");
    static final Key<XrayConfig.Documents> DOCUMENTS = value("xray", "documents", "RELAY_XRAY_DOCUMENTS",
            ValueKind.DOCUMENTS, X.documents(), "`nested`: one document per service segment with its subsegments "
                    + "inside, as the X-Ray SDKs send; `per_span`: one document and one datagram per span");
    static final Key<Long> MAX_SUBSEGMENTS_PER_DOCUMENT = value("xray", "max_subsegments_per_document", null,
            ValueKind.whole(1, 10_000, "", X.maxSubsegmentsPerDocument()), (long) X.maxSubsegmentsPerDocument(),
            "subsegments nested in one document at most; beyond it (or 64,000 bytes) whole subtrees go as "
                    + "independent subsegments");

    // ---- sampling ----
    static final Key<Optional<Path>> RULES_FILE = value("sampling", "rules_file", "RELAY_SAMPLING_RULES",
            ValueKind.RULES_FILE, Optional.empty(), "X-Ray sampling rules (JSON, any of the X-Ray formats), e.g. "
                    + "`config/sampling/xray.json`; empty = none");
    static final Key<Duration> RELOAD_INTERVAL = value("sampling", "reload_interval", null,
            ValueKind.POSITIVE_DURATION, SM.reloadInterval(), "how often `rules_file` is checked for changes; a "
                    + "broken new file is refused and the last good rules stay");
    static final Key<Duration> DECISION_WAIT = value("sampling", "decision_wait", null, ValueKind.DURATION,
            SM.decisionWait(), "a trace is decided this long after its local root span arrives (at once when its "
                    + "true root arrives and only rules and non-error conditions decide)");
    static final Key<Duration> TRACE_TIMEOUT = value("sampling", "trace_timeout", null,
            ValueKind.POSITIVE_DURATION, SM.traceTimeout(),
            "a trace whose root never arrives is decided this long after its first span");
    static final Key<Long> MAX_SPANS_PER_TRACE = value("sampling", "max_spans_per_trace", null,
            ValueKind.whole(1, 1_000_000, "", SM.maxSpansPerTrace()), (long) SM.maxSpansPerTrace(),
            "a trace holding this many spans is decided at once");
    static final Key<Long> MAX_LIVE_TRACES = value("sampling", "max_live_traces", null,
            ValueKind.whole(1, 10_000_000, "", SM.maxLiveTraces()), (long) SM.maxLiveTraces(),
            "traces held at once; above it the oldest are decided early (reason `ejected`)");
    static final Key<Long> MAX_BUFFER_BYTES = sized("sampling", "max_buffer_bytes", null,
            ValueKind.sizeAtLeastMib(SM.maxBufferBytes()), MemoryBounds::samplingBuffer,
            MemoryBounds.SAMPLING_BUFFER_RULE, "span bytes held at once; above it the oldest traces are decided "
                    + "early; at least `receiver.max_request_bytes`");
    static final Key<Long> KEPT_CACHE_TRACES = value("sampling", "kept_cache_traces", null,
            ValueKind.whole(1, 100_000_000, "", SM.keptCacheTraces()), (long) SM.keptCacheTraces(),
            "kept trace ids remembered, so that late spans follow the decision");
    static final Key<Long> DROPPED_FILTER_TRACES = value("sampling", "dropped_filter_traces", null,
            ValueKind.whole(1, 1_000_000_000, "", SM.droppedFilterTraces()), (long) SM.droppedFilterTraces(),
            "dropped trace ids remembered (in a compact filter)");
    static final Key<Void> CONDITIONS = own("sampling", "conditions", null,
            ValueKind.named("list of conditions"), List.of(), "whole-trace conditions tried before the rules, first "
                    + "match wins ([sampling.md](sampling.md#whole-trace-conditions); examples in "
                    + "`config/relay.yaml`)");
    static final Key<Void> SAMPLING_XRAY = section("sampling", "xray",
            "X-Ray's own rules; with both keys empty X-Ray follows the decision above "
                    + "([sampling.md](sampling.md#per-destination)).");
    static final Key<Optional<Path>> XRAY_RULES_FILE = value("sampling.xray", "rules_file", null,
            ValueKind.RULES_FILE, Optional.empty(), "X-Ray rules file for the X-Ray destination only");
    static final Key<Void> XRAY_CONDITIONS = own("sampling.xray", "conditions", null,
            ValueKind.named("list of conditions"), List.of(),
            "conditions for the X-Ray destination only, with the keys of `sampling.conditions`");

    // ---- debug, shutdown ----
    static final Key<DebugExporterConfig.Mode> DEBUG_ENABLED = value("debug", "enabled", null, ValueKind.MODE,
            DebugExporterConfig.defaults().enabled(), "print received spans, one line per batch; `auto` = on when "
                    + "neither Honeycomb nor X-Ray export is on");
    static final Key<Duration> DRAIN_TIMEOUT = value("shutdown", "drain_timeout", null, ValueKind.DURATION,
            ShutdownConfig.defaults().drainTimeout(), "how long the whole stop may take from SIGTERM (closing, "
                    + "draining, final counts); 8s fits `docker stop`'s 10 s");

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

    private static <T> Key<T> value(String section, String name, String env, ValueKind<T> kind, T dflt,
                                    String summary) {
        return add(new Key<>(section, name, env, Reading.VALUE, kind, heap -> dflt, null, summary));
    }

    private static <T> Key<T> sized(String section, String name, String env, ValueKind<T> kind,
                                    LongFunction<T> fromHeap, String heapRule, String summary) {
        return add(new Key<>(section, name, env, Reading.VALUE, kind, fromHeap, heapRule, summary));
    }

    private static <T> Key<T> list(String section, String name, String env, ValueKind<T> item, String summary) {
        return add(new Key<>(section, name, env, Reading.LIST, item, heap -> List.of(), null, summary));
    }

    private static Key<Void> own(String section, String name, String env, ValueKind<Void> named, Object dflt,
                                 String summary) {
        return add(new Key<>(section, name, env, Reading.OWN, named, heap -> dflt, null, summary));
    }

    private static Key<Void> section(String section, String name, String summary) {
        return add(new Key<>(section, name, null, Reading.SECTION, null, null, null, summary));
    }

    private static <T> Key<T> add(Key<T> key) {
        TABLE.add(key);
        return key;
    }
}
