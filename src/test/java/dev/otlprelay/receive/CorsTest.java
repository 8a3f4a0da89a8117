package dev.otlprelay.receive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.otlprelay.support.Http;
import dev.otlprelay.support.TestRelay;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * CORS for browser apps (issue 20.5): the preflight a browser sends before OpenTelemetry's web exporter POSTs
 * JSON from another origin, and the POST after it, as the Collector's OTLP receiver answers them.
 */
class CorsTest {
    private static final String APP = "http://localhost:3000";

    /** What the web exporter's JSON POST makes a browser send first (Content-Type is not CORS-safelisted). */
    private static HttpResponse<byte[]> preflight(TestRelay relay, String origin, String requestHeaders) {
        return Http.exchange("OPTIONS", relay.httpUrl() + "/v1/traces", null,
                "Origin", origin, "Access-Control-Request-Method", "POST",
                "Access-Control-Request-Headers", requestHeaders);
    }

    private static HttpResponse<byte[]> post(TestRelay relay, String origin, String spanName) {
        String json = "{\"resourceSpans\":[{\"resource\":{\"attributes\":[{\"key\":\"service.name\",\"value\":"
                + "{\"stringValue\":\"frontend\"}}]},\"scopeSpans\":[{\"spans\":[{\"traceId\":"
                + "\"5b8efff798038103d269b633813fc60c\",\"spanId\":\"eee19b7ec3c1b174\",\"name\":\"" + spanName
                + "\",\"kind\":1,\"startTimeUnixNano\":\"1544712660000000000\",\"endTimeUnixNano\":"
                + "\"1544712661000000000\"}]}]}]}";
        return Http.exchange("POST", relay.httpUrl() + "/v1/traces", json.getBytes(StandardCharsets.UTF_8),
                "Origin", origin, "Content-Type", "application/json");
    }

    private static String header(HttpResponse<?> r, String name) {
        return r.headers().firstValue(name).orElse(null);
    }

    @Test
    void corsIsOffByDefaultAndThePreflightIsToldHowToTurnItOn() {
        try (TestRelay relay = new TestRelay()) {
            HttpResponse<byte[]> r = preflight(relay, APP, "content-type");

            assertThat(r.statusCode()).isEqualTo(405);
            assertThat(header(r, "Access-Control-Allow-Origin")).isNull();
            assertThat(new String(r.body(), StandardCharsets.UTF_8)).contains("RELAY_CORS_ALLOWED_ORIGINS");
            HttpResponse<byte[]> posted = post(relay, APP, "no-cors");
            assertThat(posted.statusCode()).isEqualTo(200);
            assertThat(header(posted, "Access-Control-Allow-Origin")).isNull();
        }
    }

    @Test
    void aPreflightFromAnAllowedOriginGets204WithWhatThePageMayDo() {
        try (TestRelay relay = new TestRelay(Map.of("RELAY_CORS_ALLOWED_ORIGINS", "https://shop.example.com, "
                + APP))) {
            HttpResponse<byte[]> r = preflight(relay, APP, "content-type");

            assertThat(r.statusCode()).isEqualTo(204);
            assertThat(header(r, "Access-Control-Allow-Origin")).isEqualTo(APP);
            assertThat(header(r, "Access-Control-Allow-Methods")).isEqualTo("POST");
            assertThat(header(r, "Access-Control-Allow-Headers")).isEqualTo("content-type");
            assertThat(header(r, "Access-Control-Allow-Credentials")).isEqualTo("true");
            assertThat(header(r, "Vary")).contains("Origin");
            assertThat(header(r, "Access-Control-Max-Age")).as("max_age 0 sends none").isNull();
            assertThat(r.body()).isEmpty();
        }
    }

    @Test
    void thePostAfterThePreflightIsForwardedAndNamesTheOrigin() {
        try (TestRelay relay = new TestRelay(Map.of("RELAY_CORS_ALLOWED_ORIGINS", APP))) {
            assertThat(preflight(relay, APP, "content-type").statusCode()).isEqualTo(204);
            HttpResponse<byte[]> r = post(relay, APP, "checkout-click");

            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(header(r, "Access-Control-Allow-Origin")).isEqualTo(APP);
            assertThat(header(r, "Access-Control-Allow-Credentials")).isEqualTo("true");
            assertThat(header(r, "Access-Control-Expose-Headers")).isEqualToIgnoringCase("retry-after");
            assertThat(header(r, "Vary")).isEqualToIgnoringCase("origin");
            await().atMost(Duration.ofSeconds(10)).until(() -> relay.captured.spans().stream()
                    .anyMatch(s -> s.span().getName().equals("checkout-click")));
        }
    }

    @Test
    void anErrorAnswerAlsoNamesTheOriginSoThePageCanReadIt() {
        try (TestRelay relay = new TestRelay(Map.of("RELAY_CORS_ALLOWED_ORIGINS", APP))) {
            HttpResponse<byte[]> r = Http.exchange("POST", relay.httpUrl() + "/v1/traces",
                    "{not json".getBytes(StandardCharsets.UTF_8), "Origin", APP, "Content-Type", "application/json");

            assertThat(r.statusCode()).isEqualTo(400);
            assertThat(header(r, "Access-Control-Allow-Origin")).isEqualTo(APP);
        }
    }

    @Test
    void aPreflightFromAnotherOriginIsRefusedWithTheReasonAndCounted() {
        try (TestRelay relay = new TestRelay(Map.of("RELAY_CORS_ALLOWED_ORIGINS", APP))) {
            HttpResponse<byte[]> r = preflight(relay, "https://evil.example.net", "content-type");

            assertThat(r.statusCode()).isEqualTo(403);
            assertThat(header(r, "Access-Control-Allow-Origin")).isNull();
            assertThat(new String(r.body(), StandardCharsets.UTF_8))
                    .contains("origin https://evil.example.net is not allowed", "RELAY_CORS_ALLOWED_ORIGINS");
            assertThat(relay.metric("otlp_relay_receiver_refused_requests_total", "transport", "http", "reason",
                    "cors_refused")).isEqualTo(1.0);
            HttpResponse<byte[]> posted = post(relay, "https://evil.example.net", "still-accepted");
            assertThat(header(posted, "Access-Control-Allow-Origin")).as("the browser hides this answer").isNull();
        }
    }

    @Test
    void aWildcardOriginAllowsOnlyWhatMatchesAroundTheStar() {
        try (TestRelay relay = new TestRelay(Map.of("RELAY_CORS_ALLOWED_ORIGINS", "https://*.example.com"))) {
            assertThat(preflight(relay, "https://app.example.com", "content-type").statusCode()).isEqualTo(204);
            assertThat(preflight(relay, "https://a.b.example.com", "content-type").statusCode()).isEqualTo(204);
            assertThat(preflight(relay, "http://app.example.com", "content-type").statusCode())
                    .as("another scheme").isEqualTo(403);
            assertThat(preflight(relay, "https://example.com.evil.net", "content-type").statusCode())
                    .isEqualTo(403);
            assertThat(preflight(relay, "https://notexample.com", "content-type").statusCode()).isEqualTo(403);
        }
    }

    @Test
    void starAllowsAnyOriginAndEchoesItSoCredentialedRequestsWork() {
        try (TestRelay relay = new TestRelay(Map.of("RELAY_CORS_ALLOWED_ORIGINS", "*"))) {
            HttpResponse<byte[]> r = preflight(relay, "https://anywhere.test", "content-type");

            assertThat(r.statusCode()).isEqualTo(204);
            assertThat(header(r, "Access-Control-Allow-Origin")).isEqualTo("https://anywhere.test");
        }
    }

    @Test
    void aHeaderOutsideTheAllowedOnesIsRefusedUntilItIsAllowed() {
        try (TestRelay off = new TestRelay(Map.of("RELAY_CORS_ALLOWED_ORIGINS", APP))) {
            HttpResponse<byte[]> r = preflight(off, APP, "content-type,x-honeycomb-team");
            assertThat(r.statusCode()).isEqualTo(403);
            assertThat(new String(r.body(), StandardCharsets.UTF_8))
                    .contains("x-honeycomb-team", "RELAY_CORS_ALLOWED_HEADERS");
        }
        try (TestRelay on = new TestRelay(Map.of("RELAY_CORS_ALLOWED_ORIGINS", APP,
                "RELAY_CORS_ALLOWED_HEADERS", "X-Honeycomb-Team"))) {
            HttpResponse<byte[]> r = preflight(on, APP, "content-type,x-honeycomb-team");
            assertThat(r.statusCode()).isEqualTo(204);
            assertThat(header(r, "Access-Control-Allow-Headers")).isEqualTo("content-type, x-honeycomb-team");
        }
    }

    @Test
    void aPreflightForAnotherMethodIsRefused() {
        try (TestRelay relay = new TestRelay(Map.of("RELAY_CORS_ALLOWED_ORIGINS", APP))) {
            HttpResponse<byte[]> r = Http.exchange("OPTIONS", relay.httpUrl() + "/v1/traces", null,
                    "Origin", APP, "Access-Control-Request-Method", "PUT");

            assertThat(r.statusCode()).isEqualTo(403);
            assertThat(new String(r.body(), StandardCharsets.UTF_8)).contains("method PUT", "expected: POST");
        }
    }

    @Test
    void anOptionsRequestThatIsNotAPreflightIsStillA405() {
        try (TestRelay relay = new TestRelay(Map.of("RELAY_CORS_ALLOWED_ORIGINS", APP))) {
            HttpResponse<byte[]> r = Http.exchange("OPTIONS", relay.httpUrl() + "/v1/traces", null);

            assertThat(r.statusCode()).isEqualTo(405);
            assertThat(header(r, "Allow")).isEqualTo("POST");
        }
    }

    @Test
    void theConnectionServesTheNextRequestAfterAPreflight() {
        try (TestRelay relay = new TestRelay(Map.of("RELAY_CORS_ALLOWED_ORIGINS", APP))) {
            for (int i = 0; i < 3; i++) {
                assertThat(preflight(relay, APP, "content-type").statusCode()).isEqualTo(204);
                assertThat(post(relay, APP, "span-" + i).statusCode()).isEqualTo(200);
            }
            assertThat(relay.metric("otlp_relay_receiver_requests_total", "transport", "http", "code", "204"))
                    .isEqualTo(3.0);
        }
    }
}
