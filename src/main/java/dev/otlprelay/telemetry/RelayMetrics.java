package dev.otlprelay.telemetry;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Every self-metric of the relay, declared once. The Prometheus names written in the issues are a contract
 * (dashboards depend on them); {@code RelayMetricsTest} pins each one against the scrape output.
 *
 * <p>Micrometer names are dotted; the Prometheus registry turns {@code otlp.relay.receiver.accepted.spans}
 * into {@code otlp_relay_receiver_accepted_spans_total}.
 */
public final class RelayMetrics implements AutoCloseable {
    public static final String TRANSPORT_HTTP = "http";
    public static final String TRANSPORT_GRPC = "grpc";

    private final PrometheusMeterRegistry registry;
    private final JvmGcMetrics gcMetrics;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    private final Map<String, DistributionSummary> requestBytes = new ConcurrentHashMap<>();

    public RelayMetrics() {
        registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        gcMetrics = new JvmGcMetrics();
        gcMetrics.bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
    }

    public MeterRegistry registry() {
        return registry;
    }

    /** Prometheus text exposition of every meter. */
    public String scrape() {
        return registry.scrape();
    }

    // --- receiver -------------------------------------------------------------------------------------------

    /** {@code otlp_relay_receiver_accepted_spans_total{transport}}: spans handed on to the pipeline. */
    public Counter acceptedSpans(String transport) {
        return counter("otlp.relay.receiver.accepted.spans", "transport", transport);
    }

    /** {@code otlp_relay_receiver_refused_spans_total{transport,reason}}: spans the receiver did not hand on. */
    public Counter refusedSpans(String transport, String reason) {
        return counter("otlp.relay.receiver.refused.spans", "transport", transport, "reason", reason);
    }

    /**
     * {@code otlp_relay_receiver_refused_requests_total{transport,reason}}: requests refused whole, including
     * those whose span count is unknown because they could not be decoded (garbage, bad gzip, oversize).
     */
    public Counter refusedRequests(String transport, String reason) {
        return counter("otlp.relay.receiver.refused.requests", "transport", transport, "reason", reason);
    }

    /**
     * {@code otlp_relay_connection_errors_total{listener,reason}}: connections closed after an exception reached a
     * listener's handlers ({@link ConnectionErrors}).
     */
    public Counter connectionErrors(String listener, String reason) {
        return counter("otlp.relay.connection.errors", "listener", listener, "reason", reason);
    }

    /** {@code otlp_relay_receiver_requests_total{transport,code}}: every answered request by status code. */
    public Counter requests(String transport, String code) {
        return counter("otlp.relay.receiver.requests", "transport", transport, "code", code);
    }

    /** {@code otlp_relay_receiver_request_bytes}: decompressed request sizes. */
    public DistributionSummary requestBytes(String transport) {
        return requestBytes.computeIfAbsent(transport, t -> DistributionSummary.builder("otlp.relay.receiver.request")
                .baseUnit("bytes")
                .description("Decompressed size of OTLP requests")
                .tag("transport", t)
                .serviceLevelObjectives(1024, 16 * 1024, 64 * 1024, 256 * 1024, 1024 * 1024, 4 * 1024 * 1024,
                        16 * 1024 * 1024)
                .register(registry));
    }

    /** {@code otlp_relay_admission_inflight_bytes}: bytes of requests being received or processed. */
    public void admissionInflight(Supplier<Number> inflight) {
        Gauge.builder("otlp.relay.admission.inflight", inflight).baseUnit("bytes")
                .description("Decompressed bytes of requests in flight").register(registry);
    }

    /** {@code otlp_relay_admission_budget_bytes}: the process-wide admission budget. */
    public void admissionBudget(long budget) {
        Gauge.builder("otlp.relay.admission.budget", () -> budget).baseUnit("bytes")
                .description("Admission budget for requests in flight").register(registry);
    }

    /** {@code otlp_relay_receiver_passthrough_requests_total{transport,signal}}: metrics/logs requests handed on. */
    public Counter passthroughRequests(String transport, String signal) {
        return counter("otlp.relay.receiver.passthrough.requests", "transport", transport, "signal", signal);
    }

    // --- exporters ------------------------------------------------------------------------------------------

    /** {@code otlp_relay_exporter_sent_spans_total{exporter}}. */
    public Counter sentSpans(String exporter) {
        return counter("otlp.relay.exporter.sent.spans", "exporter", exporter);
    }

    /** {@code otlp_relay_exporter_enqueued_spans_total{exporter}}: spans a destination's queue took. */
    public Counter enqueuedSpans(String exporter) {
        return counter("otlp.relay.exporter.enqueued.spans", "exporter", exporter);
    }

    /** {@code otlp_relay_exporter_send_failed_spans_total{exporter,reason}}. */
    public Counter sendFailedSpans(String exporter, String reason) {
        return counter("otlp.relay.exporter.send.failed.spans", "exporter", exporter, "reason", reason);
    }

    /** {@code otlp_relay_exporter_retries_total{exporter}}: attempts scheduled again after a failure. */
    public Counter exporterRetries(String exporter) {
        return counter("otlp.relay.exporter.retries", "exporter", exporter);
    }

    /** {@code otlp_relay_exporter_truncated_values_total{exporter}}: attribute values cut to the destination's limit. */
    public Counter truncatedValues(String exporter) {
        return counter("otlp.relay.exporter.truncated.values", "exporter", exporter);
    }

    /** {@code otlp_relay_dropped_spans_total{exporter,reason}}: spans a destination will never send. */
    public Counter droppedSpans(String exporter, String reason) {
        return counter("otlp.relay.dropped.spans", "exporter", exporter, "reason", reason);
    }

    /**
     * {@code otlp_relay_dropped_data_points_total{exporter,reason}}: data points of forwarded metrics a destination
     * gave up on, with the same reasons as spans.
     */
    public Counter droppedDataPoints(String exporter, String reason) {
        return counter("otlp.relay.dropped.data.points", "exporter", exporter, "reason", reason);
    }

    /** {@code otlp_relay_dropped_log_records_total{exporter,reason}}: log records likewise. */
    public Counter droppedLogRecords(String exporter, String reason) {
        return counter("otlp.relay.dropped.log.records", "exporter", exporter, "reason", reason);
    }

    /**
     * {@code otlp_relay_exporter_queue_bytes{exporter}}, {@code ..._queue_spans}, {@code ..._queue_capacity_bytes}
     * and {@code ..._queue_oldest_age_seconds}.
     */
    public void exporterQueue(String exporter, Supplier<Number> bytes, Supplier<Number> spans, long capacity,
                              Supplier<Number> oldestAgeSeconds) {
        Gauge.builder("otlp.relay.exporter.queue.spans", spans).tag("exporter", exporter)
                .description("Spans accepted by the destination and not yet sent").register(registry);
        Gauge.builder("otlp.relay.exporter.queue", bytes).baseUnit("bytes").tag("exporter", exporter)
                .description("Bytes waiting in the destination's queue").register(registry);
        Gauge.builder("otlp.relay.exporter.queue.capacity", () -> capacity).baseUnit("bytes").tag("exporter", exporter)
                .description("Capacity of the destination's queue").register(registry);
        Gauge.builder("otlp.relay.exporter.queue.oldest.age", oldestAgeSeconds).baseUnit("seconds")
                .tag("exporter", exporter).description("Age of the oldest queued batch").register(registry);
    }

    /**
     * {@code otlp_relay_exporter_spooled_at_shutdown_spans_total{exporter}}: spans not delivered when the relay
     * stopped that stay in the durable spool and are sent after the next start (not lost, so not "dropped").
     */
    public Counter spooledAtShutdown(String exporter) {
        return counter("otlp.relay.exporter.spooled.at.shutdown.spans", "exporter", exporter);
    }

    // --- durable spool --------------------------------------------------------------------------------------

    /**
     * {@code otlp_relay_spool_disk_bytes{exporter}}, {@code otlp_relay_spool_capacity_bytes{exporter}} and
     * {@code otlp_relay_spool_pending_records{exporter}} (records appended or replayed, not yet acknowledged).
     */
    public void spool(String exporter, Supplier<Number> diskBytes, long capacity, Supplier<Number> pendingRecords) {
        Gauge.builder("otlp.relay.spool.disk", diskBytes).baseUnit("bytes").tag("exporter", exporter)
                .description("Bytes of the spool's segment and ack files").register(registry);
        Gauge.builder("otlp.relay.spool.capacity", () -> capacity).baseUnit("bytes").tag("exporter", exporter)
                .description("Disk bound of the spool").register(registry);
        Gauge.builder("otlp.relay.spool.pending.records", pendingRecords).tag("exporter", exporter)
                .description("Spooled requests not yet delivered or given up on").register(registry);
    }

    /** {@code otlp_relay_spool_append_failures_total{exporter,reason}}: requests the spool could not take (full, io_error). */
    public Counter spoolAppendFailures(String exporter, String reason) {
        return counter("otlp.relay.spool.append.failures", "exporter", exporter, "reason", reason);
    }

    /** {@code otlp_relay_spool_corrupt_records_total{exporter}}: torn or corrupt spool data skipped. */
    public Counter spoolCorruptRecords(String exporter) {
        return counter("otlp.relay.spool.corrupt.records", "exporter", exporter);
    }

    /** {@code otlp_relay_spool_replayed_records_total{exporter}}: records an earlier run left, sent again. */
    public Counter spoolReplayedRecords(String exporter) {
        return counter("otlp.relay.spool.replayed.records", "exporter", exporter);
    }

    /** Counters are looked up once per tag combination and cached: the hot path must not build meter ids. */
    private Counter counter(String name, String... tags) {
        String key = cacheKey(name, tags);
        Counter c = counters.get(key);
        if (c == null) {
            c = counters.computeIfAbsent(key, k -> Counter.builder(name).tags(tags).register(registry));
        }
        return c;
    }

    private static String cacheKey(String name, String[] tags) {
        StringBuilder sb = new StringBuilder(name);
        for (String t : tags) {
            sb.append('\u0000').append(t);
        }
        return sb.toString();
    }

    @Override
    public void close() {
        gcMetrics.close();
        registry.close();
    }
}
