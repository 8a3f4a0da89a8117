package dev.otlprelay.config;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parsing and display of scalar values: sizes, durations, and values quoted inside problem messages. */
final class Values {

    private static final Pattern SIZE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([A-Za-z]*)");
    private static final Pattern DURATION = Pattern.compile("(\\d{1,15})\\s*(ms|s|m|h)?", Pattern.CASE_INSENSITIVE);
    private static final Pattern WHOLE = Pattern.compile("\\d{1,18}");
    private static final Pattern DECIMAL = Pattern.compile("\\d{1,9}(?:\\.\\d{1,9})?");
    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9._+/-]+");
    private static final int MAX_SHOWN = 100;

    private Values() {
    }

    /**
     * Bytes for {@code 20971520}, {@code 20MiB}, {@code 1.5 GB}, ... (B, KB/MB/GB = x1000, KiB/MiB/GiB = x1024,
     * case-insensitive); {@code null} when the text is not such a size or is out of {@code [min, max]}.
     */
    static Long parseSize(String text, long min, long max) {
        Matcher m = SIZE.matcher(text);
        if (!m.matches()) {
            return null;
        }
        BigDecimal number = new BigDecimal(m.group(1));
        String unit = m.group(2).toLowerCase(Locale.ROOT);
        long multiplier;
        switch (unit) {
            case "", "b" -> multiplier = 1;
            case "kb" -> multiplier = 1000L;
            case "mb" -> multiplier = 1000L * 1000;
            case "gb" -> multiplier = 1000L * 1000 * 1000;
            case "kib" -> multiplier = 1024L;
            case "mib" -> multiplier = 1024L * 1024;
            case "gib" -> multiplier = 1024L * 1024 * 1024;
            default -> {
                return null;
            }
        }
        BigDecimal bytes = number.multiply(BigDecimal.valueOf(multiplier));
        BigInteger whole;
        try {
            whole = bytes.toBigIntegerExact();
        } catch (ArithmeticException fractionalBytes) {
            return null;
        }
        if (whole.compareTo(BigInteger.valueOf(min)) < 0 || whole.compareTo(BigInteger.valueOf(max)) > 0) {
            return null;
        }
        return whole.longValue();
    }

    /** A whole number written in digits only ({@code 8192}), or {@code null} when it is not or is out of range. */
    static Long parseWhole(String text, long min, long max) {
        if (!WHOLE.matcher(text).matches()) {
            return null;
        }
        long n = Long.parseLong(text);
        return n < min || n > max ? null : n;
    }

    /**
     * A decimal number in plain notation ({@code 1.5}, {@code 2}, {@code 0.25}), or {@code null} when it is not
     * or is out of {@code [min, max]}.
     */
    static Double parseDecimal(String text, double min, double max) {
        if (!DECIMAL.matcher(text).matches()) {
            return null;
        }
        double d = Double.parseDouble(text);
        return d < min || d > max ? null : d;
    }

    /** {@code 1.5}, {@code 2}, {@code 0.25}: the shortest plain decimal that reads back as the same double. */
    static String formatDecimal(double d) {
        return new BigDecimal(Double.toString(d)).stripTrailingZeros().toPlainString();
    }

    /** {@code 15s}, {@code 500ms}, {@code 2m}, {@code 1h} or whole seconds; {@code null} otherwise. */
    static Duration parseDuration(String text) {
        Matcher m = DURATION.matcher(text);
        if (!m.matches()) {
            return null;
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2).toLowerCase(Locale.ROOT);
        try {
            return switch (unit) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                default -> Duration.ofHours(n);
            };
        } catch (ArithmeticException tooLong) {
            return null;
        }
    }

    /** The shortest of {@code 1h}, {@code 2m}, {@code 15s}, {@code 500ms} that is exact. */
    static String formatDuration(Duration d) {
        if (d.isZero()) {
            return "0s";
        }
        if (d.getNano() == 0) {
            long s = d.getSeconds();
            if (s % 3600 == 0) {
                return s / 3600 + "h";
            }
            if (s % 60 == 0) {
                return s / 60 + "m";
            }
            return s + "s";
        }
        return d.toMillis() + "ms";
    }

    /** {@code 20971520} as {@code 20MiB} (or KiB/GiB), for examples in messages. */
    static String binarySize(long bytes) {
        if (bytes > 0 && bytes % (1024L * 1024 * 1024) == 0) {
            return bytes / (1024L * 1024 * 1024) + "GiB";
        }
        if (bytes > 0 && bytes % (1024L * 1024) == 0) {
            return bytes / (1024L * 1024) + "MiB";
        }
        if (bytes > 0 && bytes % 1024 == 0) {
            return bytes / 1024 + "KiB";
        }
        return bytes + "B";
    }

    /**
     * A value as shown in a problem message: as is when it is plain ({@code -5}, {@code 15x}), otherwise in
     * double quotes with escapes ({@code "0.0.0.0:99999"}, {@code ""}), cut after 100 characters.
     */
    static String show(String value) {
        if (PLAIN.matcher(value).matches() && value.length() <= MAX_SHOWN) {
            return value;
        }
        String v = value.length() > MAX_SHOWN ? value.substring(0, MAX_SHOWN) : value;
        return quote(v) + (value.length() > MAX_SHOWN ? "..." : "");
    }

    /** A double-quoted, escaped string valid in both YAML and JSON. */
    static String quote(String value) {
        StringBuilder sb = new StringBuilder(value.length() + 2).append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }

    /** A path for a message or comment: control characters replaced so it stays on one line. */
    static String showPath(Object path) {
        StringBuilder sb = new StringBuilder();
        String s = String.valueOf(path);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            sb.append(Character.isISOControl(c) ? '?' : c);
        }
        return sb.toString();
    }
}
