package dev.otlprelay.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code receiver.cors}, {@code RELAY_CORS_ALLOWED_ORIGINS} and {@code RELAY_CORS_ALLOWED_HEADERS}. */
class CorsKeysTest extends ConfigFileTest {

    private CorsConfig cors(String yaml, Map<String, String> env) throws Exception {
        return load(yaml, env).receiver().cors();
    }

    @Test
    void corsIsOffByDefault() throws Exception {
        CorsConfig c = cors("", Map.of());
        assertThat(c).isEqualTo(CorsConfig.off());
        assertThat(c.enabled()).isFalse();
    }

    @Test
    void originsAndHeadersComeFromAYamlListOrOneCommaSeparatedString() throws Exception {
        CorsConfig c = cors("receiver:\n  cors:\n    allowed_origins: [https://App.Example.com, "
                + "\"http://localhost:3000/\", \"https://*.example.com\"]\n    allowed_headers: x-honeycomb-team, "
                + "traceparent\n    max_age: 10m\n", Map.of());
        assertThat(c.allowedOrigins()).as("lower case, the trailing / forgiven")
                .containsExactly("https://app.example.com", "http://localhost:3000", "https://*.example.com");
        assertThat(c.allowedHeaders()).containsExactly("x-honeycomb-team", "traceparent");
        assertThat(c.maxAge()).isEqualTo(Duration.ofMinutes(10));
        assertThat(c.enabled()).isTrue();
    }

    @Test
    void theEnvironmentOverridesTheFile() throws Exception {
        CorsConfig c = cors("receiver:\n  cors:\n    allowed_origins: [https://app.example.com]\n",
                Map.of("RELAY_CORS_ALLOWED_ORIGINS", "*", "RELAY_CORS_ALLOWED_HEADERS", "x-a,,x-b"));
        assertThat(c.allowedOrigins()).containsExactly("*");
        assertThat(c.allowedHeaders()).containsExactly("x-a", "x-b");
    }

    @Test
    void anOriginWithAPathOrTwoStarsOrNoSchemeIsRefusedWithTheExpectedForm() throws Exception {
        assertThat(problems("", Map.of("RELAY_CORS_ALLOWED_ORIGINS", "app.example.com,https://a.com/app,"
                + "https://*.*.com"))).hasSize(3).allSatisfy(p -> assertThat(p)
                .startsWith("RELAY_CORS_ALLOWED_ORIGINS: ").contains("(expected: an origin such as "));
        assertThat(problems("receiver:\n  cors:\n    allowed_origins: [https://ok.com, 42x://]\n", Map.of()))
                .singleElement().asString().startsWith("receiver.cors.allowed_origins[1]: ");
    }

    @Test
    void aHeaderThatIsNotAnHttpTokenIsRefused() throws Exception {
        assertThat(problems("", Map.of("RELAY_CORS_ALLOWED_HEADERS", "x-ok, bad header")))
                .containsExactly("RELAY_CORS_ALLOWED_HEADERS: \" bad header\" (expected: a request header name "
                        + "such as x-honeycomb-team, or * for any)");
    }

    @Test
    void anUnknownKeyInTheSectionGetsASuggestion() throws Exception {
        assertThat(problems("receiver:\n  cors:\n    allowed_origin: [\"*\"]\n", Map.of()))
                .singleElement().asString().contains("did you mean receiver.cors.allowed_origins?");
    }

    @Test
    void theEffectiveConfigurationShowsTheListsAndReadsBackTheSame() throws Exception {
        RelayConfig c = load("receiver:\n  cors:\n    allowed_origins: [\"*\", https://a.example.com]\n"
                + "    max_age: 1h\n", Map.of());
        String rendered = EffectiveConfig.render(c);
        assertThat(rendered).contains("  cors:\n    allowed_origins:\n      - \"*\"\n      - https://a.example.com\n"
                + "    allowed_headers: []\n    max_age: 1h\n");
        assertThat(load(rendered, Map.of()).receiver().cors()).isEqualTo(c.receiver().cors());
    }
}
