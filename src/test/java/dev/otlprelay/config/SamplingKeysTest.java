package dev.otlprelay.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The {@code sampling} section: the rules file, timing and bounds, and whole-trace conditions. */
class SamplingKeysTest extends ConfigFileTest {
    private String problemText(String yaml) {
        return assertThatThrownBy(() -> load(yaml, Map.of())).isInstanceOf(ConfigException.class)
                .actual().getMessage();
    }

    @Test
    void noRulesAndNoConditionsMeansEveryTraceIsKeptWithoutBuffering() throws Exception {
        SamplingConfig s = load("", Map.of()).sampling();
        assertThat(s.active()).isFalse();
        assertThat(s.decisionWait()).isEqualTo(Duration.ofSeconds(2));
        assertThat(s.traceTimeout()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void rulesFileComesFromTheEnvironmentRelativeToTheWorkingDirectory() throws Exception {
        Files.writeString(dir.resolve("xray.json"), "{}");
        SamplingConfig s = load("", Map.of("RELAY_SAMPLING_RULES", "xray.json")).sampling();
        assertThat(s.rulesFile()).isEqualTo(dir.resolve("xray.json"));
        assertThat(s.active()).isTrue();
    }

    @Test
    void aMissingRulesFileIsRefusedWithItsVariableName() {
        assertThatThrownBy(() -> load("", Map.of("RELAY_SAMPLING_RULES", "nope.json")))
                .hasMessageContaining("RELAY_SAMPLING_RULES: nope.json (expected: a readable X-Ray sampling rules file");
    }

    @Test
    void readsConditionsWithTheirDefaults() throws Exception {
        SamplingConfig s = load("""
                sampling:
                  conditions:
                    - name: errors
                      action: keep
                      error: true
                    - name: health
                      action: drop
                      url_path: /health*
                    - name: slow
                      action: keep
                      min_duration: 2s
                      sample_rate: 10
                      attributes:
                        http.route: /api/*
                """, Map.of()).sampling();
        assertThat(s.conditions()).hasSize(3);
        assertThat(s.conditions().get(0)).satisfies(c -> {
            assertThat(c.action()).isEqualTo(ConditionConfig.Action.KEEP);
            assertThat(c.error()).isTrue();
            assertThat(c.sampleRate()).isEqualTo(1);
        });
        assertThat(s.conditions().get(1).sampleRate()).isZero();
        assertThat(s.conditions().get(1).urlPath()).isEqualTo("/health*");
        assertThat(s.conditions().get(2).minDuration()).isEqualTo(Duration.ofSeconds(2));
        assertThat(s.conditions().get(2).attributes()).containsEntry("http.route", "/api/*");
        assertThat(s.xray()).isNull();
    }

    @Test
    void reportsEveryConditionProblemWithItsPath() {
        String message = problemText("""
                sampling:
                  conditions:
                    - name: errors
                      action: keeep
                      eror: true
                    - action: drop
                    - name: all
                      action: keep
                    - name: rate
                      action: keep
                      http_method: GET
                      sample_rate: 0
                """);
        assertThat(message)
                .contains("sampling.conditions[0].action: keeep (expected: keep or drop)")
                .contains("sampling.conditions[0].eror: unknown key (did you mean sampling.conditions[0].error?)")
                .contains("sampling.conditions[1].name: missing")
                .contains("sampling.conditions[2]: matches every trace (expected: at least one of")
                .contains("sampling.conditions[3].sample_rate: 0 (expected: 1 (keep all) to 1000000000");
    }

    @Test
    void xrayGetsItsOwnRulesOnlyWhenGivenSome() throws Exception {
        assertThat(load("sampling:\n  xray:\n    rules_file: \"\"\n    conditions: []\n", Map.of()).sampling().xray())
                .isNull();
        SamplingConfig s = load("""
                sampling:
                  xray:
                    conditions:
                      - name: only-errors
                        action: keep
                        error: true
                """, Map.of()).sampling();
        assertThat(s.xray()).isNotNull();
        assertThat(s.xray().conditions()).extracting(ConditionConfig::name).containsExactly("only-errors");
        assertThat(s.active()).isTrue();
    }

    @Test
    void effectiveConfigRoundTripsConditions() throws Exception {
        RelayConfig c = load("""
                sampling:
                  conditions:
                    - name: health
                      action: drop
                      url_path: /health*
                      attributes:
                        k: "v*"
                """, Map.of());
        Path rendered = dir.resolve("rendered.yaml");
        Files.writeString(rendered, EffectiveConfig.render(c).replace("# no config file", "#"));
        RelayConfig back = ConfigLoader.load(rendered, Map.of(), dir);
        assertThat(back.sampling().conditions()).isEqualTo(c.sampling().conditions());
    }
}
