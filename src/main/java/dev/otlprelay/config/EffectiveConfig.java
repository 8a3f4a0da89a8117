package dev.otlprelay.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The effective configuration as YAML in the file's own key layout, for {@code check-config}, {@code /debug/config}
 * and the start-up log. Each key's name and section come from {@link Keys}, so the dump can name no key the loader
 * does not read; the values are written here, each as the file would take it back. The API key appears only as its
 * fingerprint ({@link ApiKeySource#shown}); nested sections ({@code honeycomb.spool}) are indented maps,
 * {@code honeycomb.spool.dir} is an absolute path or {@code (off)}.
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
        KeyLines y = new KeyLines();
        if (c.source() == null) {
            y.comment("no config file; defaults and environment only");
        } else {
            y.comment("config file: " + Values.showPath(c.source()) + "; environment variables override it");
        }
        receiver(y, c.receiver());
        y.key(Keys.ADMIN_ADDRESS, scalar(c.admin().address().toString()));
        honeycomb(y, c.honeycomb());
        xray(y, c.xray());
        sampling(y, c.sampling());
        y.key(Keys.DEBUG_ENABLED, switch (c.debug().enabled()) {
            case AUTO -> "auto    # resolves to " + (c.debugExporterOn() ? "on (Honeycomb and X-Ray export are off)"
                    : "off (" + exportsOn(c) + ")");
            case ON -> "true";
            case OFF -> "false";
        });
        y.key(Keys.DRAIN_TIMEOUT, Values.formatDuration(c.shutdown().drainTimeout()));
        return y.toString();
    }

    private static void receiver(KeyLines y, ReceiverConfig r) {
        y.key(Keys.HTTP_ADDRESS, scalar(r.httpAddress().toString()));
        y.key(Keys.GRPC_ADDRESS, scalar(r.grpcAddress().toString()));
        y.key(Keys.MAX_REQUEST_BYTES, Long.toString(r.maxRequestBytes()));
        y.key(Keys.MAX_GRPC_MESSAGE_BYTES, Integer.toString(r.maxGrpcMessageBytes()));
        y.key(Keys.MAX_INFLIGHT_BYTES, Long.toString(r.maxInflightBytes()));
        y.key(Keys.RETRY_AFTER, Values.formatDuration(r.retryAfter()));
        y.key(Keys.RECEIVE_TIMEOUT, Values.formatDuration(r.requestTimeout()));
        y.section(Keys.CORS, r.cors().enabled() ? "" : "    # off: no allowed origins");
        y.list(Keys.CORS_ALLOWED_ORIGINS, r.cors().allowedOrigins());
        y.list(Keys.CORS_ALLOWED_HEADERS, r.cors().allowedHeaders());
        y.key(Keys.CORS_MAX_AGE, Values.formatDuration(r.cors().maxAge()));
    }

    private static void honeycomb(KeyLines y, HoneycombConfig h) {
        y.key(Keys.API_KEY, ApiKeySource.shown(h.apiKey()));
        y.key(Keys.API_ENDPOINT, scalar(h.apiEndpoint()));
        y.key(Keys.DATASET, h.dataset() == null ? "\"\"" : scalar(h.dataset()));
        y.key(Keys.KEY_MODE, h.keyMode().word());
        y.key(Keys.COMPRESSION, h.gzip() ? "gzip" : "none");
        y.key(Keys.BATCH_TIMEOUT, Values.formatDuration(h.batch().timeout()));
        y.key(Keys.BATCH_MAX_SPANS, Integer.toString(h.batch().maxSpans()));
        y.key(Keys.BATCH_MAX_BYTES, Long.toString(h.batch().maxBytes()));
        HoneycombConfig.RetryConfig rt = h.retry();
        y.key(Keys.RETRY_INITIAL_BACKOFF, Values.formatDuration(rt.initialBackoff()));
        y.key(Keys.RETRY_MULTIPLIER, Values.formatDecimal(rt.multiplier()));
        y.key(Keys.RETRY_JITTER, Values.formatDecimal(rt.jitter()));
        y.key(Keys.RETRY_MAX_BACKOFF, Values.formatDuration(rt.maxBackoff()));
        y.key(Keys.RETRY_MAX_ELAPSED, Values.formatDuration(rt.maxElapsed()));
        y.key(Keys.SEND_TIMEOUT, Values.formatDuration(rt.attemptTimeout()));
        y.key(Keys.SENDERS, Integer.toString(rt.senders()));
        y.key(Keys.RETRY_ON, rt.retryOn().toString());
        y.key(Keys.HONEYCOMB_QUEUE_BYTES, Long.toString(h.queueBytes()));
        y.key(Keys.READY_MAX_QUEUE_AGE, Values.formatDuration(h.readyMaxQueueAge()));
        SpoolConfig sp = h.spool();
        y.section(Keys.SPOOL, "");
        y.key(Keys.SPOOL_DIR, sp.dir() == null ? ValueKind.OFF : scalar(sp.dir().toAbsolutePath().toString()));
        y.key(Keys.FSYNC, sp.fsync().name().toLowerCase(Locale.ROOT));
        y.key(Keys.FSYNC_INTERVAL, Values.formatDuration(sp.fsyncInterval()));
        y.key(Keys.SPOOL_MAX_BYTES, Long.toString(sp.maxBytes()));
        y.key(Keys.SEGMENT_BYTES, Long.toString(sp.segmentBytes()));
    }

    private static void xray(KeyLines y, XrayConfig x) {
        y.key(Keys.XRAY_ENABLED, switch (x.enabled()) {
            case AUTO -> "auto    # resolves to " + (x.exportEnabled() ? "on (daemon address configured)"
                    : "off (no daemon address configured)");
            case ON -> "true";
            case OFF -> "false";
        });
        y.key(Keys.DAEMON_ADDRESS, x.daemonAddressSet() ? scalar(x.daemonAddress().toString())
                : "\"\"    # not configured; " + x.daemonAddress() + " is used when X-Ray export is on");
        y.list(Keys.INDEXED_ATTRIBUTES, x.indexedAttributes());
        y.key(Keys.INDEX_ALL_ATTRIBUTES, Boolean.toString(x.indexAllAttributes()));
        y.key(Keys.ANNOTATE_SAMPLING, Boolean.toString(x.annotateSampling()));
        y.key(Keys.MAX_DATAGRAMS_PER_SECOND, Integer.toString(x.maxDatagramsPerSecond()));
        y.key(Keys.XRAY_QUEUE_BYTES, Long.toString(x.queueBytes()));
        y.key(Keys.DOCUMENTS, x.documents().word());
        y.key(Keys.MAX_SUBSEGMENTS_PER_DOCUMENT, Integer.toString(x.maxSubsegmentsPerDocument()));
    }

    private static void sampling(KeyLines y, SamplingConfig sm) {
        y.key(Keys.RULES_FILE, path(sm.rulesFile()) + (sm.active() ? "" : "    # no rules: every trace is kept"));
        y.key(Keys.RELOAD_INTERVAL, Values.formatDuration(sm.reloadInterval()));
        y.key(Keys.DECISION_WAIT, Values.formatDuration(sm.decisionWait()));
        y.key(Keys.TRACE_TIMEOUT, Values.formatDuration(sm.traceTimeout()));
        y.key(Keys.MAX_SPANS_PER_TRACE, Integer.toString(sm.maxSpansPerTrace()));
        y.key(Keys.MAX_LIVE_TRACES, Integer.toString(sm.maxLiveTraces()));
        y.key(Keys.MAX_BUFFER_BYTES, Long.toString(sm.maxBufferBytes()));
        y.key(Keys.KEPT_CACHE_TRACES, Integer.toString(sm.keptCacheTraces()));
        y.key(Keys.DROPPED_FILTER_TRACES, Integer.toString(sm.droppedFilterTraces()));
        y.conditions(Keys.CONDITIONS, sm.conditions());
        if (sm.xray() != null) {
            y.section(Keys.SAMPLING_XRAY, "");
            y.key(Keys.XRAY_RULES_FILE, path(sm.xray().rulesFile()));
            y.conditions(Keys.XRAY_CONDITIONS, sm.xray().conditions());
        }
    }

    private static String path(Path p) {
        return p == null ? "\"\"" : scalar(p.toAbsolutePath().toString());
    }

    private static String exportsOn(RelayConfig c) {
        boolean honeycomb = c.honeycomb().exportEnabled();
        boolean xray = c.xray().exportEnabled();
        return honeycomb && xray ? "Honeycomb and X-Ray export are on"
                : honeycomb ? "Honeycomb export is on" : "X-Ray export is on";
    }

    /** Plain when YAML would read it back as the same string, double-quoted otherwise. */
    static String scalar(String s) {
        boolean plain = PLAIN.matcher(s).matches() && !s.endsWith(":")
                && !RESERVED.contains(s.toLowerCase(Locale.ROOT))
                && !(NUMBER_LIKE.matcher(s).matches() && s.indexOf(':') < 0);
        return plain ? s : Values.quote(s);
    }

    /**
     * The YAML being written: each key on its line, named and indented (two spaces a level) as its {@link Key} says;
     * a top-level section's line comes before its first key, so that section names come from the table too.
     */
    private static final class KeyLines {
        private final StringBuilder y = new StringBuilder();
        private String openSection;

        void comment(String text) {
            y.append("# ").append(text).append('\n');
        }

        void key(Key<?> key, String value) {
            start(key).append(": ").append(value).append('\n');
        }

        /** A nested section's line, then a comment if any ({@code comment} starts with its spacing). */
        void section(Key<?> nested, String comment) {
            start(nested).append(':').append(comment).append('\n');
        }

        /** {@code []} when empty, else one {@code - item} line per item. */
        void list(Key<?> key, List<String> items) {
            if (items.isEmpty()) {
                key(key, "[]");
                return;
            }
            start(key).append(":\n");
            for (String item : items) {
                y.append(indent(key)).append("  - ").append(scalar(item)).append('\n');
            }
        }

        /** {@code []} when empty, else each condition as a map with the keys it sets, in {@link Conditions}' order. */
        void conditions(Key<?> key, List<ConditionConfig> list) {
            if (list.isEmpty()) {
                key(key, "[]");
                return;
            }
            start(key).append(":\n");
            String more = indent(key) + "    ";
            for (ConditionConfig c : list) {
                y.append(indent(key)).append("  - ").append("name: ").append(scalar(c.name())).append('\n');
                y.append(more).append("action: ").append(c.action().name().toLowerCase(Locale.ROOT)).append('\n');
                if (c.error()) {
                    y.append(more).append("error: true\n");
                }
                if (c.minDuration() != null) {
                    y.append(more).append("min_duration: ").append(Values.formatDuration(c.minDuration())).append('\n');
                }
                glob(more, "service_name", c.serviceName());
                glob(more, "service_type", c.serviceType());
                glob(more, "host", c.host());
                glob(more, "http_method", c.httpMethod());
                glob(more, "url_path", c.urlPath());
                if (!c.attributes().isEmpty()) {
                    y.append(more).append("attributes:\n");
                    c.attributes().forEach((k, v) -> y.append(more).append("  ").append(scalar(k)).append(": ")
                            .append(Values.quote(v)).append('\n'));
                }
                y.append(more).append("sample_rate: ").append(c.sampleRate()).append('\n');
            }
        }

        private void glob(String indent, String key, String value) {
            if (value != null) {
                y.append(indent).append(key).append(": ").append(Values.quote(value)).append('\n');
            }
        }

        /** Opens the key's top-level section if it is not the one open, then writes the indented key name. */
        private StringBuilder start(Key<?> key) {
            String top = key.section().split("\\.")[0];
            if (!top.equals(openSection)) {
                y.append(top).append(":\n");
                openSection = top;
            }
            return y.append(indent(key)).append(key.name());
        }

        private static String indent(Key<?> key) {
            return "  ".repeat(key.section().split("\\.").length);
        }

        @Override
        public String toString() {
            return y.toString();
        }
    }
}
