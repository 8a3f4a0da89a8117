package dev.otlprelay.telemetry;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The sampling stage's meters, registered on the relay's registry. Prometheus names are a contract:
 * <ul>
 *   <li>{@code otlp_relay_sampler_accepted_spans_total} — spans the stage took (it answered ACCEPTED);</li>
 *   <li>{@code otlp_relay_sampler_traces_total{destination,rule,decision}} — one per trace and destination when the
 *       trace is decided; {@code decision} is {@code kept} or {@code dropped};</li>
 *   <li>{@code otlp_relay_sampler_spans_total{destination,decision}} — every span, held or late, once per
 *       destination, {@code kept} or {@code dropped};</li>
 *   <li>{@code otlp_relay_exporter_sampled_out_spans_total{exporter}} — the spans a destination will never see
 *       because sampling dropped them (the same number as {@code spans_total{decision="dropped"}});</li>
 *   <li>{@code otlp_relay_sampler_forwarded_spans_total{destination}} — kept spans the destination has taken;</li>
 *   <li>{@code otlp_relay_sampler_late_spans_total{decision}} — spans that arrived after their trace was decided:
 *       {@code kept}, {@code dropped}, or {@code forgotten} (the decision was no longer remembered);</li>
 *   <li>{@code otlp_relay_sampler_early_decisions_total{reason}} — traces decided, by what triggered the decision:
 *       {@code root_delay} (the normal case), {@code timeout}, {@code span_limit}, {@code ejected},
 *       {@code shutdown};</li>
 *   <li>gauges {@code otlp_relay_sampler_live_traces}, {@code otlp_relay_sampler_buffered_spans},
 *       {@code otlp_relay_sampler_buffered_bytes}, and per destination
 *       {@code otlp_relay_sampler_outbox_spans{destination}}, {@code otlp_relay_sampler_outbox_bytes{destination}}.</li>
 * </ul>
 * Per destination: {@code accepted_spans = forwarded_spans + sampled_out_spans + buffered_spans + outbox_spans
 * + dropped_spans{reason="shutdown"}} (the last from {@link RelayMetrics#droppedSpans}).
 */
public final class SamplerMetrics {
    public static final String KEPT = "kept";
    public static final String DROPPED = "dropped";
    public static final String FORGOTTEN = "forgotten";

    private final RelayMetrics metrics;
    private final MeterRegistry registry;
    private final Counter accepted;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();

    public SamplerMetrics(RelayMetrics metrics, Supplier<Number> liveTraces, Supplier<Number> bufferedSpans,
                          Supplier<Number> bufferedBytes) {
        this.metrics = metrics;
        this.registry = metrics.registry();
        accepted = Counter.builder("otlp.relay.sampler.accepted.spans")
                .description("Spans the sampling stage took").register(registry);
        Gauge.builder("otlp.relay.sampler.live.traces", liveTraces)
                .description("Traces held until they are decided").register(registry);
        Gauge.builder("otlp.relay.sampler.buffered.spans", bufferedSpans)
                .description("Spans held until their trace is decided").register(registry);
        Gauge.builder("otlp.relay.sampler.buffered", bufferedBytes).baseUnit("bytes")
                .description("Serialized bytes of the spans held until their trace is decided").register(registry);
    }

    public Counter acceptedSpans() {
        return accepted;
    }

    /** {@code otlp_relay_sampler_traces_total{destination,rule,decision}}. */
    public Counter traces(String destination, String rule, boolean kept) {
        return counter("otlp.relay.sampler.traces", "Traces decided, by destination, rule and decision",
                "destination", destination, "rule", rule, "decision", kept ? KEPT : DROPPED);
    }

    /** {@code otlp_relay_sampler_spans_total{destination,decision}}. */
    public Counter spans(String destination, boolean kept) {
        return counter("otlp.relay.sampler.spans", "Spans decided, by destination and decision",
                "destination", destination, "decision", kept ? KEPT : DROPPED);
    }

    /** {@code otlp_relay_exporter_sampled_out_spans_total{exporter}}. */
    public Counter sampledOut(String exporter) {
        return counter("otlp.relay.exporter.sampled.out.spans", "Spans a destination never sees: sampled out",
                "exporter", exporter);
    }

    /** {@code otlp_relay_sampler_forwarded_spans_total{destination}}. */
    public Counter forwarded(String destination) {
        return counter("otlp.relay.sampler.forwarded.spans", "Kept spans the destination has taken",
                "destination", destination);
    }

    /** {@code otlp_relay_sampler_late_spans_total{decision}}: {@link #KEPT}, {@link #DROPPED}, {@link #FORGOTTEN}. */
    public Counter lateSpans(String decision) {
        return counter("otlp.relay.sampler.late.spans", "Spans arriving after their trace was decided",
                "decision", decision);
    }

    /** {@code otlp_relay_sampler_early_decisions_total{reason}}. */
    public Counter earlyDecisions(String reason) {
        return counter("otlp.relay.sampler.early.decisions", "Traces decided, by what triggered the decision",
                "reason", reason);
    }

    /** {@code otlp_relay_dropped_spans_total{exporter,reason}}: decided spans a destination never got. */
    public Counter dropped(String exporter, String reason) {
        return metrics.droppedSpans(exporter, reason);
    }

    /** {@code otlp_relay_sampler_outbox_spans{destination}} and {@code otlp_relay_sampler_outbox_bytes{...}}. */
    public void outbox(String destination, Supplier<Number> spans, Supplier<Number> bytes) {
        Gauge.builder("otlp.relay.sampler.outbox.spans", spans).tag("destination", destination)
                .description("Kept spans decided and not yet taken by the destination").register(registry);
        Gauge.builder("otlp.relay.sampler.outbox", bytes).baseUnit("bytes").tag("destination", destination)
                .description("Bytes of kept spans decided and not yet taken by the destination").register(registry);
    }

    /** Counters are looked up once per tag combination and cached: decisions must not build meter ids. */
    private Counter counter(String name, String description, String... tags) {
        StringBuilder key = new StringBuilder(name);
        for (String t : tags) {
            key.append('\u0000').append(t);
        }
        return counters.computeIfAbsent(key.toString(),
                k -> Counter.builder(name).description(description).tags(tags).register(registry));
    }
}
