package dev.otlprelay.telemetry;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The X-Ray exporter's own meters, registered once on the relay's registry. Prometheus names are a contract:
 * <ul>
 *   <li>{@code otlp_relay_xray_segments_total{type}} — documents handed to the daemon, by {@code type}
 *       {@code segment} or {@code subsegment}; their sum equals {@code datagrams_total{result="sent"}};</li>
 *   <li>{@code otlp_relay_xray_datagrams_total{result}} — {@code sent} and {@code failed} partition every datagram
 *       the exporter tried to send; {@code truncated} counts, in addition, those that were shrunk to fit;</li>
 *   <li>{@code otlp_relay_xray_bytes_total} — payload bytes of sent datagrams, protocol header included;</li>
 *   <li>{@code otlp_relay_xray_spans_total{placement}} — spans in sent datagrams, by where each was placed:
 *       {@code document} heads a segment document, {@code independent} heads an independent subsegment document,
 *       {@code nested} is a subsegment inside another document. Their sum is the spans X-Ray was sent:
 *       {@code otlp_relay_exporter_sent_spans_total{exporter="xray"}}.</li>
 * </ul>
 * Spans that never become a sent datagram are counted in {@code otlp_relay_dropped_spans_total{exporter="xray"}}
 * by {@link RelayMetrics#droppedSpans}.
 */
public final class XrayMetrics {
    public static final String SEGMENT = "segment";
    public static final String SUBSEGMENT = "subsegment";

    private final Counter segments;
    private final Counter subsegments;
    private final Counter sent;
    private final Counter failed;
    private final Counter truncated;
    private final Counter bytes;
    private final Counter headsOfSegments;
    private final Counter headsOfSubsegments;
    private final Counter nested;

    public XrayMetrics(RelayMetrics metrics) {
        MeterRegistry registry = metrics.registry();
        segments = segments(registry, SEGMENT);
        subsegments = segments(registry, SUBSEGMENT);
        sent = datagrams(registry, "sent");
        failed = datagrams(registry, "failed");
        truncated = datagrams(registry, "truncated");
        // No base unit: Micrometer would append it ("..._bytes_bytes_total"); the name already says bytes.
        bytes = Counter.builder("otlp.relay.xray.bytes")
                .description("Payload bytes of datagrams sent to the X-Ray daemon, header included")
                .register(registry);
        headsOfSegments = spans(registry, "document");
        headsOfSubsegments = spans(registry, "independent");
        nested = spans(registry, "nested");
    }

    private static Counter spans(MeterRegistry registry, String placement) {
        return Counter.builder("otlp.relay.xray.spans").tag("placement", placement)
                .description("Spans sent to the X-Ray daemon, by placement: heading a segment document (document), "
                        + "heading an independent subsegment (independent), or nested in another document (nested)")
                .register(registry);
    }

    private static Counter segments(MeterRegistry registry, String type) {
        return Counter.builder("otlp.relay.xray.segments").tag("type", type)
                .description("X-Ray documents sent to the daemon, by segment type").register(registry);
    }

    private static Counter datagrams(MeterRegistry registry, String result) {
        return Counter.builder("otlp.relay.xray.datagrams").tag("result", result)
                .description("Datagrams to the X-Ray daemon: sent or failed; truncated ones counted in addition")
                .register(registry);
    }

    /** A document of the given type was sent, holding {@code spans} spans: its head and those nested in it. */
    public void sent(boolean segment, int datagramBytes, int spans) {
        (segment ? segments : subsegments).increment();
        (segment ? headsOfSegments : headsOfSubsegments).increment();
        if (spans > 1) {
            nested.increment(spans - 1);
        }
        sent.increment();
        bytes.increment(datagramBytes);
    }

    /** A datagram could not be handed to the network. */
    public void failed() {
        failed.increment();
    }

    /** A document had to be shrunk to fit in one datagram (counted whether or not its send then succeeds). */
    public void truncated() {
        truncated.increment();
    }
}
