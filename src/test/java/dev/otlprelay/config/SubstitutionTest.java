package dev.otlprelay.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class SubstitutionTest {

    private static final Map<String, String> ENV = Map.of("HOST", "10.0.0.1", "EMPTY", "");

    @Test
    void substitutesSetVariables() throws Exception {
        assertThat(Substitution.apply("${HOST}:4318", ENV)).isEqualTo("10.0.0.1:4318");
    }

    @Test
    void usesTheDefaultWhenUnsetOrEmpty() throws Exception {
        assertThat(Substitution.apply("${PORT:-4318}", ENV)).isEqualTo("4318");
        assertThat(Substitution.apply("${EMPTY:-x}", ENV)).isEqualTo("x");
        assertThat(Substitution.apply("${HOST:-x}", ENV)).isEqualTo("10.0.0.1");
        assertThat(Substitution.apply("${HONEYCOMB_API_KEY:-}", ENV)).isEmpty();
    }

    @Test
    void unsetVariableWithoutDefaultIsEmpty() throws Exception {
        assertThat(Substitution.apply("a${NOPE}b", ENV)).isEqualTo("ab");
    }

    @Test
    void dollarDollarBraceIsALiteralDollarBrace() throws Exception {
        assertThat(Substitution.apply("$${HOST} costs $5", ENV)).isEqualTo("${HOST} costs $5");
    }

    @Test
    void substitutedTextIsNotScannedAgain() throws Exception {
        assertThat(Substitution.apply("${V}", Map.of("V", "${HOST}"))).isEqualTo("${HOST}");
    }

    @Test
    void refusesUnterminatedAndInvalidReferences() {
        assertThatThrownBy(() -> Substitution.apply("${HOST", ENV)).hasMessage("unterminated ${");
        assertThatThrownBy(() -> Substitution.apply("${}", ENV)).hasMessage("invalid ${...} reference");
        assertThatThrownBy(() -> Substitution.apply("${1X}", ENV)).hasMessage("invalid ${...} reference");
        assertThatThrownBy(() -> Substitution.apply("${A:?x}", ENV)).hasMessage("invalid ${...} reference");
    }
}
