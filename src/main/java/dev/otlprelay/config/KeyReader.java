package dev.otlprelay.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads one key of {@link Keys} into a {@link Field}: its default, else the file's value, else its environment
 * variable's, as the key's {@link ValueKind} parses them. A text that does not parse becomes a problem naming the key
 * path or the variable and an invalid field, so that the loader goes on and reports every problem at once, and its
 * cross-checks can skip what was already refused.
 */
final class KeyReader {

    private static final String STATUS = "an HTTP status from 400 to 599 other than 413 (split, not retried), e.g. 500";
    private static final String STATUS_LIST = "a list of HTTP statuses, or one string of them separated by commas, "
            + "e.g. [429, 500, 502, 503, 504]";

    private final LoadContext context;
    private final YamlFile file;
    /** The JVM's max heap, which the memory bounds not set default from. */
    private final long maxHeapBytes;

    KeyReader(LoadContext context, YamlFile file, long maxHeapBytes) {
        this.context = context;
        this.file = file;
        this.maxHeapBytes = maxHeapBytes;
    }

    /** A {@link Key.Reading#VALUE} key: its default, else the file's value, else its environment variable's. */
    <T> Field<T> value(Key<T> key) {
        ValueKind<T> kind = key.kind();
        T dflt = key.defaultValue(maxHeapBytes);
        Field<T> result = new Field<>(key.path(), kind.show(dflt), dflt, true);
        JsonNode node = file.value(key);
        if (node != null) {
            String text = file.text(key.path(), node, kind.expected(), kind.stringOnly());
            result = text == null ? Field.invalid(key.path()) : parse(key.path(), text, kind);
        }
        String fromEnv = key.env() == null ? null : context.env(key.env());
        if (fromEnv != null) {
            result = parse(key.env(), fromEnv, kind);
        }
        return result;
    }

    private <T> Field<T> parse(String label, String text, ValueKind<T> kind) {
        T value = kind.parse(kind.stringOnly() ? text : text.strip(), context.workingDir());
        if (value == null) {
            context.problem(label + ": " + Values.show(text) + " (expected: " + kind.expected() + ")");
            return Field.invalid(label);
        }
        return new Field<>(label, text, value, true);
    }

    /** ${VAR} substitution for values read outside {@link #value}; null (problem recorded) on failure. */
    String substitute(String path, String text) {
        try {
            return Substitution.apply(text, context.envMap());
        } catch (Substitution.Failure f) {
            context.problem(path + ": " + f.getMessage() + " (expected: " + Substitution.EXPECTED + ")");
            return null;
        }
    }

    /**
     * A {@link Key.Reading#LIST} key: a YAML list of strings, or one string of them separated by commas (blank parts
     * skipped); the environment variable, commas too, overrides the file. Each item is stripped and parsed by the
     * key's kind, whose parser returns the item as kept, or null to refuse it; duplicates are kept once.
     */
    Field<List<String>> list(Key<String> key, String expected) {
        ValueKind<String> item = key.kind();
        String path = key.path();
        String fromEnv = key.env() == null ? null : context.env(key.env());
        if (fromEnv != null) {
            return commaList(key.env(), fromEnv, item);
        }
        JsonNode node = file.value(key);
        if (node == null) {
            return new Field<>(path, "", List.of(), true);
        }
        if (!node.isArray()) {
            String text = file.text(path, node, expected, false);
            return text == null ? Field.invalid(path) : commaList(path, text, item);
        }
        Set<String> kept = new LinkedHashSet<>();
        boolean valid = true;
        int i = 0;
        for (JsonNode n : node) {
            String itemPath = path + "[" + i++ + "]";
            String text = n.isNull() ? "" : file.text(itemPath, n, item.expected(), false);
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
        String value = text.isBlank() ? null : item.parse(text.strip(), context.workingDir());
        if (value == null) {
            context.problem(label + ": " + Values.show(text) + " (expected: " + item.expected() + ")");
        }
        return value;
    }

    /**
     * {@code honeycomb.retry_on}: a YAML list of HTTP statuses, or one string of them separated by commas: each
     * from 400 to 599 but 413 (which splits the batch instead).
     */
    @SuppressWarnings("unchecked")
    Field<Set<Integer>> statuses(Key<Void> key) {
        Set<Integer> dflt = (Set<Integer>) key.dflt().apply(maxHeapBytes);
        String path = key.path();
        JsonNode node = file.value(key);
        if (node == null) {
            return new Field<>(path, dflt.toString(), dflt, true);
        }
        List<String> items = new ArrayList<>();
        List<String> paths = new ArrayList<>();
        if (!statusTexts(path, node, items, paths)) {
            return Field.invalid(path);
        }
        Set<Integer> statuses = new TreeSet<>();
        boolean valid = true;
        for (int i = 0; i < items.size(); i++) {
            Long status = Values.parseWhole(items.get(i), 400, 599);
            if (status == null || status == 413) {
                context.problem(paths.get(i) + ": " + Values.show(items.get(i)) + " (expected: " + STATUS + ")");
                valid = false;
            } else {
                statuses.add(status.intValue());
            }
        }
        return valid ? new Field<>(path, node.toString(), statuses, true) : Field.invalid(path);
    }

    /** Each status's stripped text into {@code items} and its path into {@code paths}; false when unusable. */
    private boolean statusTexts(String path, JsonNode node, List<String> items, List<String> paths) {
        if (node.isArray()) {
            int i = 0;
            for (JsonNode item : node) {
                String itemPath = path + "[" + i++ + "]";
                String text = file.text(itemPath, item, STATUS, false);
                if (text == null) {
                    return false;
                }
                items.add(text.strip());
                paths.add(itemPath);
            }
            return true;
        }
        String text = file.text(path, node, STATUS_LIST, false);
        if (text == null) {
            return false;
        }
        for (String part : text.split(",")) {
            if (!part.isBlank()) {
                items.add(part.strip());
                paths.add(path);
            }
        }
        return true;
    }
}
