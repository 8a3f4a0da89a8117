package dev.otlprelay.config;

import java.util.Objects;
import java.util.Optional;

/**
 * The Honeycomb exporter (YAML section {@code honeycomb}).
 *
 * @param apiKey      the API key ({@code HONEYCOMB_API_KEY} or {@code HONEYCOMB_API_KEY_FILE}); empty means
 *                    Honeycomb export is off
 * @param apiEndpoint absolute http(s) URL without a trailing slash ({@code HONEYCOMB_API_ENDPOINT},
 *                    default https://api.honeycomb.io)
 * @param dataset     dataset for classic environments ({@code HONEYCOMB_DATASET}); {@code null} when unset
 */
public record HoneycombConfig(Optional<Secret> apiKey, String apiEndpoint, String dataset) {

    /** Default {@link #apiEndpoint()}. */
    public static final String DEFAULT_API_ENDPOINT = "https://api.honeycomb.io";

    public HoneycombConfig {
        Objects.requireNonNull(apiKey, "apiKey");
        Objects.requireNonNull(apiEndpoint, "apiEndpoint");
    }

    /** The documented defaults (no key, so export is off). */
    public static HoneycombConfig defaults() {
        return new HoneycombConfig(Optional.empty(), DEFAULT_API_ENDPOINT, null);
    }

    /** True when an API key is configured, i.e. spans are exported to Honeycomb. */
    public boolean exportEnabled() {
        return apiKey.isPresent();
    }
}
