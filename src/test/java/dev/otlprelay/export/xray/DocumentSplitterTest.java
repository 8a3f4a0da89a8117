package dev.otlprelay.export.xray;

import static dev.otlprelay.export.xray.XraySpans.str;
import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.Span.SpanKind;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Trees kept within their bounds by detaching whole subtrees: which subtree goes for each bound, that a tree
 * exactly at a bound stays whole, and that every span is in exactly one tree afterwards.
 */
class DocumentSplitterTest {
    private final SegmentTranslator translator = new SegmentTranslator(new Annotations(List.of(), false, false));
    private final ResourceView resource = ResourceView.of(XraySpans.flask());
    private final DatagramEncoder encoder = new DatagramEncoder(DatagramEncoder.MAX_DATAGRAM_BYTES);
    private int ids;

    private DocumentNode node(String name, KeyValue... attributes) {
        String id = String.format("%016x", ++ids);
        return new DocumentNode(translator.translate(XraySpans.span(name, SpanKind.SPAN_KIND_INTERNAL, id,
                XraySpans.ROOT, attributes).build(), resource));
    }

    private DocumentNode tree(String name, DocumentNode... children) {
        DocumentNode n = node(name);
        for (DocumentNode c : children) {
            n.attach(c);
        }
        return n;
    }

    private static List<String> names(List<DocumentNode> heads) {
        return heads.stream().map(h -> h.doc.name()).toList();
    }

    /** Every span once across the trees, and no tree over maxNested nested spans or MAX_DEPTH levels. */
    private static void eachSpanOnceWithin(List<DocumentNode> heads, int spans, int maxNested) {
        Set<DocumentNode> seen = new HashSet<>();
        for (DocumentNode head : heads) {
            assertThat(head.parent).isNull();
            assertThat(head.spans() - 1).isLessThanOrEqualTo(maxNested);
            assertThat(depth(head)).isLessThanOrEqualTo(DatagramEncoder.MAX_DEPTH);
            for (DocumentNode n : head.childrenFirst()) {
                assertThat(seen.add(n)).as("a span in two trees").isTrue();
            }
        }
        assertThat(seen).hasSize(spans);
    }

    private static int depth(DocumentNode head) {
        int deepest = 0;
        List<DocumentNode> level = List.of(head);
        while (true) {
            List<DocumentNode> next = new ArrayList<>();
            level.forEach(n -> next.addAll(n.children()));
            if (next.isEmpty()) {
                return deepest;
            }
            deepest++;
            level = next;
        }
    }

    @Test
    void aTreeWithinEveryBoundIsLeftWhole() {
        DocumentNode head = tree("root", tree("a", node("a1")), node("b"));

        List<DocumentNode> heads = new DocumentSplitter(encoder, DatagramEncoder.MAX_DATAGRAM_BYTES, 3).split(head);

        assertThat(heads).containsExactly(head);
        assertThat(head.subtreeSpans).isEqualTo(4);
        assertThat(head.subtreeHeight).isEqualTo(2);
        assertThat(head.children()).hasSize(2);
    }

    @Test
    void aTreeOverTheCountGivesUpItsLargestSubtreeBySpans() {
        DocumentNode a = tree("a", node("a1"), node("a2"), node("a3"));
        DocumentNode head = tree("root", node("x"), a, node("b"));

        List<DocumentNode> heads = new DocumentSplitter(encoder, DatagramEncoder.MAX_DATAGRAM_BYTES, 4).split(head);

        assertThat(names(heads)).containsExactly("root", "a");
        assertThat(head.children()).extracting(n -> n.doc.name()).containsExactly("x", "b");
        assertThat(a.children()).as("a subtree given up keeps what it holds").hasSize(3);
        assertThat(head.subtreeSpans).isEqualTo(3);
        eachSpanOnceWithin(heads, 7, 4);
    }

    @Test
    void aTreeExactlyAtTheCountIsLeftWholeAndOneMoreDetachesOne() {
        DocumentNode head = tree("root", node("c0"), node("c1"), node("c2"));
        assertThat(new DocumentSplitter(encoder, DatagramEncoder.MAX_DATAGRAM_BYTES, 3).split(head))
                .containsExactly(head);

        DocumentNode over = tree("root", node("c0"), node("c1"), node("c2"), node("c3"));
        List<DocumentNode> heads = new DocumentSplitter(encoder, DatagramEncoder.MAX_DATAGRAM_BYTES, 3).split(over);
        assertThat(names(heads)).as("equal subtrees: the first goes").containsExactly("root", "c0");
        eachSpanOnceWithin(heads, 5, 3);
    }

    @Test
    void aTreeOverTheSizeGivesUpItsLargestSubtreeByBytes() {
        String big = "z".repeat(3_000);
        DocumentNode heavy = node("heavy", str("app.blob", big));
        DocumentNode head = tree("root", node("light-1"), heavy, node("light-2"));
        long whole = encoder.measure(head.doc) + encoder.measure(heavy.doc) + 2 * encoder.measure(node("l").doc)
                + 18 + 3;
        // A datagram that holds everything but the heavy child, with the head's allowance.
        int datagram = (int) (whole - 1000 + DocumentSplitter.HEAD_BYTES);

        List<DocumentNode> heads = new DocumentSplitter(encoder, datagram, 100).split(head);

        assertThat(names(heads)).containsExactly("root", "heavy");
        assertThat(head.children()).extracting(n -> n.doc.name()).containsExactly("light-1", "light-2");
        assertThat(head.subtreeBytes).isLessThanOrEqualTo(datagram - DocumentSplitter.HEAD_BYTES);
        eachSpanOnceWithin(heads, 4, 100);
    }

    @Test
    void aTreeThatFitsTheSizeExactlyIsLeftWhole() {
        DocumentNode head = tree("root", node("c0"), node("c1"));
        DocumentSplitter measuring = new DocumentSplitter(encoder, DatagramEncoder.MAX_DATAGRAM_BYTES, 100);
        measuring.split(head);
        long bytes = head.subtreeBytes;

        DocumentNode again = tree("root", node("c0"), node("c1"));
        int exact = (int) bytes + DocumentSplitter.HEAD_BYTES;
        assertThat(new DocumentSplitter(encoder, exact, 100).split(again)).containsExactly(again);
        assertThat(again.subtreeBytes).isEqualTo(bytes);

        DocumentNode tight = tree("root", node("c0"), node("c1"));
        assertThat(new DocumentSplitter(encoder, exact - 1, 100).split(tight)).hasSize(2);
    }

    @Test
    void aChainDeeperThanTheDepthLimitIsCutIntoTreesWithinIt() {
        int length = DatagramEncoder.MAX_DEPTH + 10;
        DocumentNode head = node("n0");
        DocumentNode at = head;
        for (int i = 1; i < length; i++) {
            DocumentNode next = node("n" + i);
            at.attach(next);
            at = next;
        }

        List<DocumentNode> heads = new DocumentSplitter(encoder, DatagramEncoder.MAX_DATAGRAM_BYTES, 1000).split(head);

        assertThat(heads).hasSize(2);
        // Cut from the leaves up: the deepest 65 spans are one tree, as deep as allowed; the rest stay with the head.
        assertThat(depth(heads.get(1))).isEqualTo(DatagramEncoder.MAX_DEPTH);
        assertThat(depth(heads.get(0))).isEqualTo(length - DatagramEncoder.MAX_DEPTH - 2);
        eachSpanOnceWithin(heads, length, 1000);
    }

    @Test
    void aChainExactlyAtTheDepthLimitIsLeftWhole() {
        DocumentNode head = node("n0");
        DocumentNode at = head;
        for (int i = 1; i <= DatagramEncoder.MAX_DEPTH; i++) {
            DocumentNode next = node("n" + i);
            at.attach(next);
            at = next;
        }
        assertThat(new DocumentSplitter(encoder, DatagramEncoder.MAX_DATAGRAM_BYTES, 1000).split(head))
                .containsExactly(head);
        assertThat(head.subtreeHeight).isEqualTo(DatagramEncoder.MAX_DEPTH);
    }

    @Test
    void aTooDeepBranchGoesBeforeAShallowOne() {
        DocumentNode deep = node("deep");
        DocumentNode at = deep;
        for (int i = 0; i < DatagramEncoder.MAX_DEPTH; i++) {
            DocumentNode next = node("d" + i);
            at.attach(next);
            at = next;
        }
        DocumentNode head = tree("root", node("shallow"), deep);

        List<DocumentNode> heads = new DocumentSplitter(encoder, DatagramEncoder.MAX_DATAGRAM_BYTES, 1000).split(head);

        assertThat(names(heads)).containsExactly("root", "deep");
        assertThat(head.children()).extracting(n -> n.doc.name()).containsExactly("shallow");
    }

    @Test
    void aSpanTooLargeAloneStaysAHeadWithoutChildren() {
        DocumentNode alone = node("alone", str("app.blob", "z".repeat(5_000)));
        assertThat(new DocumentSplitter(encoder, 1_000, 10).split(alone)).containsExactly(alone);
    }

    /** What a head's real datagram holds beyond the splitter's count for its tree: header and head-only fields. */
    private static long slack(DocumentNode head) {
        DatagramEncoder real = new DatagramEncoder(DatagramEncoder.MAX_DATAGRAM_BYTES);
        assertThat(real.encodeTree(head)).isTrue();
        return real.datagram().remaining() - head.subtreeBytes;
    }

    @Test
    void theCountedBytesOfANestedTreeMatchItsRealEncoding() {
        DocumentNode single = node("root");
        new DocumentSplitter(encoder, DatagramEncoder.MAX_DATAGRAM_BYTES, 100).split(single);
        long alone = slack(single);

        DocumentNode head = tree("root", tree("a", node("a1"), tree("a2", node("a21"))), node("b"),
                tree("c", node("c1")));
        new DocumentSplitter(encoder, DatagramEncoder.MAX_DATAGRAM_BYTES, 100).split(head);

        assertThat(alone).as("head-only fields and the header, within the allowance")
                .isBetween(0L, (long) DocumentSplitter.HEAD_BYTES);
        assertThat(slack(head)).as("nested bytes counted as written, over by at most 2 per array, never under")
                .isBetween(alone - 2 * 4, alone);
    }

    @Test
    void theCountAfterGivingUpASubtreeStillMatchesTheRealEncoding() {
        DocumentNode single = node("root");
        new DocumentSplitter(encoder, DatagramEncoder.MAX_DATAGRAM_BYTES, 100).split(single);
        long alone = slack(single);
        DocumentNode heavy = tree("heavy", node("h1", str("app.blob", "z".repeat(3_000))));
        DocumentNode lone = tree("lone", node("l1", str("app.blob", "y".repeat(2_000))));
        DocumentNode head = tree("root", tree("light", node("x")), heavy, lone);

        List<DocumentNode> heads = new DocumentSplitter(encoder, 3_600 + DocumentSplitter.HEAD_BYTES, 100)
                .split(head);

        assertThat(names(heads)).containsExactly("root", "heavy");
        assertThat(head.children()).extracting(n -> n.doc.name()).containsExactly("light", "lone");
        assertThat(slack(head)).isBetween(alone - 2 * 3, alone);

        DocumentNode bare = tree("root", node("big", str("app.blob", "z".repeat(3_000))));
        List<DocumentNode> all = new DocumentSplitter(encoder, 1_500 + DocumentSplitter.HEAD_BYTES, 100)
                .split(bare);
        assertThat(all).as("its only child given up").hasSize(2);
        assertThat(slack(bare)).as("no array left to count").isEqualTo(alone);
    }

    @Test
    void overTheCountTheLargestBySpansGoesNotTheDeepest() {
        DocumentNode deep = tree("deep", tree("d1", tree("d2", node("d3"))));
        DocumentNode wide = tree("wide", node("w1"), node("w2"), node("w3"), node("w4"), node("w5"));
        DocumentNode head = tree("root", deep, wide);

        List<DocumentNode> heads = new DocumentSplitter(encoder, DatagramEncoder.MAX_DATAGRAM_BYTES, 6).split(head);

        assertThat(names(heads)).containsExactly("root", "wide");
        eachSpanOnceWithin(heads, 11, 6);
    }

    @Test
    void overTheSizeEqualSubtreesGiveUpTheFirst() {
        DocumentNode head = tree("root", node("c0"), node("c1"), node("c2"));
        DocumentSplitter measuring = new DocumentSplitter(encoder, DatagramEncoder.MAX_DATAGRAM_BYTES, 100);
        measuring.split(head);
        int tight = (int) head.subtreeBytes + DocumentSplitter.HEAD_BYTES - 1;

        DocumentNode again = tree("root", node("c0"), node("c1"), node("c2"));
        List<DocumentNode> heads = new DocumentSplitter(encoder, tight, 100).split(again);

        assertThat(names(heads)).containsExactly("root", "c0");
    }

    @Test
    void tooDeepEqualBranchesGiveUpTheFirst() {
        DocumentNode head = node("root");
        for (String branch : List.of("p", "q")) {
            DocumentNode top = node(branch);
            DocumentNode at = top;
            for (int i = 0; i < DatagramEncoder.MAX_DEPTH; i++) {
                DocumentNode next = node(branch + i);
                at.attach(next);
                at = next;
            }
            head.attach(top);
        }

        List<DocumentNode> heads = new DocumentSplitter(encoder, DatagramEncoder.MAX_DATAGRAM_BYTES, 1000).split(head);

        assertThat(names(heads)).as("both must go; the first first").containsExactly("root", "p", "q");
    }
}
