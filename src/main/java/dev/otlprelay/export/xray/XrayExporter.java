package dev.otlprelay.export.xray;

import dev.otlprelay.config.XrayConfig;
import dev.otlprelay.export.Exporter;
import dev.otlprelay.pipeline.Batch;
import dev.otlprelay.pipeline.DropReason;
import dev.otlprelay.pipeline.TraceBatch;
import dev.otlprelay.telemetry.RelayMetrics;
import dev.otlprelay.telemetry.XrayMetrics;
import io.micrometer.core.instrument.Counter;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.nio.ByteBuffer;
import java.util.logging.Logger;

/**
 * Sends traces to AWS X-Ray through the daemon: one span, one document, one UDP datagram. Metrics and logs are
 * not X-Ray's business and are ignored.
 *
 * <p>Every span of a batch is counted exactly once: sent ({@code otlp_relay_xray_datagrams_total{result="sent"}}),
 * or failed ({@code {result="failed"}} and {@code otlp_relay_dropped_spans_total{exporter="xray",
 * reason="send_failed"}}), or not sent because it cannot fit in a datagram ({@code reason="too_large"}) or could
 * not be translated ({@code reason="export_failed"}). {@link #export} returns the number dropped, so that the
 * queue counts only the others in {@code otlp_relay_exporter_sent_spans_total{exporter="xray"}}. Nothing is thrown
 * for single spans: a daemon that is down must not make the relay retry or stop.
 *
 * <p>Not thread-safe: {@link dev.otlprelay.export.ExportQueue} calls it from the destination's one thread.
 */
public final class XrayExporter implements Exporter {
    private static final Logger LOG = Logger.getLogger(XrayExporter.class.getName());
    static final String NAME = "xray";

    private final SegmentTranslator translator;
    private final DatagramEncoder encoder;
    private final DatagramSender sender;
    private final XrayMetrics xray;
    private final Counter sendFailed;
    private final Counter tooLarge;
    private final Counter untranslatable;

    public XrayExporter(XrayConfig config, RelayMetrics metrics) {
        this(config, metrics, new UdpEmitter(config.daemonAddress(), Pacer.perSecond(config.maxDatagramsPerSecond())),
                DatagramEncoder.MAX_DATAGRAM_BYTES);
    }

    XrayExporter(XrayConfig config, RelayMetrics metrics, DatagramSender sender, int maxDatagramBytes) {
        this.translator = new SegmentTranslator(new Annotations(config.indexedAttributes(),
                config.indexAllAttributes(), config.annotateSampling()));
        this.encoder = new DatagramEncoder(maxDatagramBytes);
        this.sender = sender;
        this.xray = new XrayMetrics(metrics);
        this.sendFailed = metrics.droppedSpans(NAME, DropReason.SEND_FAILED.tag());
        this.tooLarge = metrics.droppedSpans(NAME, DropReason.TOO_LARGE.tag());
        this.untranslatable = metrics.droppedSpans(NAME, DropReason.EXPORT_FAILED.tag());
    }

    @Override
    public String name() {
        return NAME;
    }

    /**
     * A batch that will wait is held as the bytes it arrived as, when it has them, and decoded again when its turn
     * comes: X-Ray falls behind at full speed (one datagram per span), and its queue bound counts protobuf bytes, so
     * decoded batches would take several times {@code xray.queue_bytes} of heap. Batches rebuilt by sampling have no
     * such bytes and wait decoded.
     */
    @Override
    public Batch toHold(Batch batch) {
        return batch instanceof TraceBatch traces ? traces.bytesOnly() : batch;
    }

    /**
     * Sends every span of the batch and returns how many were dropped (failed, too large or untranslatable). Those
     * are counted here, by reason, once the batch is done: {@link dev.otlprelay.export.ExportQueue} then counts
     * only the rest as sent, and a batch cut short by an unexpected throw is counted by the queue alone.
     */
    @Override
    public int export(Batch batch) {
        if (!(batch instanceof TraceBatch traces)) {
            return 0;
        }
        int large = 0;
        int broken = 0;
        int failed = 0;
        RuntimeException firstBroken = null;
        for (ResourceSpans rs : traces.request().getResourceSpansList()) {
            ResourceView resource = ResourceView.of(rs.getResource());
            for (ScopeSpans ss : rs.getScopeSpansList()) {
                for (Span span : ss.getSpansList()) {
                    SegmentDocument doc;
                    DatagramEncoder.Fit fit;
                    try {
                        doc = translator.translate(span, resource);
                        fit = encoder.encode(doc);
                    } catch (RuntimeException e) {
                        broken++;
                        firstBroken = firstBroken == null ? e : firstBroken;
                        continue;
                    }
                    if (fit == DatagramEncoder.Fit.TOO_LARGE) {
                        large++;
                        continue;
                    }
                    if (fit == DatagramEncoder.Fit.TRUNCATED) {
                        xray.truncated();
                    }
                    ByteBuffer datagram = encoder.datagram();
                    int bytes = datagram.remaining();
                    if (sender.send(datagram)) {
                        xray.sent(doc.segment(), bytes);
                    } else {
                        xray.failed();
                        failed++;
                    }
                }
            }
        }
        sendFailed.increment(failed);
        tooLarge.increment(large);
        untranslatable.increment(broken);
        if (large > 0) {
            LOG.warning("xray: " + large + " spans of a batch do not fit in one datagram even shrunk; not sent");
        }
        if (broken > 0) {
            LOG.warning("xray: " + broken + " spans of a batch could not be translated; first: " + firstBroken);
        }
        return failed + large + broken;
    }

    @Override
    public void close() {
        sender.close();
    }
}
