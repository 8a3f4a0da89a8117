package dev.otlprelay.config;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;

/**
 * A credential (the Honeycomb API key). Only {@link #reveal()} returns the value; {@link #toString()}
 * is the {@linkplain #fingerprint() fingerprint}, so a Secret can be logged, put in a record or
 * rendered without leaking it.
 */
public final class Secret {

    private final String value;
    private final String fingerprint;

    private Secret(String value) {
        this.value = value;
        this.fingerprint = "sha256:" + HexFormat.of().formatHex(sha256(value), 0, 4);
    }

    /**
     * @throws IllegalArgumentException when the value is empty (the message never contains the value)
     */
    public static Secret of(String value) {
        Objects.requireNonNull(value, "secret value");
        if (value.isEmpty()) {
            throw new IllegalArgumentException("secret value is empty");
        }
        return new Secret(value);
    }

    /** The secret itself; only for the code that must send it (e.g. an HTTP header). */
    public String reveal() {
        return value;
    }

    /** {@code "sha256:"} followed by the first 8 hex digits of the SHA-256 of the UTF-8 value. */
    public String fingerprint() {
        return fingerprint;
    }

    @Override
    public String toString() {
        return fingerprint;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Secret other
                && MessageDigest.isEqual(value.getBytes(StandardCharsets.UTF_8),
                        other.value.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public int hashCode() {
        return fingerprint.hashCode();
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
    }
}
