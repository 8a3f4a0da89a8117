package dev.otlprelay.config;

import java.util.List;
import java.util.Objects;

/** Every problem found in the configuration, one line each ({@code key: value (expected: ...)}). */
public final class ConfigException extends Exception {

    private static final long serialVersionUID = 1L;

    private final List<String> problems;

    /** @param problems at least one problem; none may contain a secret */
    public ConfigException(List<String> problems) {
        super(String.join("\n", Objects.requireNonNull(problems, "problems")));
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("a ConfigException needs at least one problem");
        }
        this.problems = List.copyOf(problems);
    }

    /** The problems in the order found. */
    public List<String> problems() {
        return problems;
    }

    /** The problems joined by newlines. */
    @Override
    public String getMessage() {
        return String.join("\n", problems);
    }
}
