package dev.otlprelay.receive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.otlprelay.support.TestRelay;
import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A real browser (Debian's headless Chromium) loads a page from one origin and POSTs OTLP/JSON to the relay on
 * another, as OpenTelemetry's web exporter does: the browser itself sends the preflight and decides whether the
 * page may send and read the answer. Skipped, saying so, where Chromium is not installed ({@code .ci/run}
 * installs it).
 */
class BrowserCorsTest {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");

    @BeforeAll
    static void needsChromium() {
        boolean present = Files.isExecutable(CHROMIUM);
        if (!present) {
            System.err.println("BrowserCorsTest SKIPPED: " + CHROMIUM + " is not installed (apt-get install "
                    + "chromium; .ci/run does this)");
        }
        Assumptions.assumeTrue(present, "SKIPPED: " + CHROMIUM + " is not installed (apt-get install chromium)");
    }

    /** The page's script: the exporter's POST, then its outcome reported back to the page's own server. */
    private static String page(String relayUrl) {
        String body = "{\"resourceSpans\":[{\"resource\":{\"attributes\":[{\"key\":\"service.name\",\"value\":"
                + "{\"stringValue\":\"react-frontend\"}}]},\"scopeSpans\":[{\"spans\":[{\"traceId\":"
                + "\"5b8efff798038103d269b633813fc60c\",\"spanId\":\"eee19b7ec3c1b174\",\"name\":\"page-load\","
                + "\"kind\":1,\"startTimeUnixNano\":\"1544712660000000000\",\"endTimeUnixNano\":"
                + "\"1544712661000000000\"}]}]}]}";
        return "<!doctype html><html><body><script>\n"
                + "const report = s => fetch('/report?' + encodeURIComponent(s));\n"
                + "fetch('" + relayUrl + "/v1/traces', {method: 'POST', credentials: 'include',\n"
                + "    headers: {'Content-Type': 'application/json'}, body: JSON.stringify(" + body + ")})\n"
                + "  .then(r => r.text().then(t => report('status=' + r.status + ' body=' + t)))\n"
                + "  .catch(e => report('error=' + e));\n"
                + "</script></body></html>";
    }

    /** What the page reported after loading in the browser. */
    private static String loadInBrowser(TestRelay relay) throws Exception {
        CompletableFuture<String> reported = new CompletableFuture<>();
        HttpServer site = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        byte[] html = page(relay.httpUrl()).getBytes(StandardCharsets.UTF_8);
        site.createContext("/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            if (path.equals("/report")) {
                reported.complete(URLDecoder.decode(exchange.getRequestURI().getRawQuery(), StandardCharsets.UTF_8));
                exchange.sendResponseHeaders(204, -1);
            } else if (path.equals("/")) {
                exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
                exchange.sendResponseHeaders(200, html.length);
                exchange.getResponseBody().write(html);
            } else {
                exchange.sendResponseHeaders(404, -1);
            }
            exchange.close();
        });
        site.start();
        Path profile = Files.createTempDirectory("chromium-profile");
        Process browser = null;
        try {
            browser = new ProcessBuilder(List.of(CHROMIUM.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    "--disable-quic", "--no-first-run", "--user-data-dir=" + profile,
                    "http://127.0.0.1:" + site.getAddress().getPort() + "/"))
                    .redirectErrorStream(true).redirectOutput(new File(profile.toFile(), "chromium.log")).start();
            return reported.get(60, TimeUnit.SECONDS);
        } finally {
            if (browser != null) {
                browser.descendants().forEach(ProcessHandle::destroyForcibly);
                browser.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            site.stop(0);
            deleteQuietly(profile);
        }
    }

    @Test
    void aPageFromAnAllowedOriginSendsItsSpansAndReadsTheAnswer() throws Exception {
        // The page's origin is http://127.0.0.1:<its port>: allowed around a star, the relay being another port.
        try (TestRelay relay = new TestRelay(Map.of("RELAY_CORS_ALLOWED_ORIGINS", "http://127.0.0.1:*"))) {
            String outcome = loadInBrowser(relay);

            assertThat(outcome).startsWith("status=200 body=");
            await().atMost(Duration.ofSeconds(10)).until(() -> relay.captured.spans().stream()
                    .anyMatch(s -> s.span().getName().equals("page-load")));
            assertThat(relay.metric("otlp_relay_receiver_requests_total", "transport", "http", "code", "204"))
                    .as("the browser's own preflight").isEqualTo(1.0);
        }
    }

    @Test
    void aPageFromAnotherOriginIsBlockedByTheBrowserAndNothingIsSent() throws Exception {
        try (TestRelay relay = new TestRelay(Map.of("RELAY_CORS_ALLOWED_ORIGINS", "https://app.example.com"))) {
            String outcome = loadInBrowser(relay);

            assertThat(outcome).startsWith("error=TypeError");
            assertThat(relay.metric("otlp_relay_receiver_refused_requests_total", "transport", "http", "reason",
                    "cors_refused")).isEqualTo(1.0);
            assertThat(relay.captured.spans()).as("the browser never sent the POST").isEmpty();
        }
    }

    @Test
    void withCorsOffTheBrowserBlocksThePage() throws Exception {
        try (TestRelay relay = new TestRelay()) {
            assertThat(loadInBrowser(relay)).startsWith("error=TypeError");
            assertThat(relay.captured.spans()).isEmpty();
        }
    }

    private static void deleteQuietly(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a leftover temp profile is harmless
        }
    }
}
