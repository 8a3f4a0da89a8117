package dev.otlprelay.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Builds the {@link RelayConfig} from the YAML file, {@code ${VAR}} substitution and environment overrides,
 * reporting every problem at once.
 *
 * <p>File: {@code file} if given, else {@code RELAY_CONFIG}, else {@code config/relay.yaml} under the working
 * directory when it exists, else none (defaults and environment only); {@link YamlFile} reads it. The environment
 * variables that override keys are those of {@link Keys} ({@link Keys#ENV_VARS}); a variable set to the empty string
 * counts as unset. Relative paths (file, {@code RELAY_CONFIG}, {@code HONEYCOMB_API_KEY_FILE},
 * {@code honeycomb.spool.dir}, {@code RELAY_SPOOL_DIR}) resolve against the working directory.
 *
 * <p>This class puts the sections together: it reads each key through {@link KeyReader} (the API key through
 * {@link ApiKeySource}), checks the keys that bound one another, and builds the records once every problem is known.
 */
public final class ConfigLoader {

    private static final long MIB = 1024 * 1024;

    private ConfigLoader() {
    }

    /**
     * @param file       explicit path (from {@code --config}) or {@code null}
     * @param env        the environment ({@code System.getenv()} in production, a Map in tests)
     * @param workingDir where {@code config/relay.yaml} is looked for and relative paths resolve
     * @throws ConfigException listing every problem found
     */
    public static RelayConfig load(Path file, Map<String, String> env, Path workingDir) throws ConfigException {
        return load(file, env, workingDir, MemoryBounds.maxHeap());
    }

    /** {@link #load(Path, Map, Path)} as a JVM with this max heap would: for the memory bounds' defaults and check. */
    static RelayConfig load(Path file, Map<String, String> env, Path workingDir, long maxHeapBytes)
            throws ConfigException {
        Objects.requireNonNull(env, "env");
        Objects.requireNonNull(workingDir, "workingDir");
        return new Loading(new LoadContext(env, workingDir.toAbsolutePath().normalize()), maxHeapBytes).load(file);
    }

    /** {@link #load(Path, Map, Path)} with the current directory as working directory. */
    public static RelayConfig load(Path file, Map<String, String> env) throws ConfigException {
        return load(file, env, Path.of("").toAbsolutePath());
    }

    private static final String ATTRIBUTE_LIST = "a list of attribute keys, or one string of keys separated by commas";

    private static final class Loading {
        private final LoadContext context;
        private final YamlFile file;
        private final KeyReader reader;

        /** The JVM's max heap, which the memory bounds not set default from and must fit in. */
        private final long maxHeapBytes;

        Loading(LoadContext context, long maxHeapBytes) {
            this.context = context;
            this.file = new YamlFile(context);
            this.reader = new KeyReader(context, file, maxHeapBytes);
            this.maxHeapBytes = maxHeapBytes;
        }

        RelayConfig load(Path path) throws ConfigException {
            file.read(path);
            file.checkLayout();
            Receiver receiver = receiver();
            Field<HostPort> admin = reader.value(Keys.ADMIN_ADDRESS);
            Honeycomb honeycomb = honeycomb();
            Xray xray = xray();
            Sampling sampling = sampling();
            Field<DebugExporterConfig.Mode> debug = reader.value(Keys.DEBUG_ENABLED);
            Field<Duration> drain = reader.value(Keys.DRAIN_TIMEOUT);

            checkPortsDiffer(List.of(receiver.http(), receiver.grpc(), admin));
            if (sampling.maxBuffer().valid() && receiver.maxRequest().valid()
                    && sampling.maxBuffer().value() < receiver.maxRequest().value()) {
                context.problem(sampling.maxBuffer().label() + ": " + Values.show(sampling.maxBuffer().raw())
                        + " (expected: at least " + receiver.maxRequest().label() + " = "
                        + receiver.maxRequest().value() + ", or a request that size could never be buffered)");
            }
            throwIfProblems();
            RelayConfig config = new RelayConfig(receiver.build().get(), new AdminConfig(admin.value()),
                    honeycomb.build().get(), xray.build().get(), sampling.build().get(),
                    new DebugExporterConfig(debug.value()), new ShutdownConfig(drain.value()), file.source());
            fitsTheHeap(config, honeycomb.queueBytes(), xray.queueBytes(), receiver.maxInflight(),
                    sampling.maxBuffer());
            throwIfProblems();
            return config;
        }

        private void throwIfProblems() throws ConfigException {
            if (!context.problems().isEmpty()) {
                throw new ConfigException(context.problems());
            }
        }

        // Each section's keys, its own cross-checks, and how to build its record once every problem is known.

        private record Receiver(Field<HostPort> http, Field<HostPort> grpc, Field<Long> maxRequest,
                                Field<Long> maxInflight, Supplier<ReceiverConfig> build) {
        }

        private Receiver receiver() {
            Field<HostPort> http = reader.value(Keys.HTTP_ADDRESS);
            Field<HostPort> grpc = reader.value(Keys.GRPC_ADDRESS);
            Field<Long> maxRequest = reader.value(Keys.MAX_REQUEST_BYTES);
            Field<Long> maxGrpc = reader.value(Keys.MAX_GRPC_MESSAGE_BYTES);
            Field<Long> maxInflight = reader.value(Keys.MAX_INFLIGHT_BYTES);
            Field<Duration> retryAfter = reader.value(Keys.RETRY_AFTER);
            Field<Duration> receiveTimeout = reader.value(Keys.RECEIVE_TIMEOUT);
            Field<List<String>> corsOrigins = reader.list(Keys.CORS_ALLOWED_ORIGINS,
                    "a list of origins, or one string of them separated by commas");
            Field<List<String>> corsHeaders = reader.list(Keys.CORS_ALLOWED_HEADERS,
                    "a list of header names, or one string of them separated by commas");
            Field<Duration> corsMaxAge = reader.value(Keys.CORS_MAX_AGE);

            if (maxRequest.valid() && maxInflight.valid() && maxRequest.value() > maxInflight.value()) {
                context.problem(maxRequest.label() + ": " + Values.show(maxRequest.raw()) + " (expected: at most "
                        + maxInflight.label() + " = " + maxInflight.value()
                        + ", or no request could ever be admitted)");
            }
            if (maxGrpc.valid() && maxInflight.valid() && maxGrpc.value() > maxInflight.value()) {
                context.problem(maxGrpc.label() + ": " + Values.show(maxGrpc.raw()) + " (expected: at most "
                        + maxInflight.label() + " = " + maxInflight.value()
                        + ", or no gRPC message could ever be admitted)");
            }
            return new Receiver(http, grpc, maxRequest, maxInflight, () -> new ReceiverConfig(http.value(),
                    grpc.value(), maxRequest.value(), Math.toIntExact(maxGrpc.value()), maxInflight.value(),
                    retryAfter.value(), receiveTimeout.value(), new CorsConfig(corsOrigins.value(),
                            corsHeaders.value(), corsMaxAge.value())));
        }

        private record Honeycomb(Field<Long> queueBytes, Supplier<HoneycombConfig> build) {
        }

        private Honeycomb honeycomb() {
            Optional<Secret> apiKey = new ApiKeySource(context, file).read();
            Field<String> endpoint = reader.value(Keys.API_ENDPOINT);
            Field<String> dataset = reader.value(Keys.DATASET);
            Field<HoneycombConfig.KeyMode> keyMode = reader.value(Keys.KEY_MODE);
            Field<Boolean> gzip = reader.value(Keys.COMPRESSION);
            Field<Duration> batchTimeout = reader.value(Keys.BATCH_TIMEOUT);
            Field<Long> batchSpans = reader.value(Keys.BATCH_MAX_SPANS);
            Field<Long> batchBytes = reader.value(Keys.BATCH_MAX_BYTES);
            Field<Duration> initialBackoff = reader.value(Keys.RETRY_INITIAL_BACKOFF);
            Field<Double> multiplier = reader.value(Keys.RETRY_MULTIPLIER);
            Field<Double> jitter = reader.value(Keys.RETRY_JITTER);
            Field<Duration> maxBackoff = reader.value(Keys.RETRY_MAX_BACKOFF);
            Field<Duration> maxElapsed = reader.value(Keys.RETRY_MAX_ELAPSED);
            Field<Duration> requestTimeout = reader.value(Keys.SEND_TIMEOUT);
            Field<Long> senders = reader.value(Keys.SENDERS);
            Field<Set<Integer>> retryOn = reader.statuses(Keys.RETRY_ON);
            Field<Long> queueBytes = reader.value(Keys.HONEYCOMB_QUEUE_BYTES);
            Field<Duration> readyAge = reader.value(Keys.READY_MAX_QUEUE_AGE);

            Supplier<SpoolConfig> spool = spool();

            if (initialBackoff.valid() && maxBackoff.valid()
                    && maxBackoff.value().compareTo(initialBackoff.value()) < 0) {
                context.problem(maxBackoff.label() + ": " + Values.show(maxBackoff.raw()) + " (expected: at least "
                        + initialBackoff.label() + " = " + Values.formatDuration(initialBackoff.value()) + ")");
            }
            return new Honeycomb(queueBytes, () -> new HoneycombConfig(apiKey, endpoint.value(),
                    dataset.value().isBlank() ? null : dataset.value(), keyMode.value(), gzip.value(),
                    new HoneycombConfig.BatchConfig(batchTimeout.value(), Math.toIntExact(batchSpans.value()),
                            batchBytes.value()),
                    new HoneycombConfig.RetryConfig(initialBackoff.value(), multiplier.value(), jitter.value(),
                            maxBackoff.value(), maxElapsed.value(), requestTimeout.value(),
                            Math.toIntExact(senders.value()), retryOn.value()),
                    queueBytes.value(), readyAge.value(), spool.get()));
        }

        private Supplier<SpoolConfig> spool() {
            Field<Optional<Path>> spoolDir = reader.value(Keys.SPOOL_DIR);
            Field<SpoolConfig.Fsync> fsync = reader.value(Keys.FSYNC);
            Field<Duration> fsyncInterval = reader.value(Keys.FSYNC_INTERVAL);
            Field<Long> spoolMax = reader.value(Keys.SPOOL_MAX_BYTES);
            Field<Long> segment = reader.value(Keys.SEGMENT_BYTES);

            if (segment.valid() && spoolMax.valid() && segment.value() > spoolMax.value()) {
                context.problem(segment.label() + ": " + Values.show(segment.raw()) + " (expected: at most "
                        + spoolMax.label() + " = " + spoolMax.value() + ", so that the spool holds a segment)");
            }
            return () -> new SpoolConfig(spoolDir.value().orElse(null), fsync.value(), fsyncInterval.value(),
                    spoolMax.value(), segment.value());
        }

        private record Xray(Field<Long> queueBytes, Supplier<XrayConfig> build) {
        }

        private Xray xray() {
            XrayConfig x = XrayConfig.defaults();
            Field<DebugExporterConfig.Mode> xrayEnabled = reader.value(Keys.XRAY_ENABLED);
            Field<Optional<HostPort>> daemon = reader.value(Keys.DAEMON_ADDRESS);
            Field<List<String>> indexed = reader.list(Keys.INDEXED_ATTRIBUTES, ATTRIBUTE_LIST);
            Field<Boolean> indexAll = reader.value(Keys.INDEX_ALL_ATTRIBUTES);
            Field<Boolean> annotateSampling = reader.value(Keys.ANNOTATE_SAMPLING);
            Field<Long> datagrams = reader.value(Keys.MAX_DATAGRAMS_PER_SECOND);
            Field<Long> xrayQueue = reader.value(Keys.XRAY_QUEUE_BYTES);
            Field<XrayConfig.Documents> documents = reader.value(Keys.DOCUMENTS);
            Field<Long> maxSubsegments = reader.value(Keys.MAX_SUBSEGMENTS_PER_DOCUMENT);

            return new Xray(xrayQueue, () -> new XrayConfig(xrayEnabled.value(),
                    daemon.value().orElse(x.daemonAddress()), daemon.value().isPresent(), indexed.value(),
                    indexAll.value(), annotateSampling.value(), Math.toIntExact(datagrams.value()), xrayQueue.value(),
                    documents.value(), Math.toIntExact(maxSubsegments.value())));
        }

        private record Sampling(Field<Long> maxBuffer, Supplier<SamplingConfig> build) {
        }

        private Sampling sampling() {
            Field<Optional<Path>> rulesFile = reader.value(Keys.RULES_FILE);
            Field<Duration> reload = reader.value(Keys.RELOAD_INTERVAL);
            Field<Duration> decisionWait = reader.value(Keys.DECISION_WAIT);
            Field<Duration> traceTimeout = reader.value(Keys.TRACE_TIMEOUT);
            Field<Long> maxSpans = reader.value(Keys.MAX_SPANS_PER_TRACE);
            Field<Long> maxLive = reader.value(Keys.MAX_LIVE_TRACES);
            Field<Long> maxBuffer = reader.value(Keys.MAX_BUFFER_BYTES);
            Field<Long> keptCache = reader.value(Keys.KEPT_CACHE_TRACES);
            Field<Long> droppedFilter = reader.value(Keys.DROPPED_FILTER_TRACES);
            Conditions conditionReader = new Conditions(context::problem, reader::substitute);
            List<ConditionConfig> conditions = conditionReader.read(Keys.CONDITIONS.path(),
                    file.value(Keys.CONDITIONS));
            SamplingConfig.DestinationRules xrayRules = null;
            JsonNode xraySampling = file.value(Keys.SAMPLING_XRAY);
            List<ConditionConfig> xrayConditions = List.of();
            Field<Optional<Path>> xrayRulesFile = reader.value(Keys.XRAY_RULES_FILE);
            if (xraySampling != null && xraySampling.isObject() && !xraySampling.isEmpty()) {
                xrayConditions = conditionReader.read(Keys.XRAY_CONDITIONS.path(),
                        file.value(Keys.XRAY_CONDITIONS));
                if (xrayConditions != null && xrayRulesFile.valid()
                        && (xrayRulesFile.value().isPresent() || !xrayConditions.isEmpty())) {
                    xrayRules = new SamplingConfig.DestinationRules(xrayRulesFile.value().orElse(null),
                            xrayConditions);
                }
            }

            SamplingConfig.DestinationRules destinationRules = xrayRules;
            return new Sampling(maxBuffer, () -> new SamplingConfig(rulesFile.value().orElse(null), reload.value(),
                    decisionWait.value(), traceTimeout.value(), Math.toIntExact(maxSpans.value()),
                    Math.toIntExact(maxLive.value()), maxBuffer.value(), Math.toIntExact(keptCache.value()),
                    Math.toIntExact(droppedFilter.value()), conditions, destinationRules));
        }

        private static String mebibytes(long bytes) {
            return bytes % MIB == 0 ? bytes / MIB + "MiB" : String.format(Locale.ROOT, "%.1fMiB", bytes / (double) MIB);
        }

        /**
         * Refuses bounds that add up to more than the heap can hold beside what their bytes become while they are
         * worked on ({@link MemoryBounds}): better a clear refusal at start than an OutOfMemoryError under load.
         */
        private void fitsTheHeap(RelayConfig c, Field<Long> honeycombQueue, Field<Long> xrayQueue,
                                 Field<Long> inflight, Field<Long> samplingBuffer) {
            List<String> parts = new ArrayList<>();
            long total = 0;
            for (var part : List.of(
                    new Object[] {c.honeycomb().exportEnabled(), honeycombQueue, c.honeycomb().queueBytes()},
                    new Object[] {c.xray().exportEnabled(), xrayQueue, c.xray().queueBytes()},
                    new Object[] {true, inflight, c.receiver().maxInflightBytes()},
                    new Object[] {c.sampling().active(), samplingBuffer, c.sampling().maxBufferBytes()})) {
                if ((Boolean) part[0]) {
                    long bytes = (Long) part[2];
                    total += bytes;
                    parts.add(((Field<?>) part[1]).label() + " " + mebibytes(bytes));
                }
            }
            long heap = maxHeapBytes;
            if (total > heap / 100 * MemoryBounds.MAX_TOTAL_PERCENT) {
                context.problem("memory: " + String.join(" + ", parts) + " = " + mebibytes(total) + ", more than "
                        + MemoryBounds.MAX_TOTAL_PERCENT + "% of the JVM's max heap of " + mebibytes(heap)
                        + " (expected: smaller bounds, or leave them unset to size them from the heap; or a larger "
                        + "heap: a higher container memory limit, -XX:MaxRAMPercentage or -Xmx)");
            }
        }

        /** Two listeners may not share a port (0, any free port, excepted). */
        private void checkPortsDiffer(List<Field<HostPort>> addresses) {
            for (int j = 1; j < addresses.size(); j++) {
                Field<HostPort> b = addresses.get(j);
                for (int i = 0; i < j; i++) {
                    Field<HostPort> a = addresses.get(i);
                    if (a.valid() && b.valid() && a.value().port() != 0
                            && a.value().port() == b.value().port()) {
                        context.problem(b.label() + ": " + Values.show(b.raw()) + " (expected: a port other than "
                                + a.value().port() + ", which " + a.label() + " already uses)");
                        break;
                    }
                }
            }
        }
    }
}
