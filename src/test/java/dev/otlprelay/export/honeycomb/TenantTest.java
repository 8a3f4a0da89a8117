package dev.otlprelay.export.honeycomb;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Which keys are Classic keys (they need a dataset), as Honeycomb tells them apart. */
class TenantTest {
    @Test
    void classicKeysAreRecognisedAsHoneycombDoes() {
        assertThat(Tenant.isClassic("0123456789abcdef0123456789abcdef")).isTrue();
        assertThat(Tenant.isClassic("hcaic_" + "a".repeat(58))).isTrue();
        assertThat(Tenant.isClassic("hcxic_" + "0".repeat(58))).isTrue();
        assertThat(Tenant.isClassic("hcaik_" + "a".repeat(58))).isFalse();
        assertThat(Tenant.isClassic("0123456789ABCDEF0123456789abcdef")).isFalse();
        assertThat(Tenant.isClassic("Xq9ReallyNewEnvironmentKey12")).isFalse();
    }
}
