package dev.otlprelay.sample.xrayrules;

import dev.otlprelay.config.EditDistance;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Collection;
import java.util.Locale;
import java.util.Map;

/**
 * Typed reads of one rule object's fields. A read that fails records a problem and returns null, so that a reader
 * goes on to find every other problem in the file.
 */
final class RuleFields {
    private static final int MAX_SUGGESTION_DISTANCE = 2;

    private final JsonNode node;
    private final RuleProblems problems;
    private String where;

    RuleFields(JsonNode node, String where, RuleProblems problems) {
        this.node = node;
        this.where = where;
        this.problems = problems;
    }

    /** Names the rule in later problems once its name is known: {@code rule "Cruddur"}. */
    void where(String where) {
        this.where = where;
    }

    String where() {
        return where;
    }

    boolean has(String field) {
        return node.has(field) && !node.get(field).isNull();
    }

    JsonNode get(String field) {
        return node.get(field);
    }

    void problem(String field, String value, String expected) {
        problems.add(where, field, value, expected);
    }

    void problem(String field, JsonNode value, String expected) {
        problems.add(where, field, value == null || value.isNull() ? "missing" : value.toString(), expected);
    }

    /** A required non-empty string of at most {@code maxLength} characters (0 = no limit). */
    String string(String field, int maxLength, String expected) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull() || !v.isTextual() || v.asText().isEmpty()) {
            problem(field, v, expected);
            return null;
        }
        String s = v.asText();
        if (maxLength > 0 && s.length() > maxLength) {
            problem(field, v, "up to " + maxLength + " characters");
            return null;
        }
        return s;
    }

    /** A required whole number in [min, max]; {@code range} says so in words ("1 to 9999", ">= 0"). */
    Integer integer(String field, long min, long max, String range) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull() || !v.isNumber() || v.asDouble() != Math.rint(v.asDouble())) {
            problem(field, v, "an integer, " + range);
            return null;
        }
        double d = v.asDouble();
        if (d < min || d > max) {
            problem(field, v, range);
            return null;
        }
        return (int) d;
    }

    /** A required number in [min, max]. */
    Double number(String field, double min, double max, String range) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull() || !v.isNumber()) {
            problem(field, v, "a number, " + range);
            return null;
        }
        double d = v.asDouble();
        if (!(d >= min && d <= max)) {
            problem(field, v, range);
            return null;
        }
        return d;
    }

    /** Refuses fields not in {@code known}, suggesting the closest known one. */
    void rejectUnknown(Collection<String> known) {
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            String field = e.getKey();
            if (!known.contains(field)) {
                String suggestion = closest(field, known);
                problems.add(where + ": " + field + ": unknown field ("
                        + (suggestion != null ? "did you mean " + suggestion + "?" : "expected one of: "
                        + String.join(", ", known)) + ")");
            }
        }
    }

    /** The known name equal up to case, or within two edits; null when none is close. */
    static String closest(String field, Collection<String> known) {
        String lower = field.toLowerCase(Locale.ROOT);
        String best = null;
        int bestDistance = MAX_SUGGESTION_DISTANCE + 1;
        for (String k : known) {
            int d = EditDistance.between(lower, k.toLowerCase(Locale.ROOT));
            if (d < bestDistance) {
                best = k;
                bestDistance = d;
            }
        }
        return best;
    }
}
