package dev.otlprelay.admin;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

/**
 * What {@code /readyz} checks. Each check names itself and answers null when fine, or the reason it is not
 * ready; the relay is ready when every check is fine.
 */
public final class Readiness {
    private final List<Map.Entry<String, Supplier<String>>> checks = new CopyOnWriteArrayList<>();

    public void add(String name, Supplier<String> check) {
        checks.add(Map.entry(name, check));
    }

    /** The reasons the relay is not ready, as {@code name: reason}; empty when ready. */
    public List<String> problems() {
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, Supplier<String>> check : checks) {
            String problem = check.getValue().get();
            if (problem != null) {
                problems.add(check.getKey() + ": " + problem);
            }
        }
        return problems;
    }
}
