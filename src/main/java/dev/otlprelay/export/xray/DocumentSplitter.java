package dev.otlprelay.export.xray;

import java.util.ArrayList;
import java.util.List;

/**
 * Keeps a document inside its bounds — one datagram ({@link DatagramEncoder#MAX_DATAGRAM_BYTES}), at most
 * {@code xray.max_subsegments_per_document} nested subsegments, nested at most {@link DatagramEncoder#MAX_DEPTH}
 * levels deep — by sending complete subtrees out as independent
 * subsegments, as the X-Ray Java SDK streams subsegments out of a segment that holds more than 100. Nothing is
 * dropped for being nested: a span that is too large even alone heads a datagram of its own, where the encoder's
 * size policy shrinks it as it would any single span.
 *
 * <p>Each span's document is measured once, as written nested; then, from the leaves up, a node whose subtree is
 * over a bound gives up its largest child subtree (by bytes when over the size, by spans when over the count, by
 * height when too deep) until
 * it is within both. A subtree given up keeps what it holds, which is already within the bounds, and becomes a head.
 * The sizes are exact for the documents and estimated for the few bytes around them (commas, the array's name, the
 * fields only a head writes), with {@link #HEAD_BYTES} to spare; {@link XrayExporter} checks the real size when it
 * encodes and splits further if a tree is still too large.
 *
 * <p>Runs only for trees over a bound, so its extra encoding (once per span) is not on the usual path.
 */
final class DocumentSplitter {
    /**
     * What a head writes that a nested document does not ({@code trace_id}, {@code parent_id}, {@code type}: about
     * 100 bytes) and the daemon's header line, with room to spare.
     */
    static final int HEAD_BYTES = 200;
    /** {@code ,"subsegments":[} and {@code ]}. */
    private static final int ARRAY_BYTES = 18;

    private final DatagramEncoder encoder;
    private final long budget;
    private final int maxNested;
    private final int maxHeight = DatagramEncoder.MAX_DEPTH;

    DocumentSplitter(DatagramEncoder encoder, int maxDatagramBytes, int maxNested) {
        this.encoder = encoder;
        this.budget = maxDatagramBytes - HEAD_BYTES;
        this.maxNested = maxNested;
    }

    /**
     * Detaches subtrees of {@code head} until every tree is within the bounds; returns {@code head} first, then the
     * detached heads.
     */
    List<DocumentNode> split(DocumentNode head) {
        List<DocumentNode> heads = new ArrayList<>();
        heads.add(head);
        for (DocumentNode node : head.childrenFirst()) {
            long bytes = encoder.measure(node.doc);
            int spans = 1;
            if (node.hasChildren()) {
                bytes += ARRAY_BYTES;
                for (DocumentNode child : node.children()) {
                    bytes += child.subtreeBytes + 1;
                    spans += child.subtreeSpans;
                }
            }
            while (node.hasChildren() && (bytes > budget || spans - 1 > maxNested || height(node) > maxHeight)) {
                DocumentNode largest = largest(node.children(), bytes > budget ? Bound.BYTES
                        : spans - 1 > maxNested ? Bound.SPANS : Bound.HEIGHT);
                node.detach(largest);
                heads.add(largest);
                bytes -= largest.subtreeBytes + 1;
                spans -= largest.subtreeSpans;
                if (!node.hasChildren()) {
                    bytes -= ARRAY_BYTES;
                }
            }
            node.subtreeBytes = bytes;
            node.subtreeSpans = spans;
            node.subtreeHeight = height(node);
        }
        return heads;
    }

    private enum Bound { BYTES, SPANS, HEIGHT }

    /** Levels of nesting below {@code node}: 0 for a leaf; from its children's heights, already known. */
    private static int height(DocumentNode node) {
        int h = 0;
        for (DocumentNode c : node.children()) {
            h = Math.max(h, c.subtreeHeight + 1);
        }
        return h;
    }

    private static DocumentNode largest(List<DocumentNode> children, Bound over) {
        DocumentNode largest = children.get(0);
        for (DocumentNode c : children) {
            boolean larger = switch (over) {
                case BYTES -> c.subtreeBytes > largest.subtreeBytes;
                case SPANS -> c.subtreeSpans > largest.subtreeSpans;
                case HEIGHT -> c.subtreeHeight > largest.subtreeHeight;
            };
            if (larger) {
                largest = c;
            }
        }
        return largest;
    }
}
