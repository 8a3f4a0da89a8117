package dev.otlprelay.config;

import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every config test does: write a {@code relay.yaml} into a fresh working directory, load it with an
 * environment, and read either the configuration or the problems it was refused with.
 */
abstract class ConfigFileTest {
    @TempDir
    Path dir;

    Path write(String name, String content) throws IOException {
        Path f = dir.resolve(name);
        Files.createDirectories(f.getParent());
        Files.writeString(f, content);
        return f;
    }

    RelayConfig load(String yaml, Map<String, String> env) throws Exception {
        return ConfigLoader.load(write("relay.yaml", yaml), env, dir);
    }

    List<String> problems(String yaml, Map<String, String> env) throws IOException {
        Path f = write("relay.yaml", yaml);
        return assertThrows(ConfigException.class, () -> ConfigLoader.load(f, env, dir)).problems();
    }

    List<String> problems(String yaml) throws IOException {
        return problems(yaml, Map.of());
    }
}
