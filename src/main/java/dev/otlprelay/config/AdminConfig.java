package dev.otlprelay.config;

import java.util.Objects;

/**
 * The admin endpoint serving metrics and health (YAML section {@code admin}).
 *
 * @param address listen address ({@code RELAY_ADMIN_ADDRESS}, default 0.0.0.0:8888)
 */
public record AdminConfig(HostPort address) {

    public AdminConfig {
        Objects.requireNonNull(address, "address");
    }

    /** The documented defaults. */
    public static AdminConfig defaults() {
        return new AdminConfig(new HostPort(HostPort.ANY_HOST, 8888));
    }
}
