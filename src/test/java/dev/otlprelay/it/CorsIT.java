package dev.otlprelay.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The jar as users run it with RELAY_CORS_ALLOWED_ORIGINS: it says so at start, answers the preflight, takes the POST. */
class CorsIT {
    private static final String APP = "http://localhost:3000";

    @Test
    void aBrowserAppsPreflightAndPostGoThroughTheJar() throws Exception {
        int httpPort = RelayProcess.freePort();
        Map<String, String> env = Map.of(
                "RELAY_HTTP_ADDRESS", "127.0.0.1:" + httpPort,
                "RELAY_GRPC_ADDRESS", "127.0.0.1:" + RelayProcess.freePort(),
                "RELAY_ADMIN_ADDRESS", "127.0.0.1:" + RelayProcess.freePort(),
                "RELAY_CORS_ALLOWED_ORIGINS", APP);
        try (RelayProcess relay = RelayProcess.start(env)) {
            await().atMost(Duration.ofSeconds(30)).until(() -> relay.allOutput().contains("otlp-relay listening"));
            assertThat(relay.allOutput()).contains("CORS is on for browser apps from " + APP);

            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            URI traces = URI.create("http://127.0.0.1:" + httpPort + "/v1/traces");
            HttpResponse<String> preflight = http.send(HttpRequest.newBuilder(traces)
                    .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).header("Origin", APP)
                    .header("Access-Control-Request-Method", "POST")
                    .header("Access-Control-Request-Headers", "content-type").build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(preflight.statusCode()).isEqualTo(204);
            assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin")).hasValue(APP);

            String json = "{\"resourceSpans\":[{\"resource\":{\"attributes\":[{\"key\":\"service.name\",\"value\":"
                    + "{\"stringValue\":\"frontend-react-js\"}}]},\"scopeSpans\":[{\"spans\":[{\"traceId\":"
                    + "\"5b8efff798038103d269b633813fc60c\",\"spanId\":\"eee19b7ec3c1b174\",\"name\":\"documentLoad\","
                    + "\"kind\":1,\"startTimeUnixNano\":\"1544712660000000000\",\"endTimeUnixNano\":"
                    + "\"1544712661000000000\"}]}]}]}";
            HttpResponse<String> posted = http.send(HttpRequest.newBuilder(traces)
                    .POST(HttpRequest.BodyPublishers.ofString(json)).header("Origin", APP)
                    .header("Content-Type", "application/json").build(), HttpResponse.BodyHandlers.ofString());
            assertThat(posted.statusCode()).isEqualTo(200);
            assertThat(posted.headers().firstValue("Access-Control-Allow-Origin")).hasValue(APP);
            await().atMost(Duration.ofSeconds(20)).until(() -> relay.stdout.stream()
                    .anyMatch(l -> l.contains("service=frontend-react-js") && l.contains("documentLoad")));
        }
    }
}
