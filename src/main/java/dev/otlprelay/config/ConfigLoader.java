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
import java.net.URI;
import java.net.URISyntaxException;
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
import java.util.function.Function;
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

    /** What {@link EffectiveConfig} writes for {@code honeycomb.spool.dir} when the spool is off; read back as off. */
    static final String OFF = "(off)";

    /** Honeycomb refuses batch requests over 5 MB, so {@code honeycomb.batch_max_bytes} may not exceed this. */
    static final long HONEYCOMB_MAX_BATCH_BYTES = 5_000_000;

    private static final long KIB = 1024;
    private static final long MIB = 1024 * KIB;

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

    /** How to read one kind of value, and what to say when it is wrong. */
    private record ValueKind<T>(String expected, Function<String, T> parser, boolean stringOnly) {
    }

    /** A resolved value: where it came from (env variable or key path), its text as written, and validity. */
    private record Field<T>(String label, String raw, T value, boolean valid) {
        static <T> Field<T> invalid(String label) {
            return new Field<>(label, "", null, false);
        }
    }

    private static final Pattern CORS_ORIGIN_FORM = Pattern.compile("[a-z][a-z0-9+.-]*://[^/\\s?#@]+");
    private static final Pattern HEADER_TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");

    /**
     * A browser origin as the {@code Origin} header writes it (scheme://host[:port], no path; one trailing
     * {@code /} is forgiven), with at most one {@code *}; or {@code *} alone for any origin; kept in lower case.
     */
    private static final ValueKind<String> CORS_ORIGIN = new ValueKind<>("an origin such as https://app.example.com or "
            + "http://localhost:3000 (scheme, host and port, no path), with at most one * (https://*.example.com), "
            + "or * for any origin", s -> {
                String o = s.toLowerCase(Locale.ROOT);
                if (o.endsWith("/") && !o.endsWith("//")) {
                    o = o.substring(0, o.length() - 1);
                }
                boolean oneStar = o.indexOf('*') == o.lastIndexOf('*');
                return o.equals("*") || (oneStar && CORS_ORIGIN_FORM.matcher(o).matches()) ? o : null;
            }, false);

    /** A request header name (an HTTP token), or {@code *} for any; kept as written. */
    private static final ValueKind<String> CORS_HEADER = new ValueKind<>("a request header name such as "
            + "x-honeycomb-team, or * for any", s -> HEADER_TOKEN.matcher(s).matches() ? s : null, false);

    private static ValueKind<HostPort> address(HostPort example) {
        return new ValueKind<>("host:port with port 0-65535, e.g. " + example, s -> {
            try {
                return HostPort.parse(s);
            } catch (IllegalArgumentException e) {
                return null;
            }
        }, false);
    }

    private static ValueKind<Long> size(long example) {
        return new ValueKind<>("a size in bytes >= 0, e.g. " + example + " or " + Values.binarySize(example),
                s -> Values.parseSize(s, 0, Long.MAX_VALUE), false);
    }

    private static ValueKind<Long> positiveIntSize(long example) {
        return new ValueKind<>("a size in bytes from 1 to " + Integer.MAX_VALUE + ", e.g. " + example + " or "
                + Values.binarySize(example), s -> Values.parseSize(s, 1, Integer.MAX_VALUE), false);
    }

    private static ValueKind<Long> sizeAtLeast(long min, long example) {
        return new ValueKind<>("a size in bytes >= " + Values.binarySize(min) + ", e.g. " + example + " or "
                + Values.binarySize(example), s -> Values.parseSize(s, min, Long.MAX_VALUE), false);
    }

    private static ValueKind<Long> sizeBetween(long min, long max, String why, long example) {
        return new ValueKind<>("a size in bytes from " + Values.binarySize(min) + " to " + max + why + ", e.g. "
                + example + " or " + Values.binarySize(example), s -> Values.parseSize(s, min, max), false);
    }

    private static ValueKind<Long> whole(long min, long max, String note, long example) {
        return new ValueKind<>("a whole number from " + min + " to " + max + note + ", e.g. " + example,
                s -> Values.parseWhole(s, min, max), false);
    }

    private static ValueKind<Double> decimal(String range, double min, double max, double example) {
        return new ValueKind<>("a number " + range + ", e.g. " + Values.formatDecimal(example),
                s -> Values.parseDecimal(s, min, max), false);
    }

    private static final ValueKind<Duration> DURATION = new ValueKind<>(
            "a duration >= 0 such as 15s, 500ms, 2m or 1h, or whole seconds", Values::parseDuration, false);

    private static final ValueKind<Duration> POSITIVE_DURATION = new ValueKind<>(
            "a duration > 0 such as 15s, 500ms, 2m or 1h, or whole seconds", s -> {
                Duration d = Values.parseDuration(s);
                return d == null || d.isZero() ? null : d;
            }, false);

    private static final ValueKind<Boolean> BOOLEAN = new ValueKind<>("true or false",
            s -> switch (s.toLowerCase(Locale.ROOT)) {
                case "true", "on", "yes" -> Boolean.TRUE;
                case "false", "off", "no" -> Boolean.FALSE;
                default -> null;
            }, false);

    private static final ValueKind<HoneycombConfig.KeyMode> KEY_MODE = new ValueKind<>("relay, client or client-or-relay",
            s -> {
                for (HoneycombConfig.KeyMode m : HoneycombConfig.KeyMode.values()) {
                    if (m.word().equalsIgnoreCase(s)) {
                        return m;
                    }
                }
                return null;
            }, false);

    /** {@code honeycomb.compression}: true for gzip. */
    private static final ValueKind<Boolean> COMPRESSION = new ValueKind<>("gzip or none",
            s -> switch (s.toLowerCase(Locale.ROOT)) {
                case "gzip" -> Boolean.TRUE;
                case "none" -> Boolean.FALSE;
                default -> null;
            }, false);

    private static final ValueKind<SpoolConfig.Fsync> FSYNC = new ValueKind<>("always, interval or never",
            s -> switch (s.toLowerCase(Locale.ROOT)) {
                case "always" -> SpoolConfig.Fsync.ALWAYS;
                case "interval" -> SpoolConfig.Fsync.INTERVAL;
                case "never" -> SpoolConfig.Fsync.NEVER;
                default -> null;
            }, false);

    private static final ValueKind<XrayConfig.Documents> DOCUMENTS = new ValueKind<>("nested or per_span", s -> {
        for (XrayConfig.Documents d : XrayConfig.Documents.values()) {
            if (d.word().equalsIgnoreCase(s)) {
                return d;
            }
        }
        return null;
    }, false);

    /** {@code xray.daemon_address}: empty means "not configured" (the default address is used). */
    private static final ValueKind<Optional<HostPort>> DAEMON_ADDRESS = new ValueKind<>(
            "host:port or \"tcp:host:port udp:host:port\", e.g. " + XrayConfig.defaults().daemonAddress(), s -> {
                if (s.isEmpty()) {
                    return Optional.empty();
                }
                HostPort udp = daemonAddress(s);
                return udp == null ? null : Optional.of(udp);
            }, false);

    private static final String STATUS = "an HTTP status from 400 to 599 other than 413 (split, not retried), e.g. 500";
    private static final String STATUS_LIST = "a list of HTTP statuses, or one string of them separated by commas, "
            + "e.g. [429, 500, 502, 503, 504]";
    private static final String ATTRIBUTE_LIST = "a list of attribute keys, or one string of keys separated by commas";

    private static final ValueKind<DebugExporterConfig.Mode> MODE = new ValueKind<>("auto, true or false",
            s -> switch (s.toLowerCase(Locale.ROOT)) {
                case "auto" -> DebugExporterConfig.Mode.AUTO;
                case "true", "on", "yes" -> DebugExporterConfig.Mode.ON;
                case "false", "off", "no" -> DebugExporterConfig.Mode.OFF;
                default -> null;
            }, false);

    private static final ValueKind<String> ENDPOINT = new ValueKind<>(
            "an absolute http(s) URL, e.g. " + HoneycombConfig.DEFAULT_API_ENDPOINT, ConfigLoader::endpoint, true);

    private static final ValueKind<String> DATASET = new ValueKind<>("a dataset name", s -> s, true);

    /**
     * The UDP address of the X-Ray daemon from {@code host:port}, {@code udp:host:port}, or the X-Ray SDK's
     * {@code tcp:host:port udp:host:port} (either order; the TCP part must be valid too but is not used); null
     * when the text is none of these, or names port 0 or no host.
     */
    static HostPort daemonAddress(String text) {
        String[] parts = text.strip().split("\\s+");
        String udp = null;
        String tcp = null;
        if (parts.length == 1) {
            if (hasPrefix(parts[0], "tcp:")) {
                return null;
            }
            udp = hasPrefix(parts[0], "udp:") ? parts[0].substring(4) : parts[0];
        } else if (parts.length == 2) {
            for (String part : parts) {
                if (udp == null && hasPrefix(part, "udp:")) {
                    udp = part.substring(4);
                } else if (tcp == null && hasPrefix(part, "tcp:")) {
                    tcp = part.substring(4);
                } else {
                    return null;
                }
            }
            if (destination(tcp) == null) {
                return null;
            }
        } else {
            return null;
        }
        return destination(udp);
    }

    private static boolean hasPrefix(String s, String prefix) {
        return s.regionMatches(true, 0, prefix, 0, prefix.length());
    }

    /** An address to send to: host:port with a host and a port other than 0; null otherwise. */
    private static HostPort destination(String s) {
        try {
            HostPort hp = HostPort.parse(s);
            return s.startsWith(":") || hp.port() == 0 ? null : hp;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** The URL without trailing slashes, or null when it is not an absolute http(s) URL with a host. */
    private static String endpoint(String s) {
        try {
            URI uri = new URI(s);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null
                    || uri.getRawQuery() != null || uri.getRawFragment() != null) {
                return null;
            }
        } catch (URISyntaxException e) {
            return null;
        }
        String r = s;
        while (r.endsWith("/")) {
            r = r.substring(0, r.length() - 1);
        }
        return r;
    }

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
            Field<HostPort> admin = field("admin", "address", "RELAY_ADMIN_ADDRESS",
                    address(AdminConfig.defaults().address()), AdminConfig.defaults().address(),
                    AdminConfig.defaults().address().toString());
            Honeycomb honeycomb = honeycomb();
            Xray xray = xray();
            Sampling sampling = sampling();
            DebugExporterConfig d = DebugExporterConfig.defaults();
            Field<DebugExporterConfig.Mode> debug = field("debug", "enabled", null, MODE, d.enabled(),
                    d.enabled().name().toLowerCase(Locale.ROOT));

            ShutdownConfig s = ShutdownConfig.defaults();
            Field<Duration> drain = field("shutdown", "drain_timeout", null, DURATION, s.drainTimeout(),
                    Values.formatDuration(s.drainTimeout()));

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
            ReceiverConfig r = ReceiverConfig.defaults();
            Field<HostPort> http = field("receiver", "http_address", "RELAY_HTTP_ADDRESS",
                    address(r.httpAddress()), r.httpAddress(), r.httpAddress().toString());
            Field<HostPort> grpc = field("receiver", "grpc_address", "RELAY_GRPC_ADDRESS",
                    address(r.grpcAddress()), r.grpcAddress(), r.grpcAddress().toString());
            long maxRequestDefault = MemoryBounds.maxRequest(maxHeapBytes);
            Field<Long> maxRequest = field("receiver", "max_request_bytes", "RELAY_MAX_REQUEST_BYTES",
                    size(r.maxRequestBytes()), maxRequestDefault, Long.toString(maxRequestDefault));
            Field<Long> maxGrpc = field("receiver", "max_grpc_message_bytes", null,
                    positiveIntSize(r.maxGrpcMessageBytes()), (long) r.maxGrpcMessageBytes(),
                    Integer.toString(r.maxGrpcMessageBytes()));
            long inflightDefault = MemoryBounds.inflight(maxHeapBytes);
            Field<Long> maxInflight = field("receiver", "max_inflight_bytes", "RELAY_MAX_INFLIGHT_BYTES",
                    size(r.maxInflightBytes()), inflightDefault, Long.toString(inflightDefault));
            Field<Duration> retryAfter = field("receiver", "retry_after", null, DURATION, r.retryAfter(),
                    Values.formatDuration(r.retryAfter()));
            Field<Duration> receiveTimeout = field("receiver", "request_timeout", "RELAY_REQUEST_TIMEOUT",
                    POSITIVE_DURATION, r.requestTimeout(), Values.formatDuration(r.requestTimeout()));
            Field<List<String>> corsOrigins = textList("receiver.cors", "allowed_origins",
                    "RELAY_CORS_ALLOWED_ORIGINS", CORS_ORIGIN, "a list of origins, or one string of them "
                            + "separated by commas");
            Field<List<String>> corsHeaders = textList("receiver.cors", "allowed_headers",
                    "RELAY_CORS_ALLOWED_HEADERS", CORS_HEADER, "a list of header names, or one string of them "
                            + "separated by commas");
            Field<Duration> corsMaxAge = field("receiver.cors", "max_age", null, DURATION, r.cors().maxAge(),
                    Values.formatDuration(r.cors().maxAge()));

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
            HoneycombConfig h = HoneycombConfig.defaults();
            Optional<Secret> apiKey = apiKey();
            Field<String> endpoint = field("honeycomb", "api_endpoint", "HONEYCOMB_API_ENDPOINT", ENDPOINT,
                    h.apiEndpoint(), h.apiEndpoint());
            Field<String> dataset = field("honeycomb", "dataset", "HONEYCOMB_DATASET", DATASET, "", "");

            HoneycombConfig.BatchConfig b = h.batch();
            HoneycombConfig.RetryConfig rt = h.retry();
            Field<HoneycombConfig.KeyMode> keyMode = field("honeycomb", "key_mode", null, KEY_MODE, h.keyMode(),
                    h.keyMode().word());
            Field<Boolean> gzip = field("honeycomb", "compression", null, COMPRESSION, h.gzip(),
                    h.gzip() ? "gzip" : "none");
            Field<Duration> batchTimeout = field("honeycomb", "batch_timeout", null, POSITIVE_DURATION,
                    b.timeout(), Values.formatDuration(b.timeout()));
            Field<Long> batchSpans = field("honeycomb", "batch_max_spans", null, whole(1, 1_000_000, "",
                    b.maxSpans()), (long) b.maxSpans(), Integer.toString(b.maxSpans()));
            Field<Long> batchBytes = field("honeycomb", "batch_max_bytes", null, sizeBetween(KIB,
                    HONEYCOMB_MAX_BATCH_BYTES, " (Honeycomb refuses batches over 5 MB)", b.maxBytes()),
                    b.maxBytes(), Long.toString(b.maxBytes()));
            Field<Duration> initialBackoff = field("honeycomb", "retry_initial_backoff", null, POSITIVE_DURATION,
                    rt.initialBackoff(), Values.formatDuration(rt.initialBackoff()));
            Field<Double> multiplier = field("honeycomb", "retry_multiplier", null,
                    decimal(">= 1", 1, Double.MAX_VALUE, rt.multiplier()), rt.multiplier(),
                    Values.formatDecimal(rt.multiplier()));
            Field<Double> jitter = field("honeycomb", "retry_jitter", null,
                    decimal("from 0 to 1", 0, 1, rt.jitter()), rt.jitter(), Values.formatDecimal(rt.jitter()));
            Field<Duration> maxBackoff = field("honeycomb", "retry_max_backoff", null, POSITIVE_DURATION,
                    rt.maxBackoff(), Values.formatDuration(rt.maxBackoff()));
            Field<Duration> maxElapsed = field("honeycomb", "retry_max_elapsed", null, DURATION, rt.maxElapsed(),
                    Values.formatDuration(rt.maxElapsed()));
            Field<Duration> requestTimeout = field("honeycomb", "request_timeout", null, POSITIVE_DURATION,
                    rt.attemptTimeout(), Values.formatDuration(rt.attemptTimeout()));
            Field<Long> senders = field("honeycomb", "senders", null, whole(1, 64, "", rt.senders()),
                    (long) rt.senders(), Integer.toString(rt.senders()));
            Field<Set<Integer>> retryOn = statusList("honeycomb", "retry_on", rt.retryOn());
            long honeycombQueueDefault = MemoryBounds.honeycombQueue(maxHeapBytes);
            Field<Long> queueBytes = field("honeycomb", "queue_bytes", null, sizeAtLeast(MIB, h.queueBytes()),
                    honeycombQueueDefault, Long.toString(honeycombQueueDefault));
            Field<Duration> readyAge = field("honeycomb", "ready_max_queue_age", null, POSITIVE_DURATION,
                    h.readyMaxQueueAge(), Values.formatDuration(h.readyMaxQueueAge()));

            Supplier<SpoolConfig> spool = spool(h.spool());

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

        private Supplier<SpoolConfig> spool(SpoolConfig sp) {
            Field<Optional<Path>> spoolDir = field("honeycomb.spool", "dir", "RELAY_SPOOL_DIR", spoolDirKind(),
                    Optional.empty(), "");
            Field<SpoolConfig.Fsync> fsync = field("honeycomb.spool", "fsync", null, FSYNC, sp.fsync(),
                    sp.fsync().name().toLowerCase(Locale.ROOT));
            Field<Duration> fsyncInterval = field("honeycomb.spool", "fsync_interval", null, POSITIVE_DURATION,
                    sp.fsyncInterval(), Values.formatDuration(sp.fsyncInterval()));
            Field<Long> spoolMax = field("honeycomb.spool", "max_bytes", null, sizeAtLeast(16 * MIB, sp.maxBytes()),
                    sp.maxBytes(), Long.toString(sp.maxBytes()));
            Field<Long> segment = field("honeycomb.spool", "segment_bytes", null,
                    sizeAtLeast(MIB, sp.segmentBytes()), sp.segmentBytes(), Long.toString(sp.segmentBytes()));

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
            Field<DebugExporterConfig.Mode> xrayEnabled = field("xray", "enabled", null, MODE, x.enabled(),
                    x.enabled().name().toLowerCase(Locale.ROOT));
            Field<Optional<HostPort>> daemon = field("xray", "daemon_address", "AWS_XRAY_DAEMON_ADDRESS",
                    DAEMON_ADDRESS, Optional.empty(), "");
            Field<List<String>> indexed = attributeList("xray", "indexed_attributes");
            Field<Boolean> indexAll = field("xray", "index_all_attributes", null, BOOLEAN, x.indexAllAttributes(),
                    Boolean.toString(x.indexAllAttributes()));
            Field<Boolean> annotateSampling = field("xray", "annotate_sampling", null, BOOLEAN,
                    x.annotateSampling(), Boolean.toString(x.annotateSampling()));
            Field<Long> datagrams = field("xray", "max_datagrams_per_second", null,
                    whole(0, 1_000_000, " (0 = unpaced)", x.maxDatagramsPerSecond()),
                    (long) x.maxDatagramsPerSecond(), Integer.toString(x.maxDatagramsPerSecond()));
            long xrayQueueDefault = MemoryBounds.xrayQueue(maxHeapBytes);
            Field<Long> xrayQueue = field("xray", "queue_bytes", null, sizeAtLeast(MIB, x.queueBytes()),
                    xrayQueueDefault, Long.toString(xrayQueueDefault));
            Field<XrayConfig.Documents> documents = field("xray", "documents", "RELAY_XRAY_DOCUMENTS", DOCUMENTS,
                    x.documents(), x.documents().word());
            Field<Long> maxSubsegments = field("xray", "max_subsegments_per_document", null,
                    whole(1, 10_000, "", x.maxSubsegmentsPerDocument()), (long) x.maxSubsegmentsPerDocument(),
                    Integer.toString(x.maxSubsegmentsPerDocument()));

            return new Xray(xrayQueue, () -> new XrayConfig(xrayEnabled.value(),
                    daemon.value().orElse(x.daemonAddress()), daemon.value().isPresent(), indexed.value(),
                    indexAll.value(), annotateSampling.value(), Math.toIntExact(datagrams.value()), xrayQueue.value(),
                    documents.value(), Math.toIntExact(maxSubsegments.value())));
        }

        private record Sampling(Field<Long> maxBuffer, Supplier<SamplingConfig> build) {
        }

        private Sampling sampling() {
            SamplingConfig sm = SamplingConfig.defaults();
            Field<Optional<Path>> rulesFile = field("sampling", "rules_file", "RELAY_SAMPLING_RULES",
                    rulesFileKind(), Optional.empty(), "");
            Field<Duration> reload = field("sampling", "reload_interval", null, POSITIVE_DURATION,
                    sm.reloadInterval(), Values.formatDuration(sm.reloadInterval()));
            Field<Duration> decisionWait = field("sampling", "decision_wait", null, DURATION, sm.decisionWait(),
                    Values.formatDuration(sm.decisionWait()));
            Field<Duration> traceTimeout = field("sampling", "trace_timeout", null, POSITIVE_DURATION,
                    sm.traceTimeout(), Values.formatDuration(sm.traceTimeout()));
            Field<Long> maxSpans = field("sampling", "max_spans_per_trace", null,
                    whole(1, 1_000_000, "", sm.maxSpansPerTrace()), (long) sm.maxSpansPerTrace(),
                    Integer.toString(sm.maxSpansPerTrace()));
            Field<Long> maxLive = field("sampling", "max_live_traces", null,
                    whole(1, 10_000_000, "", sm.maxLiveTraces()), (long) sm.maxLiveTraces(),
                    Integer.toString(sm.maxLiveTraces()));
            long bufferDefault = MemoryBounds.samplingBuffer(maxHeapBytes);
            Field<Long> maxBuffer = field("sampling", "max_buffer_bytes", null, sizeAtLeast(MIB,
                    sm.maxBufferBytes()), bufferDefault, Long.toString(bufferDefault));
            Field<Long> keptCache = field("sampling", "kept_cache_traces", null,
                    whole(1, 100_000_000, "", sm.keptCacheTraces()), (long) sm.keptCacheTraces(),
                    Integer.toString(sm.keptCacheTraces()));
            Field<Long> droppedFilter = field("sampling", "dropped_filter_traces", null,
                    whole(1, 1_000_000_000, "", sm.droppedFilterTraces()), (long) sm.droppedFilterTraces(),
                    Integer.toString(sm.droppedFilterTraces()));
            Conditions conditionReader = new Conditions(this::problem, this::substitute);
            List<ConditionConfig> conditions = conditionReader.read("sampling.conditions",
                    fileValue("sampling", "conditions"));
            SamplingConfig.DestinationRules xrayRules = null;
            JsonNode xraySampling = root == null || !root.path("sampling").isObject() ? null
                    : root.path("sampling").get("xray");
            List<ConditionConfig> xrayConditions = List.of();
            Field<Optional<Path>> xrayRulesFile = field("sampling.xray", "rules_file", null, rulesFileKind(),
                    Optional.empty(), "");
            if (xraySampling != null && xraySampling.isObject() && !xraySampling.isEmpty()) {
                xrayConditions = conditionReader.read("sampling.xray.conditions",
                        fileValue("sampling.xray", "conditions"));
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

        private <T> Field<T> field(String section, String key, String envVar, ValueKind<T> kind, T dflt,
                                   String dfltRaw) {
            String path = section + "." + key;
            Field<T> result = new Field<>(path, dfltRaw, dflt, true);
            JsonNode node = fileValue(section, key);
            if (node != null) {
                String text = fileText(path, node, kind.expected(), kind.stringOnly());
                result = text == null ? Field.invalid(path) : parse(path, text, kind);
            }
            String fromEnv = envVar == null ? null : env(envVar);
            if (fromEnv != null) {
                result = parse(envVar, fromEnv, kind);
            }
            return result;
        }

        private <T> Field<T> parse(String label, String text, ValueKind<T> kind) {
            T value = kind.parser().apply(kind.stringOnly() ? text : text.strip());
            if (value == null) {
                problem(label + ": " + Values.show(text) + " (expected: " + kind.expected() + ")");
                return Field.invalid(label);
            }
            return new Field<>(label, text, value, true);
        }

        /**
         * {@code honeycomb.spool.dir} / {@code RELAY_SPOOL_DIR}: an absolute path resolved against the working
         * directory, or empty (also {@value ConfigLoader#OFF}, as the effective configuration shows it) for off.
         */
        private ValueKind<Optional<Path>> spoolDirKind() {
            return new ValueKind<>("a directory path, or empty for no spool", s -> {
                if (s.isEmpty() || s.equals(OFF)) {
                    return Optional.empty();
                }
                try {
                    Path p = workingDir.resolve(Path.of(s)).normalize();
                    return Files.exists(p) && !Files.isDirectory(p) ? null : Optional.of(p);
                } catch (InvalidPathException | SecurityException e) {
                    return null;
                }
            }, false);
        }

        /**
         * {@code sampling.rules_file} / {@code RELAY_SAMPLING_RULES}: a readable file, resolved against the working
         * directory; empty for none. Its content is checked by the sampling stage's loader (at start and by
         * {@code check-config}), which knows the rule formats.
         */
        private ValueKind<Optional<Path>> rulesFileKind() {
            return new ValueKind<>("a readable X-Ray sampling rules file (JSON), or empty for none", s -> {
                if (s.isEmpty() || s.equals(OFF)) {
                    return Optional.empty();
                }
                try {
                    Path p = workingDir.resolve(Path.of(s)).normalize();
                    return Files.isRegularFile(p) && Files.isReadable(p) ? Optional.of(p) : null;
                } catch (InvalidPathException | SecurityException e) {
                    return null;
                }
            }, false);
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

        /** A YAML list of attribute keys, or one string with keys separated by commas; duplicates dropped. */
        private Field<List<String>> attributeList(String section, String key) {
            return textList(section, key, null, new ValueKind<>("an attribute key", t -> t, false), ATTRIBUTE_LIST);
        }

        /**
         * A YAML list of strings, or one string of them separated by commas (blank parts skipped); the
         * environment variable, commas too, overrides the file. Each item is stripped and parsed by {@code item},
         * whose parser returns the item as kept, or null to refuse it; duplicates are kept once.
         */
        private Field<List<String>> textList(String section, String key, String envVar, ValueKind<String> item,
                                             String expected) {
            String path = section + "." + key;
            String fromEnv = envVar == null ? null : env(envVar);
            if (fromEnv != null) {
                return commaList(envVar, fromEnv, item);
            }
            JsonNode node = fileValue(section, key);
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
            String value = text.isBlank() ? null : item.parser().apply(text.strip());
            if (value == null) {
                problem(label + ": " + Values.show(text) + " (expected: " + item.expected() + ")");
            }
            return value;
        }

        /**
         * A YAML list of HTTP statuses, or one string of them separated by commas: each from 400 to 599 but 413
         * (which splits the batch instead).
         */
        private Field<Set<Integer>> statusList(String section, String key, Set<Integer> dflt) {
            String path = section + "." + key;
            JsonNode node = fileValue(section, key);
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
            JsonNode node = fileValue("honeycomb", "api_key");
            if (node != null) {
                String text = fileText("honeycomb.api_key", node, "a string", true);
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
            String fromEnv = env("HONEYCOMB_API_KEY");
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
