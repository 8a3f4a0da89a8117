package dev.otlprelay.config;

import java.nio.file.Path;
import java.util.Objects;

/**
 * The whole, validated configuration, built once by {@link ConfigLoader}.
 *
 * @param source the configuration file that was loaded (absolute), or {@code null} when none was
 */
public record RelayConfig(ReceiverConfig receiver, AdminConfig admin, HoneycombConfig honeycomb,
                          XrayConfig xray, SamplingConfig sampling, DebugExporterConfig debug,
                          ShutdownConfig shutdown, Path source) {

    public RelayConfig {
        Objects.requireNonNull(receiver, "receiver");
        Objects.requireNonNull(admin, "admin");
        Objects.requireNonNull(honeycomb, "honeycomb");
        Objects.requireNonNull(xray, "xray");
        Objects.requireNonNull(sampling, "sampling");
        Objects.requireNonNull(debug, "debug");
        Objects.requireNonNull(shutdown, "shutdown");
    }

    /** Every documented default, no file. */
    public static RelayConfig defaults() {
        return new RelayConfig(ReceiverConfig.defaults(), AdminConfig.defaults(), HoneycombConfig.defaults(),
                XrayConfig.defaults(), SamplingConfig.defaults(), DebugExporterConfig.defaults(), ShutdownConfig.defaults(), null);
    }

    /** Whether the debug exporter runs, with {@code auto} resolved: on when no other destination exports. */
    public boolean debugExporterOn() {
        return debug.isOn(honeycomb.exportEnabled() || xray.exportEnabled());
    }
}
