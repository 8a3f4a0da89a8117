package dev.otlprelay.support;

import dev.otlprelay.Relay;
import dev.otlprelay.config.ConfigLoader;
import dev.otlprelay.config.RelayConfig;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A relay on loopback with ephemeral ports and a {@link CapturingExporter}, built through the real config loader
 * from an environment map, as users configure it. Close it to stop it.
 */
public final class TestRelay implements AutoCloseable {
    public final Relay relay;
    public final CapturingExporter captured = new CapturingExporter();
    public final List<String> debugLines = new CopyOnWriteArrayList<>();
    private final HttpClient http = HttpClient.newHttpClient();
    /** The directory relative paths in the config resolve against; removed with what the relay wrote there. */
    private final Path workDir;

    public TestRelay() {
        this(Map.of());
    }

    public TestRelay(Map<String, String> extraEnv) {
        Map<String, String> env = new HashMap<>();
        env.put("RELAY_HTTP_ADDRESS", "127.0.0.1:0");
        env.put("RELAY_GRPC_ADDRESS", "127.0.0.1:0");
        env.put("RELAY_ADMIN_ADDRESS", "127.0.0.1:0");
        env.putAll(extraEnv);
        try {
            workDir = Files.createTempDirectory("relay-test");
            RelayConfig config = ConfigLoader.load(null, env, workDir);
            relay = new Relay(config, List.of(captured), debugLines::add);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        relay.start();
    }

    public String httpUrl() {
        return "http://127.0.0.1:" + relay.httpPort();
    }

    public String grpcUrl() {
        return "http://127.0.0.1:" + relay.grpcPort();
    }

    /** The admin endpoint's answer to a GET. */
    public HttpResponse<String> admin(String path) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + relay.adminPort() + path))
                    .GET().build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * The value of one Prometheus sample, e.g. {@code metric("otlp_relay_receiver_accepted_spans_total",
     * "transport", "http")}; 0 when absent.
     */
    public double metric(String name, String... labels) {
        return Scrape.value(admin("/metrics").body(), name, labels);
    }

    @Override
    public void close() {
        relay.stop();
        try (java.util.stream.Stream<Path> tree = Files.walk(workDir)) {
            tree.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // A directory left in the temp dir is harmless; the test's result does not depend on it.
        }
    }

    /** Reads samples out of Prometheus text. */
    public static final class Scrape {
        private Scrape() {
        }

        public static double value(String text, String name, String... labels) {
            double sum = 0;
            boolean found = false;
            Pattern line = Pattern.compile("^" + Pattern.quote(name) + "(\\{[^}]*\\})?\\s+(\\S+)$", Pattern.MULTILINE);
            Matcher m = line.matcher(text);
            while (m.find()) {
                String labelText = m.group(1) == null ? "" : m.group(1);
                boolean match = true;
                for (int i = 0; i + 1 < labels.length; i += 2) {
                    if (!labelText.contains(labels[i] + "=\"" + labels[i + 1] + "\"")) {
                        match = false;
                        break;
                    }
                }
                if (match) {
                    sum += Double.parseDouble(m.group(2));
                    found = true;
                }
            }
            return found ? sum : 0;
        }
    }
}
