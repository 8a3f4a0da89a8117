package dev.otlprelay.config;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The effective configuration as YAML in the file's own key layout, for {@code --print-config} and the
 * start-up log. The API key appears only as its fingerprint; nested sections ({@code honeycomb.spool}) are
 * indented maps, {@code honeycomb.spool.dir} is an absolute path or {@code (off)}.
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
        receiver(y, c.receiver());
        y.append("admin:\n");
        entry(y, "address", scalar(c.admin().address().toString()));
        honeycomb(y, c.honeycomb());
        xray(y, c.xray());
        sampling(y, c.sampling());
        y.append("debug:\n");
        entry(y, "enabled", switch (c.debug().enabled()) {
            case AUTO -> "auto    # resolves to " + (c.debugExporterOn() ? "on (Honeycomb and X-Ray export are off)"
                    : "off (" + exportsOn(c) + ")");
            case ON -> "true";
            case OFF -> "false";
        });
        y.append("shutdown:\n");
        entry(y, "drain_timeout", Values.formatDuration(c.shutdown().drainTimeout()));
        return y.toString();
    }

    private static void receiver(StringBuilder y, ReceiverConfig r) {
        y.append("receiver:\n");
        entry(y, "http_address", scalar(r.httpAddress().toString()));
        entry(y, "grpc_address", scalar(r.grpcAddress().toString()));
        entry(y, "max_request_bytes", Long.toString(r.maxRequestBytes()));
        entry(y, "max_grpc_message_bytes", Integer.toString(r.maxGrpcMessageBytes()));
        entry(y, "max_inflight_bytes", Long.toString(r.maxInflightBytes()));
        entry(y, "retry_after", Values.formatDuration(r.retryAfter()));
        entry(y, "request_timeout", Values.formatDuration(r.requestTimeout()));
        y.append("  cors:").append(r.cors().enabled() ? "" : "    # off: no allowed origins").append('\n');
        nestedList(y, "allowed_origins", r.cors().allowedOrigins());
        nestedList(y, "allowed_headers", r.cors().allowedHeaders());
        nested(y, "max_age", Values.formatDuration(r.cors().maxAge()));
    }

    private static void honeycomb(StringBuilder y, HoneycombConfig h) {
        y.append("honeycomb:\n");
        entry(y, "api_key", h.apiKey().map(k -> k.fingerprint() + " (set)").orElse(ApiKeySource.NOT_SET));
        entry(y, "api_endpoint", scalar(h.apiEndpoint()));
        entry(y, "dataset", h.dataset() == null ? "\"\"" : scalar(h.dataset()));
        entry(y, "key_mode", h.keyMode().word());
        entry(y, "compression", h.gzip() ? "gzip" : "none");
        entry(y, "batch_timeout", Values.formatDuration(h.batch().timeout()));
        entry(y, "batch_max_spans", Integer.toString(h.batch().maxSpans()));
        entry(y, "batch_max_bytes", Long.toString(h.batch().maxBytes()));
        HoneycombConfig.RetryConfig rt = h.retry();
        entry(y, "retry_initial_backoff", Values.formatDuration(rt.initialBackoff()));
        entry(y, "retry_multiplier", Values.formatDecimal(rt.multiplier()));
        entry(y, "retry_jitter", Values.formatDecimal(rt.jitter()));
        entry(y, "retry_max_backoff", Values.formatDuration(rt.maxBackoff()));
        entry(y, "retry_max_elapsed", Values.formatDuration(rt.maxElapsed()));
        entry(y, "request_timeout", Values.formatDuration(rt.attemptTimeout()));
        entry(y, "senders", Integer.toString(rt.senders()));
        entry(y, "retry_on", rt.retryOn().toString());
        entry(y, "queue_bytes", Long.toString(h.queueBytes()));
        entry(y, "ready_max_queue_age", Values.formatDuration(h.readyMaxQueueAge()));
        SpoolConfig sp = h.spool();
        y.append("  spool:\n");
        nested(y, "dir", sp.dir() == null ? ValueKind.OFF : scalar(sp.dir().toAbsolutePath().toString()));
        nested(y, "fsync", sp.fsync().name().toLowerCase(Locale.ROOT));
        nested(y, "fsync_interval", Values.formatDuration(sp.fsyncInterval()));
        nested(y, "max_bytes", Long.toString(sp.maxBytes()));
        nested(y, "segment_bytes", Long.toString(sp.segmentBytes()));
    }

    private static void xray(StringBuilder y, XrayConfig x) {
        y.append("xray:\n");
        entry(y, "enabled", switch (x.enabled()) {
            case AUTO -> "auto    # resolves to " + (x.exportEnabled() ? "on (daemon address configured)"
                    : "off (no daemon address configured)");
            case ON -> "true";
            case OFF -> "false";
        });
        entry(y, "daemon_address", x.daemonAddressSet() ? scalar(x.daemonAddress().toString())
                : "\"\"    # not configured; " + x.daemonAddress() + " is used when X-Ray export is on");
        if (x.indexedAttributes().isEmpty()) {
            entry(y, "indexed_attributes", "[]");
        } else {
            y.append("  indexed_attributes:\n");
            for (String a : x.indexedAttributes()) {
                y.append("    - ").append(scalar(a)).append('\n');
            }
        }
        entry(y, "index_all_attributes", Boolean.toString(x.indexAllAttributes()));
        entry(y, "annotate_sampling", Boolean.toString(x.annotateSampling()));
        entry(y, "max_datagrams_per_second", Integer.toString(x.maxDatagramsPerSecond()));
        entry(y, "queue_bytes", Long.toString(x.queueBytes()));
        entry(y, "documents", x.documents().word());
        entry(y, "max_subsegments_per_document", Integer.toString(x.maxSubsegmentsPerDocument()));
    }

    private static void sampling(StringBuilder y, SamplingConfig sm) {
        y.append("sampling:\n");
        entry(y, "rules_file", path(sm.rulesFile()) + (sm.active() ? "" : "    # no rules: every trace is kept"));
        entry(y, "reload_interval", Values.formatDuration(sm.reloadInterval()));
        entry(y, "decision_wait", Values.formatDuration(sm.decisionWait()));
        entry(y, "trace_timeout", Values.formatDuration(sm.traceTimeout()));
        entry(y, "max_spans_per_trace", Integer.toString(sm.maxSpansPerTrace()));
        entry(y, "max_live_traces", Integer.toString(sm.maxLiveTraces()));
        entry(y, "max_buffer_bytes", Long.toString(sm.maxBufferBytes()));
        entry(y, "kept_cache_traces", Integer.toString(sm.keptCacheTraces()));
        entry(y, "dropped_filter_traces", Integer.toString(sm.droppedFilterTraces()));
        conditions(y, "  ", sm.conditions());
        if (sm.xray() != null) {
            y.append("  xray:\n");
            nested(y, "rules_file", path(sm.xray().rulesFile()));
            conditions(y, "    ", sm.xray().conditions());
        }
    }

    private static String path(java.nio.file.Path p) {
        return p == null ? "\"\"" : scalar(p.toAbsolutePath().toString());
    }

    private static void conditions(StringBuilder y, String indent, java.util.List<ConditionConfig> list) {
        if (list.isEmpty()) {
            y.append(indent).append("conditions: []\n");
            return;
        }
        y.append(indent).append("conditions:\n");
        for (ConditionConfig c : list) {
            String item = indent + "  - ";
            String more = indent + "    ";
            y.append(item).append("name: ").append(scalar(c.name())).append('\n');
            y.append(more).append("action: ").append(c.action().name().toLowerCase(Locale.ROOT)).append('\n');
            if (c.error()) {
                y.append(more).append("error: true\n");
            }
            if (c.minDuration() != null) {
                y.append(more).append("min_duration: ").append(Values.formatDuration(c.minDuration())).append('\n');
            }
            glob(y, more, "service_name", c.serviceName());
            glob(y, more, "service_type", c.serviceType());
            glob(y, more, "host", c.host());
            glob(y, more, "http_method", c.httpMethod());
            glob(y, more, "url_path", c.urlPath());
            if (!c.attributes().isEmpty()) {
                y.append(more).append("attributes:\n");
                c.attributes().forEach((k, v) -> y.append(more).append("  ").append(scalar(k)).append(": ")
                        .append(Values.quote(v)).append('\n'));
            }
            y.append(more).append("sample_rate: ").append(c.sampleRate()).append('\n');
        }
    }

    private static void glob(StringBuilder y, String indent, String key, String value) {
        if (value != null) {
            y.append(indent).append(key).append(": ").append(Values.quote(value)).append('\n');
        }
    }

    private static String exportsOn(RelayConfig c) {
        boolean honeycomb = c.honeycomb().exportEnabled();
        boolean xray = c.xray().exportEnabled();
        return honeycomb && xray ? "Honeycomb and X-Ray export are on"
                : honeycomb ? "Honeycomb export is on" : "X-Ray export is on";
    }

    private static void nestedList(StringBuilder y, String key, List<String> values) {
        if (values.isEmpty()) {
            nested(y, key, "[]");
            return;
        }
        y.append("    ").append(key).append(":\n");
        for (String v : values) {
            y.append("      - ").append(scalar(v)).append('\n');
        }
    }

    private static void nested(StringBuilder y, String key, String value) {
        y.append("    ").append(key).append(": ").append(value).append('\n');
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
