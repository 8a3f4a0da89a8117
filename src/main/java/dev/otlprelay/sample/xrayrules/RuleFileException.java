package dev.otlprelay.sample.xrayrules;

import java.util.List;
import java.util.Objects;

/**
 * Every problem found in a rules file, one line each ({@code rule "Cruddur": FixedRate: 1.5 (expected: 0 to 1)});
 * the message prefixes each with the file, so it begins with the file's path.
 */
public final class RuleFileException extends Exception {
    private static final long serialVersionUID = 1L;

    private final String source;
    private final List<String> problems;

    /** @param source the file (its path) or other origin of the rules; @param problems at least one */
    public RuleFileException(String source, List<String> problems) {
        super(source);
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("a RuleFileException needs at least one problem");
        }
        this.source = Objects.requireNonNull(source, "source");
        this.problems = List.copyOf(problems);
    }

    /** The file the problems are in. */
    public String source() {
        return source;
    }

    /** The problems in the order found, without the file prefix. */
    public List<String> problems() {
        return problems;
    }

    @Override
    public String getMessage() {
        StringBuilder b = new StringBuilder();
        for (String p : problems) {
            if (b.length() > 0) {
                b.append('\n');
            }
            b.append(source).append(": ").append(p);
        }
        return b.toString();
    }
}
