package dev.otlprelay.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * One kind of configuration value: how to read it from its text (after {@code ${VAR}} substitution and, unless
 * {@code stringOnly}, stripping), what to say when the text is wrong, and how to write a value back as the file
 * would. The kinds every key of {@link Keys} uses are the constants and factories below.
 *
 * @param words      the kind in a few words, for the key reference's kind column (docs/configuration.md); for a
 *                   list's item kind, in the plural ("attribute keys"), as the reference writes "list of" before it
 * @param expected   what a valid text looks like, for "(expected: ...)" in a problem
 * @param parser     the value of a text, or null to refuse it; paths resolve against the working directory
 * @param stringOnly a YAML number or boolean is refused (put it in quotes): for keys whose text is kept as is
 * @param show       a value as text the parser reads back to the same value
 */
record ValueKind<T>(String words, String expected, Parser<T> parser, boolean stringOnly, Function<T, String> show) {

    /** Reads a text; null when the text is not a value of this kind. */
    interface Parser<T> {
        T parse(String text, Path workingDir);
    }

    static <T> ValueKind<T> of(String words, String expected, Function<String, T> parser,
                               Function<T, String> show) {
        return new ValueKind<>(words, expected, (text, dir) -> parser.apply(text), false, show);
    }

    /**
     * Only the words for a key its own reader parses (the API key, {@code retry_on}, conditions): the key reference
     * names its kind, and nothing reads a text through it.
     */
    static ValueKind<Void> named(String words) {
        return new ValueKind<>(words, null, (text, dir) -> {
            throw new IllegalStateException("read by its own reader");
        }, false, v -> {
            throw new IllegalStateException("shown by its own reader");
        });
    }

    T parse(String text, Path workingDir) {
        return parser.parse(text, workingDir);
    }

    String show(T value) {
        return show.apply(value);
    }

    private static final long KIB = 1024;
    private static final long MIB = 1024 * KIB;
    /**
     * A size kind's words, before its range: sizes take units, so the example shows one (a fixed one: some keys'
     * examples are their defaults, sized from the heap, and the reference must not depend on the machine).
     */
    private static final String SIZE_WORDS = "size in bytes (e.g. 64MiB)";

    /** Honeycomb refuses batch requests over 5 MB, so {@code honeycomb.batch_max_bytes} may not exceed this. */
    static final long HONEYCOMB_MAX_BATCH_BYTES = 5_000_000;

    /** What {@link EffectiveConfig} writes for {@code honeycomb.spool.dir} when the spool is off; read back as off. */
    static final String OFF = "(off)";

    private static final Pattern CORS_ORIGIN_FORM = Pattern.compile("[a-z][a-z0-9+.-]*://[^/\\s?#@]+");
    private static final Pattern HEADER_TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");

    /**
     * A browser origin as the {@code Origin} header writes it (scheme://host[:port], no path; one trailing
     * {@code /} is forgiven), with at most one {@code *}; or {@code *} alone for any origin; kept in lower case.
     */
    static final ValueKind<String> CORS_ORIGIN = of(
            "origins (`https://app.example.com`, `https://*.example.com`, or `*` for any)", "an origin such as https://app.example.com or "
            + "http://localhost:3000 (scheme, host and port, no path), with at most one * (https://*.example.com), "
            + "or * for any origin", s -> {
                String o = s.toLowerCase(Locale.ROOT);
                if (o.endsWith("/") && !o.endsWith("//")) {
                    o = o.substring(0, o.length() - 1);
                }
                boolean oneStar = o.indexOf('*') == o.lastIndexOf('*');
                return o.equals("*") || (oneStar && CORS_ORIGIN_FORM.matcher(o).matches()) ? o : null;
            }, s -> s);

    /** A request header name (an HTTP token), or {@code *} for any; kept as written. */
    static final ValueKind<String> CORS_HEADER = of("request header names, or `*` for any",
            "a request header name such as x-honeycomb-team, or * for any",
            s -> HEADER_TOKEN.matcher(s).matches() ? s : null, s -> s);

    /** An attribute key, kept as written. */
    static final ValueKind<String> ATTRIBUTE_KEY = of("attribute keys", "an attribute key", s -> s, s -> s);

    static ValueKind<HostPort> address(HostPort example) {
        return of("host:port", "host:port with port 0-65535, e.g. " + example, s -> {
            try {
                return HostPort.parse(s);
            } catch (IllegalArgumentException e) {
                return null;
            }
        }, HostPort::toString);
    }

    static ValueKind<Long> size(long example) {
        return of(SIZE_WORDS, "a size in bytes >= 0, e.g. " + example + " or " + Values.binarySize(example),
                s -> Values.parseSize(s, 0, Long.MAX_VALUE), n -> Long.toString(n));
    }

    static ValueKind<Long> positiveIntSize(long example) {
        return of(SIZE_WORDS + ", 1 to " + Integer.MAX_VALUE,
                "a size in bytes from 1 to " + Integer.MAX_VALUE + ", e.g. " + example + " or "
                + Values.binarySize(example), s -> Values.parseSize(s, 1, Integer.MAX_VALUE), n -> Long.toString(n));
    }

    static ValueKind<Long> sizeAtLeast(long min, long example) {
        return of(SIZE_WORDS + ", at least " + Values.binarySize(min),
                "a size in bytes >= " + Values.binarySize(min) + ", e.g. " + example + " or "
                + Values.binarySize(example), s -> Values.parseSize(s, min, Long.MAX_VALUE), n -> Long.toString(n));
    }

    static ValueKind<Long> sizeAtLeastMib(long example) {
        return sizeAtLeast(MIB, example);
    }

    static ValueKind<Long> sizeBetween(long min, long max, String why, long example) {
        return of("size in bytes (e.g. " + Values.binarySize(example) + "), " + Values.binarySize(min) + " to "
                + max,
                "a size in bytes from " + Values.binarySize(min) + " to " + max + why + ", e.g. "
                + example + " or " + Values.binarySize(example), s -> Values.parseSize(s, min, max),
                n -> Long.toString(n));
    }

    static ValueKind<Long> whole(long min, long max, String note, long example) {
        return of("whole number, " + min + " to " + max + note,
                "a whole number from " + min + " to " + max + note + ", e.g. " + example,
                s -> Values.parseWhole(s, min, max), n -> Long.toString(n));
    }

    static ValueKind<Double> decimal(String range, double min, double max, double example) {
        return of("number " + range, "a number " + range + ", e.g. " + Values.formatDecimal(example),
                s -> Values.parseDecimal(s, min, max), Values::formatDecimal);
    }

    static final ValueKind<Duration> DURATION = of("duration (e.g. 15s)",
            "a duration >= 0 such as 15s, 500ms, 2m or 1h, or whole seconds", Values::parseDuration,
            Values::formatDuration);

    static final ValueKind<Duration> POSITIVE_DURATION = of("duration > 0 (e.g. 15s)",
            "a duration > 0 such as 15s, 500ms, 2m or 1h, or whole seconds", s -> {
                Duration d = Values.parseDuration(s);
                return d == null || d.isZero() ? null : d;
            }, Values::formatDuration);

    static final ValueKind<Boolean> BOOLEAN = of("`true` or `false`", "true or false",
            s -> switch (s.toLowerCase(Locale.ROOT)) {
                case "true", "on", "yes" -> Boolean.TRUE;
                case "false", "off", "no" -> Boolean.FALSE;
                default -> null;
            }, b -> Boolean.toString(b));

    static final ValueKind<HoneycombConfig.KeyMode> KEY_MODE = of("`relay`, `client` or `client-or-relay`",
            "relay, client or client-or-relay", s -> {
        for (HoneycombConfig.KeyMode m : HoneycombConfig.KeyMode.values()) {
            if (m.word().equalsIgnoreCase(s)) {
                return m;
            }
        }
        return null;
    }, HoneycombConfig.KeyMode::word);

    /** {@code honeycomb.compression}: true for gzip. */
    static final ValueKind<Boolean> COMPRESSION = of("`gzip` or `none`", "gzip or none",
            s -> switch (s.toLowerCase(Locale.ROOT)) {
                case "gzip" -> Boolean.TRUE;
                case "none" -> Boolean.FALSE;
                default -> null;
            }, gzip -> gzip ? "gzip" : "none");

    static final ValueKind<SpoolConfig.Fsync> FSYNC = of("`always`, `interval` or `never`",
            "always, interval or never",
            s -> switch (s.toLowerCase(Locale.ROOT)) {
                case "always" -> SpoolConfig.Fsync.ALWAYS;
                case "interval" -> SpoolConfig.Fsync.INTERVAL;
                case "never" -> SpoolConfig.Fsync.NEVER;
                default -> null;
            }, f -> f.name().toLowerCase(Locale.ROOT));

    static final ValueKind<XrayConfig.Documents> DOCUMENTS = of("`nested` or `per_span`", "nested or per_span", s -> {
        for (XrayConfig.Documents d : XrayConfig.Documents.values()) {
            if (d.word().equalsIgnoreCase(s)) {
                return d;
            }
        }
        return null;
    }, XrayConfig.Documents::word);

    /** {@code xray.daemon_address}: empty means "not configured" (the default address is used). */
    static final ValueKind<Optional<HostPort>> DAEMON_ADDRESS = of("host:port, or `tcp:host:port udp:host:port`",
            "host:port or \"tcp:host:port udp:host:port\", e.g. " + XrayConfig.defaults().daemonAddress(), s -> {
                if (s.isEmpty()) {
                    return Optional.empty();
                }
                HostPort udp = daemonAddress(s);
                return udp == null ? null : Optional.of(udp);
            }, a -> a.map(HostPort::toString).orElse(""));

    static final ValueKind<DebugExporterConfig.Mode> MODE = of("`auto`, `true` or `false`", "auto, true or false",
            s -> switch (s.toLowerCase(Locale.ROOT)) {
                case "auto" -> DebugExporterConfig.Mode.AUTO;
                case "true", "on", "yes" -> DebugExporterConfig.Mode.ON;
                case "false", "off", "no" -> DebugExporterConfig.Mode.OFF;
                default -> null;
            }, m -> m.name().toLowerCase(Locale.ROOT));

    static final ValueKind<String> ENDPOINT = new ValueKind<>("http(s) URL",
            "an absolute http(s) URL, e.g. " + HoneycombConfig.DEFAULT_API_ENDPOINT,
            (s, dir) -> endpoint(s), true, s -> s);

    static final ValueKind<String> DATASET = new ValueKind<>("dataset name", "a dataset name", (s, dir) -> s, true,
            s -> s);

    /**
     * {@code honeycomb.spool.dir} / {@code RELAY_SPOOL_DIR}: an absolute path resolved against the working
     * directory, or empty (also {@value #OFF}, as the effective configuration shows it) for off.
     */
    static final ValueKind<Optional<Path>> SPOOL_DIR = new ValueKind<>("directory path",
            "a directory path, or empty for no spool",
            (s, dir) -> {
                if (s.isEmpty() || s.equals(OFF)) {
                    return Optional.empty();
                }
                try {
                    Path p = dir.resolve(Path.of(s)).normalize();
                    return Files.exists(p) && !Files.isDirectory(p) ? null : Optional.of(p);
                } catch (InvalidPathException | SecurityException e) {
                    return null;
                }
            }, false, p -> p.map(Path::toString).orElse(""));

    /**
     * {@code sampling.rules_file} / {@code RELAY_SAMPLING_RULES}: a readable file, resolved against the working
     * directory; empty for none. Its content is checked by the sampling stage's loader (at start and by
     * {@code check-config}), which knows the rule formats.
     */
    static final ValueKind<Optional<Path>> RULES_FILE = new ValueKind<>("file path",
            "a readable X-Ray sampling rules file (JSON), or empty for none", (s, dir) -> {
                if (s.isEmpty() || s.equals(OFF)) {
                    return Optional.empty();
                }
                try {
                    Path p = dir.resolve(Path.of(s)).normalize();
                    return Files.isRegularFile(p) && Files.isReadable(p) ? Optional.of(p) : null;
                } catch (InvalidPathException | SecurityException e) {
                    return null;
                }
            }, false, p -> p.map(Path::toString).orElse(""));

    /**
     * The UDP address of the X-Ray daemon from {@code host:port}, {@code udp:host:port}, or the X-Ray SDK's
     * {@code tcp:host:port udp:host:port} (either order; the TCP part must be valid too but is not used); null
     * when the text is none of these, or names port 0 or no host.
     */
    static HostPort daemonAddress(String text) {
        String[] parts = text.strip().split("\\s+");
        String udp = null;
        String tcp = null;
        if (parts.length == 1) {
            if (hasPrefix(parts[0], "tcp:")) {
                return null;
            }
            udp = hasPrefix(parts[0], "udp:") ? parts[0].substring(4) : parts[0];
        } else if (parts.length == 2) {
            for (String part : parts) {
                if (udp == null && hasPrefix(part, "udp:")) {
                    udp = part.substring(4);
                } else if (tcp == null && hasPrefix(part, "tcp:")) {
                    tcp = part.substring(4);
                } else {
                    return null;
                }
            }
            if (destination(tcp) == null) {
                return null;
            }
        } else {
            return null;
        }
        return destination(udp);
    }

    private static boolean hasPrefix(String s, String prefix) {
        return s.regionMatches(true, 0, prefix, 0, prefix.length());
    }

    /** An address to send to: host:port with a host and a port other than 0; null otherwise. */
    private static HostPort destination(String s) {
        try {
            HostPort hp = HostPort.parse(s);
            return s.startsWith(":") || hp.port() == 0 ? null : hp;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** The URL without trailing slashes, or null when it is not an absolute http(s) URL with a host. */
    private static String endpoint(String s) {
        try {
            URI uri = new URI(s);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null
                    || uri.getRawQuery() != null || uri.getRawFragment() != null) {
                return null;
            }
        } catch (URISyntaxException e) {
            return null;
        }
        String r = s;
        while (r.endsWith("/")) {
            r = r.substring(0, r.length() - 1);
        }
        return r;
    }
}
