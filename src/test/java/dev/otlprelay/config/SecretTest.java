package dev.otlprelay.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SecretTest {

    private static final String KEY = "hcaik_01hsecretsecretsecret";

    @Test
    void fingerprintIsSha256PrefixOfTheUtf8Value() {
        // SHA-256("abc") = ba7816bf8f01cfea...
        assertThat(Secret.of("abc").fingerprint()).isEqualTo("sha256:ba7816bf");
    }

    @Test
    void toStringIsTheFingerprintAndNeverTheKey() {
        Secret s = Secret.of(KEY);
        assertThat(s.toString()).isEqualTo(s.fingerprint()).matches("sha256:[0-9a-f]{8}").doesNotContain(KEY);
        assertThat(s.fingerprint()).doesNotContain(KEY);
        HoneycombConfig d = HoneycombConfig.defaults();
        HoneycombConfig withKey = new HoneycombConfig(java.util.Optional.of(s), "https://x", null, d.keyMode(),
                d.gzip(), d.batch(), d.retry(), d.queueBytes(), d.readyMaxQueueAge(), d.spool());
        assertThat(String.valueOf(withKey)).doesNotContain(KEY).contains(s.fingerprint());
    }

    @Test
    void revealReturnsTheKey() {
        assertThat(Secret.of(KEY).reveal()).isEqualTo(KEY);
    }

    @Test
    void equalityIsByValue() {
        assertThat(Secret.of(KEY)).isEqualTo(Secret.of(KEY)).hasSameHashCodeAs(Secret.of(KEY));
        assertThat(Secret.of(KEY)).isNotEqualTo(Secret.of(KEY + "x"));
    }

    @Test
    void refusesAnEmptySecret() {
        assertThatThrownBy(() -> Secret.of("")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("secret value is empty");
    }
}
