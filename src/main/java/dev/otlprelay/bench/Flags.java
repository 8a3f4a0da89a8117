package dev.otlprelay.bench;

import dev.otlprelay.config.HostPort;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads {@code --name value} and {@code --name=value} pairs, and turns bad values into messages of the form
 * {@code --name: value (expected: …)}.
 */
final class Flags {
    private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h)?");

    private final String[] args;
    private final List<String> valued;
    private int at;
    private String name;
    private String value;

    /** @param valued the flags that take a value; {@code --help} and {@code -h} take none */
    Flags(String[] args, List<String> valued) {
        this.args = args;
        this.valued = valued;
    }

    /** Moves to the next flag; false at the end. */
    boolean next() {
        if (at >= args.length) {
            return false;
        }
        String a = args[at++];
        value = null;
        int eq = a.indexOf('=');
        name = a.startsWith("--") && eq > 0 ? a.substring(0, eq) : a;
        if (name.equals("--help") || name.equals("-h")) {
            return true;
        }
        if (!valued.contains(name)) {
            throw new IllegalArgumentException("unknown option \"" + a + "\" (expected one of: "
                    + String.join(", ", valued) + ", --help)");
        }
        if (eq > 0 && a.startsWith("--")) {
            value = a.substring(eq + 1);
        } else if (at < args.length) {
            value = args[at++];
        } else {
            throw new IllegalArgumentException(name + " needs a value");
        }
        return true;
    }

    String name() {
        return name;
    }

    String value() {
        return value;
    }

    IllegalArgumentException bad(String expected) {
        return new IllegalArgumentException(name + ": " + value + " (expected: " + expected + ")");
    }

    long anyLong() {
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw bad("a whole number");
        }
    }

    long positiveLong(String expected) {
        try {
            long v = Long.parseLong(value);
            if (v > 0) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw bad(expected);
    }

    long range(long min, long max, String expected) {
        try {
            long v = Long.parseLong(value);
            if (v >= min && v <= max) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw bad(expected);
    }

    double share() {
        try {
            double v = Double.parseDouble(value);
            if (v >= 0 && v <= 1) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw bad("a share from 0 to 1, e.g. 0.01");
    }

    /** {@code 500ms}, {@code 30s}, {@code 2m}, {@code 1h}, or whole seconds; more than zero. */
    Duration duration() {
        Matcher m = DURATION.matcher(value);
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            String unit = m.group(2) == null ? "s" : m.group(2);
            Duration d = switch (unit) {
                case "ms" -> Duration.ofMillis(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofSeconds(n);
            };
            if (!d.isZero()) {
                return d;
            }
        }
        throw bad("a duration such as 500ms, 30s or 2m");
    }

    HostPort hostPort() {
        try {
            return HostPort.parse(value);
        } catch (IllegalArgumentException e) {
            throw bad("host:port, e.g. 127.0.0.1:4318 (" + e.getMessage() + ")");
        }
    }
}
