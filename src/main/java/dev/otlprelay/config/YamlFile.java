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
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * The configuration file of one load: finds and reads it (size limit, encoding), parses it as one YAML document,
 * checks its layout (unknown keys, sections that are not maps) and hands out a key's node or scalar text. It is
 * the only part that knows YAML, so that its problems, which must never quote a line that may hold a secret, are
 * worded in one place.
 */
final class YamlFile {

    /** Read when neither {@code --config} nor {@code RELAY_CONFIG} names a file, if it exists. */
    static final String DEFAULT_CONFIG_FILE = "config/relay.yaml";
    static final long MAX_CONFIG_FILE_BYTES = 1024 * 1024;

    private static final ObjectMapper YAML = new ObjectMapper(
            YAMLFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build());

    private final LoadContext context;
    private ObjectNode root;
    private Path source;

    YamlFile(LoadContext context) {
        this.context = context;
    }

    /** The file read, or null when there was none (or it could not be read). */
    Path source() {
        return source;
    }

    /** Reads {@code file}, else the one {@code RELAY_CONFIG} names, else {@value #DEFAULT_CONFIG_FILE} if present. */
    void read(Path file) {
        Path path;
        String label;
        if (file != null) {
            path = context.workingDir().resolve(file).normalize();
            label = "config file";
        } else if (context.env(Keys.CONFIG_FILE_ENV) != null) {
            path = context.resolvePath(Keys.CONFIG_FILE_ENV, context.env(Keys.CONFIG_FILE_ENV));
            label = Keys.CONFIG_FILE_ENV;
            if (path == null) {
                return;
            }
        } else {
            path = context.workingDir().resolve(DEFAULT_CONFIG_FILE);
            label = "config file";
            if (!Files.exists(path)) {
                return;
            }
        }
        byte[] bytes = context.readSmallFile(label, path, MAX_CONFIG_FILE_BYTES, "a configuration file");
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
                    context.problem(where + " (expected: a single YAML document; another one starts at line "
                            + line + ")");
                    return;
                }
            }
            if (node == null || isEmpty(node)) {
                return;
            }
            if (!node.isObject()) {
                context.problem(where + " (expected: a map of sections "
                        + String.join(", ", Schema.SECTIONS.keySet()) + "; found " + describe(node) + ")");
                return;
            }
            root = (ObjectNode) node;
        } catch (JsonProcessingException e) {
            context.problem(where + " (" + yamlProblem(e) + ")");
        } catch (IOException | RuntimeException e) {
            context.problem(where + " (not valid YAML: " + e.getClass().getSimpleName() + ")");
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
    void checkLayout() {
        if (root == null) {
            return;
        }
        for (Map.Entry<String, JsonNode> e : root.properties()) {
            if (Schema.SECTIONS.containsKey(e.getKey())) {
                checkSection(e.getKey(), e.getValue());
            } else {
                context.problem(Schema.unknownSection(e.getKey()));
            }
        }
    }

    private void checkSection(String path, JsonNode section) {
        List<String> keys = Schema.keys(path);
        if (isEmpty(section)) {
            return; // "receiver:" with every key commented out
        }
        if (!section.isObject()) {
            context.problem(path + ": " + describe(section) + " (expected: a map with key"
                    + (keys.size() == 1 ? " " : "s ") + String.join(", ", keys) + ")");
            return;
        }
        for (Map.Entry<String, JsonNode> e : ((ObjectNode) section).properties()) {
            String key = e.getKey();
            if (!keys.contains(key)) {
                context.problem(Schema.unknownKey(path, key));
            } else if (Schema.NESTED.containsKey(path + "." + key)) {
                checkSection(path + "." + key, e.getValue());
            }
        }
    }

    /** The file's value of a key, null when absent or null. */
    JsonNode value(Key<?> key) {
        return value(key.section(), key.name());
    }

    /** The value of {@code key} in the (top-level or dotted nested) section, or null when absent or null. */
    private JsonNode value(String section, String key) {
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
    String text(String path, JsonNode node, String expected, boolean stringOnly) {
        if (node.isContainerNode() || (stringOnly && !node.isTextual())) {
            context.problem(path + ": " + describe(node) + " (expected: "
                    + (node.isContainerNode() ? expected : "a string; put the value in quotes") + ")");
            return null;
        }
        if (!node.isTextual()) {
            return node.asText();
        }
        try {
            return Substitution.apply(node.textValue(), context.envMap());
        } catch (Substitution.Failure f) {
            context.problem(path + ": " + f.getMessage() + " (expected: " + Substitution.EXPECTED + ")");
            return null;
        }
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
}
