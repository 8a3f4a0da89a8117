package dev.otlprelay.config;

/**
 * A resolved value: where it came from (env variable or key path), its text as written, and validity. It is kept
 * apart from the value so that cross-checks can name the key or variable and quote what was written, and skip
 * values already refused.
 */
record Field<T>(String label, String raw, T value, boolean valid) {
    static <T> Field<T> invalid(String label) {
        return new Field<>(label, "", null, false);
    }
}
