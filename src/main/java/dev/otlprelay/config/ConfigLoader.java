package dev.otlprelay.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.CharConversionException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * Builds the {@link RelayConfig} from the YAML file, {@code ${VAR}} substitution and environment overrides,
 * reporting every problem at once.
 *
 * <p>File: {@code file} if given, else {@code RELAY_CONFIG}, else {@code config/relay.yaml} under the working
 * directory when it exists, else none (defaults and environment only). Environment variables override the file:
 * {@code RELAY_HTTP_ADDRESS, RELAY_GRPC_ADDRESS, RELAY_ADMIN_ADDRESS, RELAY_MAX_REQUEST_BYTES,
 * RELAY_MAX_INFLIGHT_BYTES, HONEYCOMB_API_KEY} (or {@code HONEYCOMB_API_KEY_FILE}),
 * {@code HONEYCOMB_API_ENDPOINT, HONEYCOMB_DATASET, RELAY_SPOOL_DIR, AWS_XRAY_DAEMON_ADDRESS}; a variable set
 * to the empty string counts as unset. Relative paths (file, {@code RELAY_CONFIG}, {@code HONEYCOMB_API_KEY_FILE},
 * {@code honeycomb.spool.dir}, {@code RELAY_SPOOL_DIR}) resolve against the working directory.
 */
public final class ConfigLoader {

    static final String DEFAULT_CONFIG_FILE = "config/relay.yaml";
    static final long MAX_CONFIG_FILE_BYTES = 1024 * 1024;
    static final long MAX_KEY_FILE_BYTES = 64 * 1024;

    private static final ObjectMapper YAML = new ObjectMapper(
            YAMLFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build());

    /** What {@link EffectiveConfig} writes for an absent key; read back as "no key" so its output loads. */
    static final String NOT_SET = "(not set)";

    private static final long MIB = 1024 * 1024;

    /** What {@link EffectiveConfig} writes for a key; refused when copied back into a file as the key. */
    private static final Pattern DUMPED_KEY = Pattern.compile("sha256:[0-9a-f]{8}( \\(set\\))?");

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
        return new Loading(env, workingDir.toAbsolutePath().normalize(), maxHeapBytes).load(file);
    }

    /** {@link #load(Path, Map, Path)} with the current directory as working directory. */
    public static RelayConfig load(Path file, Map<String, String> env) throws ConfigException {
        return load(file, env, Path.of("").toAbsolutePath());
    }

    /** A resolved value: where it came from (env variable or key path), its text as written, and validity. */
    private record Field<T>(String label, String raw, T value, boolean valid) {
        static <T> Field<T> invalid(String label) {
            return new Field<>(label, "", null, false);
        }
    }

    private static final String STATUS = "an HTTP status from 400 to 599 other than 413 (split, not retried), e.g. 500";
    private static final String STATUS_LIST = "a list of HTTP statuses, or one string of them separated by commas, "
            + "e.g. [429, 500, 502, 503, 504]";
    private static final String ATTRIBUTE_LIST = "a list of attribute keys, or one string of keys separated by commas";

    private static final class Loading {
        private final Map<String, String> env;
        private final Path workingDir;
        private final List<String> problems = new ArrayList<>();
        private ObjectNode root;
        private Path source;

        /** The JVM's max heap, which the memory bounds not set default from and must fit in. */
        private final long maxHeapBytes;

        Loading(Map<String, String> env, Path workingDir, long maxHeapBytes) {
            this.env = env;
            this.workingDir = workingDir;
            this.maxHeapBytes = maxHeapBytes;
        }

        RelayConfig load(Path file) throws ConfigException {
            readConfigFile(file);
            checkLayout();
            Receiver receiver = receiver();
            Field<HostPort> admin = field(Keys.ADMIN_ADDRESS);
            Honeycomb honeycomb = honeycomb();
            Xray xray = xray();
            Sampling sampling = sampling();
            Field<DebugExporterConfig.Mode> debug = field(Keys.DEBUG_ENABLED);
            Field<Duration> drain = field(Keys.DRAIN_TIMEOUT);

            checkPortsDiffer(List.of(receiver.http(), receiver.grpc(), admin));
            if (sampling.maxBuffer().valid() && receiver.maxRequest().valid()
                    && sampling.maxBuffer().value() < receiver.maxRequest().value()) {
                problem(sampling.maxBuffer().label() + ": " + Values.show(sampling.maxBuffer().raw())
                        + " (expected: at least " + receiver.maxRequest().label() + " = "
                        + receiver.maxRequest().value() + ", or a request that size could never be buffered)");
            }
            if (!problems.isEmpty()) {
                throw new ConfigException(problems);
            }
            RelayConfig config = new RelayConfig(receiver.build().get(), new AdminConfig(admin.value()),
                    honeycomb.build().get(), xray.build().get(), sampling.build().get(),
                    new DebugExporterConfig(debug.value()), new ShutdownConfig(drain.value()), source);
            fitsTheHeap(config, honeycomb.queueBytes(), xray.queueBytes(), receiver.maxInflight(),
                    sampling.maxBuffer());
            if (!problems.isEmpty()) {
                throw new ConfigException(problems);
            }
            return config;
        }

        // Each section's keys, its own cross-checks, and how to build its record once every problem is known.

        private record Receiver(Field<HostPort> http, Field<HostPort> grpc, Field<Long> maxRequest,
                                Field<Long> maxInflight, Supplier<ReceiverConfig> build) {
        }

        private Receiver receiver() {
            Field<HostPort> http = field(Keys.HTTP_ADDRESS);
            Field<HostPort> grpc = field(Keys.GRPC_ADDRESS);
            Field<Long> maxRequest = field(Keys.MAX_REQUEST_BYTES);
            Field<Long> maxGrpc = field(Keys.MAX_GRPC_MESSAGE_BYTES);
            Field<Long> maxInflight = field(Keys.MAX_INFLIGHT_BYTES);
            Field<Duration> retryAfter = field(Keys.RETRY_AFTER);
            Field<Duration> receiveTimeout = field(Keys.RECEIVE_TIMEOUT);
            Field<List<String>> corsOrigins = list(Keys.CORS_ALLOWED_ORIGINS,
                    "a list of origins, or one string of them separated by commas");
            Field<List<String>> corsHeaders = list(Keys.CORS_ALLOWED_HEADERS,
                    "a list of header names, or one string of them separated by commas");
            Field<Duration> corsMaxAge = field(Keys.CORS_MAX_AGE);

            if (maxRequest.valid() && maxInflight.valid() && maxRequest.value() > maxInflight.value()) {
                problem(maxRequest.label() + ": " + Values.show(maxRequest.raw()) + " (expected: at most "
                        + maxInflight.label() + " = " + maxInflight.value()
                        + ", or no request could ever be admitted)");
            }
            if (maxGrpc.valid() && maxInflight.valid() && maxGrpc.value() > maxInflight.value()) {
                problem(maxGrpc.label() + ": " + Values.show(maxGrpc.raw()) + " (expected: at most "
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
            Optional<Secret> apiKey = apiKey();
            Field<String> endpoint = field(Keys.API_ENDPOINT);
            Field<String> dataset = field(Keys.DATASET);
            Field<HoneycombConfig.KeyMode> keyMode = field(Keys.KEY_MODE);
            Field<Boolean> gzip = field(Keys.COMPRESSION);
            Field<Duration> batchTimeout = field(Keys.BATCH_TIMEOUT);
            Field<Long> batchSpans = field(Keys.BATCH_MAX_SPANS);
            Field<Long> batchBytes = field(Keys.BATCH_MAX_BYTES);
            Field<Duration> initialBackoff = field(Keys.RETRY_INITIAL_BACKOFF);
            Field<Double> multiplier = field(Keys.RETRY_MULTIPLIER);
            Field<Double> jitter = field(Keys.RETRY_JITTER);
            Field<Duration> maxBackoff = field(Keys.RETRY_MAX_BACKOFF);
            Field<Duration> maxElapsed = field(Keys.RETRY_MAX_ELAPSED);
            Field<Duration> requestTimeout = field(Keys.SEND_TIMEOUT);
            Field<Long> senders = field(Keys.SENDERS);
            Field<Set<Integer>> retryOn = statusList(Keys.RETRY_ON);
            Field<Long> queueBytes = field(Keys.HONEYCOMB_QUEUE_BYTES);
            Field<Duration> readyAge = field(Keys.READY_MAX_QUEUE_AGE);

            Supplier<SpoolConfig> spool = spool();

            if (initialBackoff.valid() && maxBackoff.valid()
                    && maxBackoff.value().compareTo(initialBackoff.value()) < 0) {
                problem(maxBackoff.label() + ": " + Values.show(maxBackoff.raw()) + " (expected: at least "
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
            Field<Optional<Path>> spoolDir = field(Keys.SPOOL_DIR);
            Field<SpoolConfig.Fsync> fsync = field(Keys.FSYNC);
            Field<Duration> fsyncInterval = field(Keys.FSYNC_INTERVAL);
            Field<Long> spoolMax = field(Keys.SPOOL_MAX_BYTES);
            Field<Long> segment = field(Keys.SEGMENT_BYTES);

            if (segment.valid() && spoolMax.valid() && segment.value() > spoolMax.value()) {
                problem(segment.label() + ": " + Values.show(segment.raw()) + " (expected: at most "
                        + spoolMax.label() + " = " + spoolMax.value() + ", so that the spool holds a segment)");
            }
            return () -> new SpoolConfig(spoolDir.value().orElse(null), fsync.value(), fsyncInterval.value(),
                    spoolMax.value(), segment.value());
        }

        private record Xray(Field<Long> queueBytes, Supplier<XrayConfig> build) {
        }

        private Xray xray() {
            XrayConfig x = XrayConfig.defaults();
            Field<DebugExporterConfig.Mode> xrayEnabled = field(Keys.XRAY_ENABLED);
            Field<Optional<HostPort>> daemon = field(Keys.DAEMON_ADDRESS);
            Field<List<String>> indexed = list(Keys.INDEXED_ATTRIBUTES, ATTRIBUTE_LIST);
            Field<Boolean> indexAll = field(Keys.INDEX_ALL_ATTRIBUTES);
            Field<Boolean> annotateSampling = field(Keys.ANNOTATE_SAMPLING);
            Field<Long> datagrams = field(Keys.MAX_DATAGRAMS_PER_SECOND);
            Field<Long> xrayQueue = field(Keys.XRAY_QUEUE_BYTES);
            Field<XrayConfig.Documents> documents = field(Keys.DOCUMENTS);
            Field<Long> maxSubsegments = field(Keys.MAX_SUBSEGMENTS_PER_DOCUMENT);

            return new Xray(xrayQueue, () -> new XrayConfig(xrayEnabled.value(),
                    daemon.value().orElse(x.daemonAddress()), daemon.value().isPresent(), indexed.value(),
                    indexAll.value(), annotateSampling.value(), Math.toIntExact(datagrams.value()), xrayQueue.value(),
                    documents.value(), Math.toIntExact(maxSubsegments.value())));
        }

        private record Sampling(Field<Long> maxBuffer, Supplier<SamplingConfig> build) {
        }

        private Sampling sampling() {
            Field<Optional<Path>> rulesFile = field(Keys.RULES_FILE);
            Field<Duration> reload = field(Keys.RELOAD_INTERVAL);
            Field<Duration> decisionWait = field(Keys.DECISION_WAIT);
            Field<Duration> traceTimeout = field(Keys.TRACE_TIMEOUT);
            Field<Long> maxSpans = field(Keys.MAX_SPANS_PER_TRACE);
            Field<Long> maxLive = field(Keys.MAX_LIVE_TRACES);
            Field<Long> maxBuffer = field(Keys.MAX_BUFFER_BYTES);
            Field<Long> keptCache = field(Keys.KEPT_CACHE_TRACES);
            Field<Long> droppedFilter = field(Keys.DROPPED_FILTER_TRACES);
            Conditions conditionReader = new Conditions(this::problem, this::substitute);
            List<ConditionConfig> conditions = conditionReader.read(Keys.CONDITIONS.path(),
                    fileValue(Keys.CONDITIONS));
            SamplingConfig.DestinationRules xrayRules = null;
            JsonNode xraySampling = fileValue(Keys.SAMPLING_XRAY);
            List<ConditionConfig> xrayConditions = List.of();
            Field<Optional<Path>> xrayRulesFile = field(Keys.XRAY_RULES_FILE);
            if (xraySampling != null && xraySampling.isObject() && !xraySampling.isEmpty()) {
                xrayConditions = conditionReader.read(Keys.XRAY_CONDITIONS.path(),
                        fileValue(Keys.XRAY_CONDITIONS));
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
                problem("memory: " + String.join(" + ", parts) + " = " + mebibytes(total) + ", more than "
                        + MemoryBounds.MAX_TOTAL_PERCENT + "% of the JVM's max heap of " + mebibytes(heap)
                        + " (expected: smaller bounds, or leave them unset to size them from the heap; or a larger "
                        + "heap: a higher container memory limit, -XX:MaxRAMPercentage or -Xmx)");
            }
        }

        // ---- the file ----

        private void readConfigFile(Path file) {
            Path path;
            String label;
            if (file != null) {
                path = workingDir.resolve(file).normalize();
                label = "config file";
            } else if (env("RELAY_CONFIG") != null) {
                path = resolvePath("RELAY_CONFIG", env("RELAY_CONFIG"));
                label = "RELAY_CONFIG";
                if (path == null) {
                    return;
                }
            } else {
                path = workingDir.resolve(DEFAULT_CONFIG_FILE);
                label = "config file";
                if (!Files.exists(path)) {
                    return;
                }
            }
            byte[] bytes = readSmallFile(label, path, MAX_CONFIG_FILE_BYTES, "a configuration file");
            if (bytes == null) {
                return;
            }
            source = path;
            parse(bytes, "config file: " + Values.showPath(path));
        }

        private void parse(byte[] bytes, String where) {
            try (JsonParser parser = YAML.createParser(bytes)) {
                JsonNode node = YAML.readTree(parser);
                while (parser.nextToken() != null) {
                    int line = parser.currentTokenLocation().getLineNr();
                    JsonNode more = YAML.readTree(parser); // reads from the current token
                    if (more != null && !isEmpty(more)) {
                        problem(where + " (expected: a single YAML document; another one starts at line "
                                + line + ")");
                        return;
                    }
                }
                if (node == null || isEmpty(node)) {
                    return;
                }
                if (!node.isObject()) {
                    problem(where + " (expected: a map of sections " + String.join(", ", Schema.SECTIONS.keySet())
                            + "; found " + describe(node) + ")");
                    return;
                }
                root = (ObjectNode) node;
            } catch (JsonProcessingException e) {
                problem(where + " (" + yamlProblem(e) + ")");
            } catch (IOException | RuntimeException e) {
                problem(where + " (not valid YAML: " + e.getClass().getSimpleName() + ")");
            }
        }

        private static String yamlProblem(JsonProcessingException e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof CharConversionException) {
                    return "not valid UTF-8 text";
                }
            }
            JsonLocation location = e.getLocation();
            int line = location == null ? -1 : location.getLineNr();
            int column = location == null ? -1 : location.getColumnNr();
            String what = e.getOriginalMessage();
            if (e.getCause() instanceof MarkedYAMLException m) {
                // SnakeYAML's own message quotes the offending lines, which may hold a secret: use only its parts.
                what = (m.getContext() == null ? "" : m.getContext() + ": ")
                        + (m.getProblem() == null ? "syntax error" : m.getProblem());
                Mark mark = m.getProblemMark();
                if (mark != null) {
                    line = mark.getLine() + 1;
                    column = mark.getColumn() + 1;
                }
            }
            what = what == null ? "syntax error" : what.strip().replaceAll("\\s+", " ");
            return "not valid YAML at line " + line + ", column " + column + ": " + what;
        }

        private static boolean isEmpty(JsonNode node) {
            return node.isNull() || node.isMissingNode() || (node.isTextual() && node.textValue().isEmpty());
        }

        /** Unknown keys, and sections (top-level or nested) that are not maps. */
        private void checkLayout() {
            if (root == null) {
                return;
            }
            for (Map.Entry<String, JsonNode> e : root.properties()) {
                if (Schema.SECTIONS.containsKey(e.getKey())) {
                    checkSection(e.getKey(), e.getValue());
                } else {
                    problem(Schema.unknownSection(e.getKey()));
                }
            }
        }

        private void checkSection(String path, JsonNode section) {
            List<String> keys = Schema.keys(path);
            if (isEmpty(section)) {
                return; // "receiver:" with every key commented out
            }
            if (!section.isObject()) {
                problem(path + ": " + describe(section) + " (expected: a map with key"
                        + (keys.size() == 1 ? " " : "s ") + String.join(", ", keys) + ")");
                return;
            }
            for (Map.Entry<String, JsonNode> e : ((ObjectNode) section).properties()) {
                String key = e.getKey();
                if (!keys.contains(key)) {
                    problem(Schema.unknownKey(path, key));
                } else if (Schema.NESTED.containsKey(path + "." + key)) {
                    checkSection(path + "." + key, e.getValue());
                }
            }
        }

        /** The value of {@code key} in the (top-level or dotted nested) section, or null when absent or null. */
        private JsonNode fileValue(String section, String key) {
            JsonNode s = root;
            for (String part : section.split("\\.")) {
                if (s == null || !s.isObject()) {
                    return null;
                }
                s = s.get(part);
            }
            if (s == null || !s.isObject()) {
                return null;
            }
            JsonNode v = s.get(key);
            return v == null || v.isNull() ? null : v;
        }

        /** The text of a scalar from the file after ${VAR} substitution; null (problem recorded) when unusable. */
        private String fileText(String path, JsonNode node, String expected, boolean stringOnly) {
            if (node.isContainerNode() || (stringOnly && !node.isTextual())) {
                problem(path + ": " + describe(node) + " (expected: "
                        + (node.isContainerNode() ? expected : "a string; put the value in quotes") + ")");
                return null;
            }
            if (!node.isTextual()) {
                return node.asText();
            }
            try {
                return Substitution.apply(node.textValue(), env);
            } catch (Substitution.Failure f) {
                problem(path + ": " + f.getMessage() + " (expected: " + Substitution.EXPECTED + ")");
                return null;
            }
        }

        // ---- values ----

        /** The file's value of a key, null when absent or null. */
        private JsonNode fileValue(Key<?> key) {
            return fileValue(key.section(), key.name());
        }

        /** A {@link Key.Reading#VALUE} key: its default, else the file's value, else its environment variable's. */
        private <T> Field<T> field(Key<T> key) {
            ValueKind<T> kind = key.kind();
            T dflt = key.defaultValue(maxHeapBytes);
            Field<T> result = new Field<>(key.path(), kind.show(dflt), dflt, true);
            JsonNode node = fileValue(key);
            if (node != null) {
                String text = fileText(key.path(), node, kind.expected(), kind.stringOnly());
                result = text == null ? Field.invalid(key.path()) : parse(key.path(), text, kind);
            }
            String fromEnv = key.env() == null ? null : env(key.env());
            if (fromEnv != null) {
                result = parse(key.env(), fromEnv, kind);
            }
            return result;
        }

        private <T> Field<T> parse(String label, String text, ValueKind<T> kind) {
            T value = kind.parse(kind.stringOnly() ? text : text.strip(), workingDir);
            if (value == null) {
                problem(label + ": " + Values.show(text) + " (expected: " + kind.expected() + ")");
                return Field.invalid(label);
            }
            return new Field<>(label, text, value, true);
        }

        /** ${VAR} substitution for values read outside {@link #field}; null (problem recorded) on failure. */
        private String substitute(String path, String text) {
            try {
                return Substitution.apply(text, env);
            } catch (Substitution.Failure f) {
                problem(path + ": " + f.getMessage() + " (expected: " + Substitution.EXPECTED + ")");
                return null;
            }
        }

        /**
         * A YAML list of strings, or one string of them separated by commas (blank parts skipped); the
         * environment variable, commas too, overrides the file. Each item is stripped and parsed by {@code item},
         * whose parser returns the item as kept, or null to refuse it; duplicates are kept once.
         */
        private Field<List<String>> list(Key<String> key, String expected) {
            ValueKind<String> item = key.kind();
            String path = key.path();
            String fromEnv = key.env() == null ? null : env(key.env());
            if (fromEnv != null) {
                return commaList(key.env(), fromEnv, item);
            }
            JsonNode node = fileValue(key);
            if (node == null) {
                return new Field<>(path, "", List.of(), true);
            }
            if (!node.isArray()) {
                String text = fileText(path, node, expected, false);
                return text == null ? Field.invalid(path) : commaList(path, text, item);
            }
            Set<String> kept = new LinkedHashSet<>();
            boolean valid = true;
            int i = 0;
            for (JsonNode n : node) {
                String itemPath = path + "[" + i++ + "]";
                String text = n.isNull() ? "" : fileText(itemPath, n, item.expected(), false);
                String value = text == null ? null : listItem(itemPath, text, item);
                if (value == null) {
                    valid = false;
                } else {
                    kept.add(value);
                }
            }
            return valid ? new Field<>(path, node.toString(), List.copyOf(kept), true) : Field.invalid(path);
        }

        private Field<List<String>> commaList(String label, String text, ValueKind<String> item) {
            Set<String> kept = new LinkedHashSet<>();
            boolean valid = true;
            for (String part : text.split(",")) {
                if (!part.isBlank()) {
                    String value = listItem(label, part, item);
                    valid &= value != null;
                    if (value != null) {
                        kept.add(value);
                    }
                }
            }
            return valid ? new Field<>(label, text, List.copyOf(kept), true) : Field.invalid(label);
        }

        private String listItem(String label, String text, ValueKind<String> item) {
            String value = text.isBlank() ? null : item.parse(text.strip(), workingDir);
            if (value == null) {
                problem(label + ": " + Values.show(text) + " (expected: " + item.expected() + ")");
            }
            return value;
        }

        /**
         * A YAML list of HTTP statuses, or one string of them separated by commas: each from 400 to 599 but 413
         * (which splits the batch instead).
         */
        @SuppressWarnings("unchecked")
        private Field<Set<Integer>> statusList(Key<Void> key) {
            Set<Integer> dflt = (Set<Integer>) key.dflt().apply(maxHeapBytes);
            String path = key.path();
            JsonNode node = fileValue(key);
            if (node == null) {
                return new Field<>(path, dflt.toString(), dflt, true);
            }
            List<String> items = new ArrayList<>();
            List<String> paths = new ArrayList<>();
            if (node.isArray()) {
                int i = 0;
                for (JsonNode item : node) {
                    String itemPath = path + "[" + i++ + "]";
                    String text = fileText(itemPath, item, STATUS, false);
                    if (text == null) {
                        return Field.invalid(path);
                    }
                    items.add(text.strip());
                    paths.add(itemPath);
                }
            } else {
                String text = fileText(path, node, STATUS_LIST, false);
                if (text == null) {
                    return Field.invalid(path);
                }
                for (String part : text.split(",")) {
                    if (!part.isBlank()) {
                        items.add(part.strip());
                        paths.add(path);
                    }
                }
            }
            Set<Integer> statuses = new TreeSet<>();
            boolean valid = true;
            for (int i = 0; i < items.size(); i++) {
                Long status = Values.parseWhole(items.get(i), 400, 599);
                if (status == null || status == 413) {
                    problem(paths.get(i) + ": " + Values.show(items.get(i)) + " (expected: " + STATUS + ")");
                    valid = false;
                } else {
                    statuses.add(status.intValue());
                }
            }
            return valid ? new Field<>(path, node.toString(), statuses, true) : Field.invalid(path);
        }

        /** honeycomb.api_key, HONEYCOMB_API_KEY or HONEYCOMB_API_KEY_FILE; never puts the key in a message. */
        private Optional<Secret> apiKey() {
            String label = null;
            String key = null;
            JsonNode node = fileValue(Keys.API_KEY);
            if (node != null) {
                String text = fileText(Keys.API_KEY.path(), node, "a string", true);
                if (text != null && !text.isBlank() && !text.strip().equals(NOT_SET)) {
                    if (DUMPED_KEY.matcher(text.strip()).matches()) {
                        problem("honeycomb.api_key: a fingerprint copied from an effective-configuration dump"
                                + " (expected: the API key itself, or ${HONEYCOMB_API_KEY:-})");
                    } else {
                        label = "honeycomb.api_key";
                        key = text.strip();
                    }
                }
            }
            String fromEnv = env(Keys.API_KEY.env());
            String keyFile = env("HONEYCOMB_API_KEY_FILE");
            if (fromEnv != null && keyFile != null) {
                problem("HONEYCOMB_API_KEY_FILE: " + Values.showPath(keyFile)
                        + " (expected: only one of HONEYCOMB_API_KEY and HONEYCOMB_API_KEY_FILE to be set)");
                return Optional.empty();
            }
            if (keyFile != null) {
                Path path = resolvePath("HONEYCOMB_API_KEY_FILE", keyFile);
                byte[] bytes = path == null ? null
                        : readSmallFile("HONEYCOMB_API_KEY_FILE", path, MAX_KEY_FILE_BYTES, "an API key");
                if (bytes == null) {
                    return Optional.empty();
                }
                String where = "HONEYCOMB_API_KEY_FILE: " + Values.showPath(path);
                try {
                    key = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString().strip();
                } catch (CharacterCodingException e) {
                    problem(where + " (not UTF-8 text)");
                    return Optional.empty();
                }
                if (key.isEmpty()) {
                    problem(where + " (empty; expected: the Honeycomb API key)");
                    return Optional.empty();
                }
                label = "HONEYCOMB_API_KEY_FILE";
            } else if (fromEnv != null && !fromEnv.isBlank()) {
                label = "HONEYCOMB_API_KEY";
                key = fromEnv.strip();
            }
            if (key == null) {
                return Optional.empty();
            }
            Secret secret = Secret.of(key);
            if (key.codePoints().anyMatch(c -> Character.isWhitespace(c) || Character.isISOControl(c))) {
                problem(label + ": " + secret.fingerprint()
                        + " (expected: an API key without whitespace or control characters)");
            }
            return Optional.of(secret);
        }

        private void checkPortsDiffer(List<Field<HostPort>> addresses) {
            for (int j = 1; j < addresses.size(); j++) {
                Field<HostPort> b = addresses.get(j);
                for (int i = 0; i < j; i++) {
                    Field<HostPort> a = addresses.get(i);
                    if (a.valid() && b.valid() && a.value().port() != 0
                            && a.value().port() == b.value().port()) {
                        problem(b.label() + ": " + Values.show(b.raw()) + " (expected: a port other than "
                                + a.value().port() + ", which " + a.label() + " already uses)");
                        break;
                    }
                }
            }
        }

        // ---- helpers ----

        /** An environment variable, or null when unset or empty. */
        private String env(String name) {
            String v = env.get(name);
            return v == null || v.isEmpty() ? null : v;
        }

        private Path resolvePath(String label, String text) {
            try {
                return workingDir.resolve(Path.of(text)).normalize();
            } catch (InvalidPathException e) {
                problem(label + ": " + Values.show(text) + " (expected: a file path)");
                return null;
            }
        }

        /** The bytes of a file, or null with a problem that names the file but never quotes its content. */
        private byte[] readSmallFile(String label, Path path, long maxBytes, String whatItShouldBe) {
            String where = label + ": " + Values.showPath(path);
            try {
                if (!Files.exists(path)) {
                    problem(where + " (not found)");
                    return null;
                }
                if (!Files.isRegularFile(path)) {
                    problem(where + " (not a regular file)");
                    return null;
                }
                long size = Files.size(path);
                if (size > maxBytes) {
                    problem(where + " (" + size + " bytes; expected: " + whatItShouldBe + " of at most "
                            + maxBytes + " bytes)");
                    return null;
                }
                return Files.readAllBytes(path);
            } catch (AccessDeniedException e) {
                problem(where + " (not readable: permission denied)");
            } catch (NoSuchFileException e) {
                problem(where + " (not found)");
            } catch (IOException | SecurityException e) {
                problem(where + " (not readable: " + e.getClass().getSimpleName() + ")");
            }
            return null;
        }

        private static String describe(JsonNode node) {
            return switch (node.getNodeType()) {
                case OBJECT -> "a map";
                case ARRAY -> "a list";
                case STRING -> "a string";
                case NUMBER -> "a number";
                case BOOLEAN -> "a boolean";
                case NULL, MISSING -> "nothing";
                default -> "a " + node.getNodeType().name().toLowerCase(Locale.ROOT) + " value";
            };
        }

        private void problem(String message) {
            problems.add(message);
        }
    }
}
