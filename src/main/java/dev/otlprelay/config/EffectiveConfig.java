package dev.otlprelay.config;

import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The effective configuration as YAML in the file's own key layout, for {@code --print-config} and the
 * start-up log. The API key appears only as its fingerprint.
 */
public final class EffectiveConfig {

    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_./][A-Za-z0-9_./:@%+-]*");
    private static final Pattern NUMBER_LIKE = Pattern.compile("[0-9+.-][0-9A-Za-z_.+-]*");
    private static final Set<String> RESERVED = Set.of("true", "false", "yes", "no", "on", "off", "y", "n",
            "null", "~", ".inf", ".nan");

    private EffectiveConfig() {
    }

    /** Every effective value, preceded by a comment line naming the file that was loaded (if any). */
    public static String render(RelayConfig c) {
        StringBuilder y = new StringBuilder();
        if (c.source() == null) {
            y.append("# no config file; defaults and environment only\n");
        } else {
            y.append("# config file: ").append(Values.showPath(c.source()))
                    .append("; environment variables override it\n");
        }
        ReceiverConfig r = c.receiver();
        y.append("receiver:\n");
        entry(y, "http_address", scalar(r.httpAddress().toString()));
        entry(y, "grpc_address", scalar(r.grpcAddress().toString()));
        entry(y, "max_request_bytes", Long.toString(r.maxRequestBytes()));
        entry(y, "max_grpc_message_bytes", Integer.toString(r.maxGrpcMessageBytes()));
        entry(y, "max_inflight_bytes", Long.toString(r.maxInflightBytes()));
        entry(y, "retry_after", Values.formatDuration(r.retryAfter()));
        y.append("admin:\n");
        entry(y, "address", scalar(c.admin().address().toString()));
        HoneycombConfig h = c.honeycomb();
        y.append("honeycomb:\n");
        entry(y, "api_key", h.apiKey().map(k -> k.fingerprint() + " (set)").orElse(ConfigLoader.NOT_SET));
        entry(y, "api_endpoint", scalar(h.apiEndpoint()));
        entry(y, "dataset", h.dataset() == null ? "\"\"" : scalar(h.dataset()));
        y.append("debug:\n");
        entry(y, "enabled", switch (c.debug().enabled()) {
            case AUTO -> "auto    # resolves to " + (c.debugExporterOn() ? "on (no Honeycomb API key)"
                    : "off (Honeycomb export is on)");
            case ON -> "true";
            case OFF -> "false";
        });
        y.append("shutdown:\n");
        entry(y, "drain_timeout", Values.formatDuration(c.shutdown().drainTimeout()));
        return y.toString();
    }

    private static void entry(StringBuilder y, String key, String value) {
        y.append("  ").append(key).append(": ").append(value).append('\n');
    }

    /** Plain when YAML would read it back as the same string, double-quoted otherwise. */
    static String scalar(String s) {
        boolean plain = PLAIN.matcher(s).matches() && !s.endsWith(":")
                && !RESERVED.contains(s.toLowerCase(Locale.ROOT))
                && !(NUMBER_LIKE.matcher(s).matches() && s.indexOf(':') < 0);
        return plain ? s : Values.quote(s);
    }
}
