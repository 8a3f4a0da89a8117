package dev.otlprelay.export.xray;

import dev.otlprelay.config.XrayConfig;
import dev.otlprelay.export.Exporter;
import dev.otlprelay.pipeline.Batch;
import dev.otlprelay.pipeline.DropReason;
import dev.otlprelay.pipeline.TraceBatch;
import dev.otlprelay.telemetry.RelayMetrics;
import dev.otlprelay.telemetry.XrayMetrics;
import dev.otlprelay.transport.SocketTransport;
import io.micrometer.core.instrument.Counter;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.logging.Logger;

/**
 * Sends traces to AWS X-Ray through the daemon, one document per UDP datagram. By default ({@code xray.documents:
 * nested}) a document is what the X-Ray SDKs send: a service's segment with the subsegments that came with it nested
 * inside ({@link DocumentAssembler}), split where it would exceed a datagram or {@code
 * xray.max_subsegments_per_document} ({@link DocumentSplitter}); with {@code per_span}, one document per span.
 * Metrics and logs are not X-Ray's business and are ignored.
 *
 * <p>Every span of a batch is counted exactly once: sent, in a datagram handed to the network
 * ({@code otlp_relay_xray_spans_total{placement}}), or dropped with a reason: in a datagram that failed
 * ({@code send_failed}; the datagram in {@code otlp_relay_xray_datagrams_total{result="failed"}}), too large for a
 * datagram even shrunk and alone ({@code too_large}), or not translatable ({@code export_failed}). {@link #export}
 * returns the number dropped, so that the queue counts only the others in
 * {@code otlp_relay_exporter_sent_spans_total{exporter="xray"}}. Nothing is thrown for single spans: a daemon that is
 * down must not make the relay retry or stop.
 *
 * <p>Not thread-safe: {@link dev.otlprelay.export.ExportQueue} calls it from the destination's one thread.
 */
public final class XrayExporter implements Exporter {
    private static final Logger LOG = Logger.getLogger(XrayExporter.class.getName());
    static final String NAME = "xray";

    private final DocumentAssembler assembler;
    private final DatagramEncoder encoder;
    private final DocumentSplitter splitter;
    private final int maxNested;
    private final DatagramSender sender;
    private final XrayMetrics xray;
    private final Counter sendFailed;
    private final Counter tooLarge;
    private final Counter untranslatable;
    /** What each datagram of the batch being sent holds, in the order given to the sender. */
    private final Outgoing outgoing = new Outgoing();
    /** Spans of the batch being sent that do not fit in a datagram even alone and shrunk. */
    private int tooLargeSpans;

    /** The exporter as the relay runs it: datagrams to {@code config.daemonAddress()} on {@code transport}. */
    public XrayExporter(XrayConfig config, RelayMetrics metrics, SocketTransport transport) {
        this(config, metrics, new UdpEmitter(config.daemonAddress(), Pacer.perSecond(config.maxDatagramsPerSecond()),
                System::nanoTime, transport), DatagramEncoder.MAX_DATAGRAM_BYTES);
    }

    XrayExporter(XrayConfig config, RelayMetrics metrics, DatagramSender sender, int maxDatagramBytes) {
        this.assembler = new DocumentAssembler(new SegmentTranslator(new Annotations(config.indexedAttributes(),
                config.indexAllAttributes(), config.annotateSampling())), config.documents());
        this.encoder = new DatagramEncoder(maxDatagramBytes);
        this.maxNested = config.maxSubsegmentsPerDocument();
        this.splitter = new DocumentSplitter(encoder, maxDatagramBytes, maxNested);
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
     * comes: X-Ray can fall behind at full speed, and its queue bound counts protobuf bytes, so decoded batches would
     * take several times {@code xray.queue_bytes} of heap. Batches rebuilt by sampling have no such bytes and wait
     * decoded.
     */
    /** Traces only: metrics and logs are not X-Ray's, and must not take room in its queue. */
    @Override
    public boolean takes(Batch batch) {
        return batch instanceof TraceBatch;
    }

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
        DocumentAssembler.Assembly assembly = assembler.assemble(traces.request());
        int broken = assembly.untranslatable();
        RuntimeException firstBroken = assembly.firstError();
        tooLargeSpans = 0;
        outgoing.clear();
        for (DocumentNode head : assembly.heads()) {
            int spans = head.spans();
            int givenBefore = outgoing.spans();
            int largeBefore = tooLargeSpans;
            try {
                place(head);
            } catch (RuntimeException e) {
                // What of this tree was neither given to the sender nor found too large is lost: counted, not thrown.
                broken += spans - (outgoing.spans() - givenBefore) - (tooLargeSpans - largeBefore);
                firstBroken = firstBroken == null ? e : firstBroken;
            }
        }
        int large = tooLargeSpans;
        int failed = settle(sender.flush());
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

    /**
     * Encodes the tree headed by {@code head} into as few datagrams as its bounds allow and gives them to the
     * sender; counts in {@link #tooLargeSpans} those that do not fit even alone.
     */
    private void place(DocumentNode head) {
        ArrayDeque<DocumentNode> work = new ArrayDeque<>(1);
        work.add(head);
        for (DocumentNode h = work.poll(); h != null; h = work.poll()) {
            if (!h.hasChildren()) {
                sendAlone(h.doc);
                continue;
            }
            int spans = h.spans();
            // The count bound first: it also bounds how deep encodeTree recurses.
            if (spans - 1 <= maxNested && encoder.encodeTree(h)) {
                give(h.doc.segment(), spans);
                continue;
            }
            List<DocumentNode> heads = splitter.split(h);
            if (heads.size() == 1) {
                // Within the bounds by the estimate, yet not in fact: nothing stays nested under this one.
                for (DocumentNode child : List.copyOf(h.children())) {
                    h.detach(child);
                    work.add(child);
                }
            } else {
                work.addAll(heads.subList(1, heads.size()));
            }
            work.addFirst(h);
        }
    }

    /** Sends one span's document, shrunk to fit if it must, or counts it in {@link #tooLargeSpans}. */
    private void sendAlone(SegmentDocument doc) {
        DatagramEncoder.Fit fit = encoder.encode(doc);
        if (fit == DatagramEncoder.Fit.TOO_LARGE) {
            tooLargeSpans++;
            return;
        }
        if (fit == DatagramEncoder.Fit.TRUNCATED) {
            xray.truncated();
        }
        give(doc.segment(), 1);
    }

    private void give(boolean segment, int spans) {
        ByteBuffer datagram = encoder.datagram();
        outgoing.add(segment, spans, datagram.remaining());
        sender.send(datagram);
    }

    /** Counts every datagram given since the last settle as sent or failed; returns the spans of the failed. */
    private int settle(BitSet failures) {
        int failedSpans = 0;
        for (int i = 0; i < outgoing.count; i++) {
            int spans = outgoing.spans[i];
            if (failures.get(i)) {
                xray.failed();
                failedSpans += spans;
            } else {
                xray.sent(outgoing.segment[i], outgoing.bytes[i], spans);
            }
        }
        outgoing.clear();
        return failedSpans;
    }

    @Override
    public void close() {
        sender.close();
    }

    /** The datagrams of one batch: their heads' type, spans and bytes, by their number in the sender's order. */
    private static final class Outgoing {
        boolean[] segment = new boolean[64];
        int[] spans = new int[64];
        int[] bytes = new int[64];
        int count;
        /** Spans in the datagrams given so far. */
        private int spanTotal;

        void add(boolean isSegment, int spanCount, int byteCount) {
            if (count == spans.length) {
                segment = Arrays.copyOf(segment, count * 2);
                spans = Arrays.copyOf(spans, count * 2);
                bytes = Arrays.copyOf(bytes, count * 2);
            }
            segment[count] = isSegment;
            spans[count] = spanCount;
            bytes[count] = byteCount;
            count++;
            spanTotal += spanCount;
        }

        int spans() {
            return spanTotal;
        }

        void clear() {
            count = 0;
            spanTotal = 0;
        }
    }
}
