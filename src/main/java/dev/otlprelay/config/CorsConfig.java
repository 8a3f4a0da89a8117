package dev.otlprelay.config;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * CORS on the OTLP/HTTP port, for OpenTelemetry's browser exporters (YAML section {@code receiver.cors}). Off
 * while {@code allowedOrigins} is empty.
 *
 * @param allowedOrigins origins that may send: exact ({@code https://app.example.com}), with one {@code *}
 *                       ({@code https://*.example.com}), or {@code *} for any ({@code RELAY_CORS_ALLOWED_ORIGINS})
 * @param allowedHeaders request headers allowed besides the always-allowed Accept, Accept-Language,
 *                       Content-Language, Content-Type, Origin and X-Requested-With; {@code *} for any
 *                       ({@code RELAY_CORS_ALLOWED_HEADERS})
 * @param maxAge         how long a browser may cache a preflight answer; zero sends no Access-Control-Max-Age
 */
public record CorsConfig(List<String> allowedOrigins, List<String> allowedHeaders, Duration maxAge) {

    public CorsConfig {
        allowedOrigins = List.copyOf(allowedOrigins);
        allowedHeaders = List.copyOf(allowedHeaders);
        Objects.requireNonNull(maxAge, "maxAge");
    }

    /** The default: off. */
    public static CorsConfig off() {
        return new CorsConfig(List.of(), List.of(), Duration.ZERO);
    }

    public boolean enabled() {
        return !allowedOrigins.isEmpty();
    }
}
