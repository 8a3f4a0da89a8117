package dev.otlprelay.sample.xrayrules;

import java.util.ArrayList;
import java.util.List;

/** The problems found so far in one rules file: every one is collected, then all are refused at once. */
final class RuleProblems {
    private final List<String> problems = new ArrayList<>();

    /** {@code where: field: value (expected: expected)}. */
    void add(String where, String field, String value, String expected) {
        problems.add(where + ": " + field + ": " + value + " (expected: " + expected + ")");
    }

    /** A problem already phrased whole. */
    void add(String problem) {
        problems.add(problem);
    }

    int size() {
        return problems.size();
    }

    boolean isEmpty() {
        return problems.isEmpty();
    }

    List<String> list() {
        return List.copyOf(problems);
    }
}
