package dev.otlprelay.config;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The key reference in {@code docs/configuration.md}, rendered from {@link Keys}: one markdown table per section
 * in the table's order, a row per key with its YAML path, environment variable, kind ({@link ValueKind#words}),
 * default and summary. The document's text between {@link #BEGIN} and {@link #END} is this rendering and nothing
 * else; {@code KeysReferenceTest} fails when it is not, and rewrites it when asked to.
 */
final class KeysReference {

    static final String BEGIN = "<!-- generated from config/Keys by KeysReferenceTest: do not edit by hand -->";
    static final String END = "<!-- end of generated reference -->";

    private static final String HEADER = """
            | YAML key | environment variable | kind | default | meaning |
            |---|---|---|---|---|
            """;

    private KeysReference() {
    }

    /** {@code document} with its reference, from {@link #BEGIN} to {@link #END}, replaced by {@link #render()}. */
    static String into(String document) {
        int begin = document.indexOf(BEGIN);
        int end = document.indexOf(END);
        if (begin < 0 || end < begin) {
            throw new IllegalArgumentException("no " + BEGIN + " ... " + END + " in the document");
        }
        return document.substring(0, begin) + render() + document.substring(end + END.length());
    }

    /** The reference, markers included. */
    static String render() {
        Map<String, List<Key<?>>> sections = new LinkedHashMap<>();
        Map<String, String> nestedSummaries = new LinkedHashMap<>();
        for (Key<?> key : Keys.ALL) {
            if (key.reading() == Key.Reading.SECTION) {
                nestedSummaries.put(key.path(), key.summary());
            } else {
                sections.computeIfAbsent(key.section(), s -> new ArrayList<>()).add(key);
            }
        }
        StringBuilder md = new StringBuilder(BEGIN).append('\n');
        sections.forEach((section, keys) -> {
            md.append("\n## ").append(section).append("\n\n");
            String summary = nestedSummaries.get(section);
            if (summary != null) {
                md.append(summary).append("\n\n");
            }
            md.append(HEADER);
            for (Key<?> key : keys) {
                md.append("| ").append(code(key.path()))
                        .append(" | ").append(env(key))
                        .append(" | ").append(cell(kind(key)))
                        .append(" | ").append(cell(dflt(key)))
                        .append(" | ").append(cell(key.summary()))
                        .append(" |\n");
            }
        });
        return md.append('\n').append(END).toString();
    }

    private static String env(Key<?> key) {
        List<String> vars = Keys.envVars(key);
        return vars.isEmpty() ? "—" : vars.stream().map(KeysReference::code).collect(Collectors.joining(" or "));
    }

    private static String kind(Key<?> key) {
        return key.reading() == Key.Reading.LIST ? "list of " + key.kind().words() : key.kind().words();
    }

    /**
     * The default as the file would write it (the effective configuration's format: {@code 30s}, {@code 4194304},
     * {@code ""} for empty); the rule in words when it is sized from the heap.
     */
    private static String dflt(Key<?> key) {
        if (key.fromHeap()) {
            return key.heapRule();
        }
        return switch (key.reading()) {
            case VALUE -> shown(key);
            case LIST -> code("[]");
            default -> {
                Object d = key.dflt().apply(0);
                if (d instanceof Optional<?> o && o.isEmpty()) {
                    yield code("\"\"");
                }
                yield d instanceof Collection<?> c
                        ? code(c.stream().map(String::valueOf).collect(Collectors.joining(", ", "[", "]")))
                        : code(String.valueOf(d));
            }
        };
    }

    /** A fixed default does not depend on the heap; 0 stands for any. */
    private static <T> String shown(Key<T> key) {
        String text = key.kind().show(key.defaultValue(0));
        return code(text.isEmpty() ? "\"\"" : text);
    }

    private static String code(String text) {
        return "`" + text + "`";
    }

    /** A table cell: a {@code |} would end it. */
    private static String cell(String text) {
        return text.replace("|", "\\|");
    }
}
