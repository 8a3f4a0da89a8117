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
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
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
 * {@code HONEYCOMB_API_ENDPOINT, HONEYCOMB_DATASET}; a variable set to the empty string counts as unset.
 * Relative paths (file, {@code RELAY_CONFIG}, {@code HONEYCOMB_API_KEY_FILE}) resolve against the working
 * directory.
 */
public final class ConfigLoader {

    static final String DEFAULT_CONFIG_FILE = "config/relay.yaml";
    static final long MAX_CONFIG_FILE_BYTES = 1024 * 1024;
    static final long MAX_KEY_FILE_BYTES = 64 * 1024;

    private static final ObjectMapper YAML = new ObjectMapper(
            YAMLFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build());

    /** What {@link EffectiveConfig} writes for an absent key; read back as "no key" so its output loads. */
    static final String NOT_SET = "(not set)";

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
        Objects.requireNonNull(env, "env");
        Objects.requireNonNull(workingDir, "workingDir");
        return new Loading(env, workingDir.toAbsolutePath().normalize()).load(file);
    }

    /** {@link #load(Path, Map, Path)} with the current directory as working directory. */
    public static RelayConfig load(Path file, Map<String, String> env) throws ConfigException {
        return load(file, env, Path.of("").toAbsolutePath());
    }

    /** How to read one kind of value, and what to say when it is wrong. */
    private record Kind<T>(String expected, Function<String, T> parser, boolean stringOnly) {
    }

    /** A resolved value: where it came from (env variable or key path), its text as written, and validity. */
    private record Field<T>(String label, String raw, T value, boolean valid) {
        static <T> Field<T> invalid(String label) {
            return new Field<>(label, "", null, false);
        }
    }

    private static Kind<HostPort> address(HostPort example) {
        return new Kind<>("host:port with port 0-65535, e.g. " + example, s -> {
            try {
                return HostPort.parse(s);
            } catch (IllegalArgumentException e) {
                return null;
            }
        }, false);
    }

    private static Kind<Long> size(long example) {
        return new Kind<>("a size in bytes >= 0, e.g. " + example + " or " + Values.binarySize(example),
                s -> Values.parseSize(s, 0, Long.MAX_VALUE), false);
    }

    private static Kind<Long> positiveIntSize(long example) {
        return new Kind<>("a size in bytes from 1 to " + Integer.MAX_VALUE + ", e.g. " + example + " or "
                + Values.binarySize(example), s -> Values.parseSize(s, 1, Integer.MAX_VALUE), false);
    }

    private static final Kind<Duration> DURATION = new Kind<>(
            "a duration >= 0 such as 15s, 500ms, 2m or 1h, or whole seconds", Values::parseDuration, false);

    private static final Kind<DebugExporterConfig.Mode> MODE = new Kind<>("auto, true or false",
            s -> switch (s.toLowerCase(Locale.ROOT)) {
                case "auto" -> DebugExporterConfig.Mode.AUTO;
                case "true", "on", "yes" -> DebugExporterConfig.Mode.ON;
                case "false", "off", "no" -> DebugExporterConfig.Mode.OFF;
                default -> null;
            }, false);

    private static final Kind<String> ENDPOINT = new Kind<>(
            "an absolute http(s) URL, e.g. " + HoneycombConfig.DEFAULT_API_ENDPOINT, ConfigLoader::endpoint, true);

    private static final Kind<String> DATASET = new Kind<>("a dataset name", s -> s, true);

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

        Loading(Map<String, String> env, Path workingDir) {
            this.env = env;
            this.workingDir = workingDir;
        }

        RelayConfig load(Path file) throws ConfigException {
            readConfigFile(file);
            checkLayout();

            ReceiverConfig r = ReceiverConfig.defaults();
            Field<HostPort> http = field("receiver", "http_address", "RELAY_HTTP_ADDRESS",
                    address(r.httpAddress()), r.httpAddress(), r.httpAddress().toString());
            Field<HostPort> grpc = field("receiver", "grpc_address", "RELAY_GRPC_ADDRESS",
                    address(r.grpcAddress()), r.grpcAddress(), r.grpcAddress().toString());
            Field<Long> maxRequest = field("receiver", "max_request_bytes", "RELAY_MAX_REQUEST_BYTES",
                    size(r.maxRequestBytes()), r.maxRequestBytes(), Long.toString(r.maxRequestBytes()));
            Field<Long> maxGrpc = field("receiver", "max_grpc_message_bytes", null,
                    positiveIntSize(r.maxGrpcMessageBytes()), (long) r.maxGrpcMessageBytes(),
                    Integer.toString(r.maxGrpcMessageBytes()));
            Field<Long> maxInflight = field("receiver", "max_inflight_bytes", "RELAY_MAX_INFLIGHT_BYTES",
                    size(r.maxInflightBytes()), r.maxInflightBytes(), Long.toString(r.maxInflightBytes()));
            Field<Duration> retryAfter = field("receiver", "retry_after", null, DURATION, r.retryAfter(),
                    Values.formatDuration(r.retryAfter()));

            AdminConfig a = AdminConfig.defaults();
            Field<HostPort> admin = field("admin", "address", "RELAY_ADMIN_ADDRESS", address(a.address()),
                    a.address(), a.address().toString());

            HoneycombConfig h = HoneycombConfig.defaults();
            Optional<Secret> apiKey = apiKey();
            Field<String> endpoint = field("honeycomb", "api_endpoint", "HONEYCOMB_API_ENDPOINT", ENDPOINT,
                    h.apiEndpoint(), h.apiEndpoint());
            Field<String> dataset = field("honeycomb", "dataset", "HONEYCOMB_DATASET", DATASET, "", "");

            DebugExporterConfig d = DebugExporterConfig.defaults();
            Field<DebugExporterConfig.Mode> debug = field("debug", "enabled", null, MODE, d.enabled(),
                    d.enabled().name().toLowerCase(Locale.ROOT));

            ShutdownConfig s = ShutdownConfig.defaults();
            Field<Duration> drain = field("shutdown", "drain_timeout", null, DURATION, s.drainTimeout(),
                    Values.formatDuration(s.drainTimeout()));

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
            checkPortsDiffer(List.of(http, grpc, admin));

            if (!problems.isEmpty()) {
                throw new ConfigException(problems);
            }
            String ds = dataset.value().isBlank() ? null : dataset.value();
            return new RelayConfig(
                    new ReceiverConfig(http.value(), grpc.value(), maxRequest.value(),
                            Math.toIntExact(maxGrpc.value()), maxInflight.value(), retryAfter.value()),
                    new AdminConfig(admin.value()),
                    new HoneycombConfig(apiKey, endpoint.value(), ds),
                    new DebugExporterConfig(debug.value()),
                    new ShutdownConfig(drain.value()),
                    source);
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

        /** Unknown keys and sections that are not maps. */
        private void checkLayout() {
            if (root == null) {
                return;
            }
            for (Map.Entry<String, JsonNode> e : root.properties()) {
                String name = e.getKey();
                JsonNode section = e.getValue();
                List<String> keys = Schema.SECTIONS.get(name);
                if (keys == null) {
                    problem(Schema.unknownSection(name));
                } else if (isEmpty(section)) {
                    continue; // "receiver:" with every key commented out
                } else if (!section.isObject()) {
                    problem(name + ": " + describe(section) + " (expected: a map with key"
                            + (keys.size() == 1 ? " " : "s ") + String.join(", ", keys) + ")");
                } else {
                    for (Iterator<String> it = section.fieldNames(); it.hasNext(); ) {
                        String key = it.next();
                        if (!keys.contains(key)) {
                            problem(Schema.unknownKey(name, key));
                        }
                    }
                }
            }
        }

        private JsonNode fileValue(String section, String key) {
            if (root == null) {
                return null;
            }
            JsonNode s = root.get(section);
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

        private <T> Field<T> field(String section, String key, String envVar, Kind<T> kind, T dflt,
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

        private <T> Field<T> parse(String label, String text, Kind<T> kind) {
            T value = kind.parser().apply(kind.stringOnly() ? text : text.strip());
            if (value == null) {
                problem(label + ": " + Values.show(text) + " (expected: " + kind.expected() + ")");
                return Field.invalid(label);
            }
            return new Field<>(label, text, value, true);
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
