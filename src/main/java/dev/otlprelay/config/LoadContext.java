package dev.otlprelay.config;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What the parts of one {@link ConfigLoader} load share: the environment, the working directory, and the one list
 * every problem goes to, so that they are all reported together in the order they were found. It also reads the
 * small files the configuration names (the config file, the API key file), because both must be refused the same
 * way: a problem that names the file but never quotes its content.
 */
final class LoadContext {
    private final Map<String, String> env;
    private final Path workingDir;
    private final List<String> problems = new ArrayList<>();

    LoadContext(Map<String, String> env, Path workingDir) {
        this.env = env;
        this.workingDir = workingDir;
    }

    /** Where relative paths resolve; already absolute and normalized. */
    Path workingDir() {
        return workingDir;
    }

    /** The environment as given, for {@code ${VAR}} substitution. */
    Map<String, String> envMap() {
        return env;
    }

    /** An environment variable, or null when unset or empty. */
    String env(String name) {
        String v = env.get(name);
        return v == null || v.isEmpty() ? null : v;
    }

    void problem(String message) {
        problems.add(message);
    }

    /** Every problem so far, in the order found; the live list. */
    List<String> problems() {
        return problems;
    }

    Path resolvePath(String label, String text) {
        try {
            return workingDir.resolve(Path.of(text)).normalize();
        } catch (InvalidPathException e) {
            problem(label + ": " + Values.show(text) + " (expected: a file path)");
            return null;
        }
    }

    /** The bytes of a file, or null with a problem that names the file but never quotes its content. */
    byte[] readSmallFile(String label, Path path, long maxBytes, String whatItShouldBe) {
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
}
