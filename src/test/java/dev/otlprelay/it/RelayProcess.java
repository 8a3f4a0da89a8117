package dev.otlprelay.it;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * The built jar run as users run it — {@code java -jar target/otlp-relay.jar ...} — in a separate process, with
 * its stdout and stderr captured line by line.
 */
public final class RelayProcess implements AutoCloseable {
    public final Process process;
    public final List<String> stdout = new CopyOnWriteArrayList<>();
    public final List<String> stderr = new CopyOnWriteArrayList<>();

    private RelayProcess(Process process) {
        this.process = process;
        pump(process.getInputStream(), stdout);
        pump(process.getErrorStream(), stderr);
    }

    public static Path jar() {
        Path jar = Path.of(System.getProperty("relay.jar", "target/otlp-relay.jar"));
        if (!Files.exists(jar)) {
            throw new IllegalStateException(jar + " does not exist: run `mvn verify` (the jar is built in package)");
        }
        return jar;
    }

    /** Starts the jar with exactly this environment (plus PATH/HOME), never the caller's Honeycomb key. */
    public static RelayProcess start(Map<String, String> env, String... args) throws IOException {
        return start(List.of("-Xmx256m"), env, args);
    }

    /** As {@link #start(Map, String...)}, with these JVM options instead of {@code -Xmx256m}. */
    public static RelayProcess start(List<String> jvmOptions, Map<String, String> env, String... args)
            throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of("-jar", jar().toAbsolutePath().toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().keySet().removeIf(k -> k.startsWith("HONEYCOMB_") || k.startsWith("RELAY_")
                || k.startsWith("AWS_"));
        pb.environment().putAll(env);
        return new RelayProcess(pb.start());
    }

    /** Free loopback ports for one relay's listeners, and the environment that gives them to it. */
    public record Ports(int httpPort, int grpcPort, int adminPort) {
        public static Ports free() throws IOException {
            return new Ports(freePort(), freePort(), freePort());
        }

        public Map<String, String> env(Map<String, String> base) {
            Map<String, String> env = new java.util.HashMap<>(base);
            env.put("RELAY_HTTP_ADDRESS", "127.0.0.1:" + httpPort);
            env.put("RELAY_GRPC_ADDRESS", "127.0.0.1:" + grpcPort);
            env.put("RELAY_ADMIN_ADDRESS", "127.0.0.1:" + adminPort);
            return env;
        }
    }

    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static void pump(InputStream in, List<String> lines) {
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    lines.add(line);
                }
            } catch (IOException ignored) {
                // the process ended
            }
        }, "relay-output");
        t.setDaemon(true);
        t.start();
    }

    public String allOutput() {
        return String.join("\n", stdout) + "\n" + String.join("\n", stderr);
    }

    /**
     * Sends SIGTERM and waits for the exit code. Through the process handle: {@link Process#destroy()} would also
     * close our ends of the pipes, losing what the relay prints while it stops.
     */
    public int terminate(Duration timeout) throws InterruptedException {
        process.toHandle().destroy();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the relay did not exit within " + timeout + " of SIGTERM");
        }
        return process.exitValue();
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
