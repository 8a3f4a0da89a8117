package dev.otlprelay.config;

import java.util.Objects;

/**
 * The debug exporter that logs what would be exported (YAML section {@code debug}).
 *
 * @param enabled {@code auto} (default: on when no other destination exports, i.e. Honeycomb and X-Ray export are
 *                both off), {@code true} or {@code false}
 */
public record DebugExporterConfig(Mode enabled) {

    /** {@code debug.enabled}. */
    public enum Mode { AUTO, ON, OFF }

    public DebugExporterConfig {
        Objects.requireNonNull(enabled, "enabled");
    }

    /** The documented defaults. */
    public static DebugExporterConfig defaults() {
        return new DebugExporterConfig(Mode.AUTO);
    }

    /**
     * Resolves {@link Mode#AUTO}: on exactly when no destination exports.
     *
     * @param honeycombExportEnabled whether any other destination exports (see {@link RelayConfig#debugExporterOn()})
     */
    public boolean isOn(boolean honeycombExportEnabled) {
        return switch (enabled) {
            case ON -> true;
            case OFF -> false;
            case AUTO -> !honeycombExportEnabled;
        };
    }
}
