package dev.otlprelay.export.xray;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * One span's translated document and the documents nested in it: its children in the same trace and service that
 * arrived with it. A node without a parent node heads a datagram of its own — a segment, or an independent
 * subsegment that names its parent — and its subtree is written inside it, in {@code subsegments} arrays.
 *
 * <p>Mutable while {@link DocumentAssembler} links the nodes of a batch and {@link DocumentSplitter} detaches
 * subtrees that do not fit; then only read. Not thread-safe: one exporter thread owns a batch's nodes.
 */
final class DocumentNode {
    final SegmentDocument doc;
    /** The node this one is nested in; null for the head of a datagram. */
    DocumentNode parent;
    /** A node towards the head of this one's tree, for {@link DocumentAssembler}'s cycle check only. */
    DocumentNode tree;
    /** This subtree's estimated bytes, its spans and its levels below this node, for {@link DocumentSplitter} only. */
    long subtreeBytes;
    int subtreeSpans;
    int subtreeHeight;
    /** Nested documents, in the order their spans arrived; null while there are none (most spans are leaves). */
    private List<DocumentNode> children;

    DocumentNode(SegmentDocument doc) {
        this.doc = doc;
    }

    List<DocumentNode> children() {
        return children == null ? List.of() : children;
    }

    boolean hasChildren() {
        return children != null && !children.isEmpty();
    }

    void attach(DocumentNode child) {
        if (children == null) {
            children = new ArrayList<>(2);
        }
        children.add(child);
        child.parent = this;
    }

    /** Takes {@code child} out of this node: it then heads a datagram of its own, its subtree with it. */
    void detach(DocumentNode child) {
        children.remove(child);
        child.parent = null;
    }

    /** Spans in this node's subtree, itself included; without recursion, as a chain of spans may be long. */
    int spans() {
        if (!hasChildren()) {
            return 1;
        }
        int n = 0;
        ArrayDeque<DocumentNode> todo = new ArrayDeque<>();
        todo.push(this);
        while (!todo.isEmpty()) {
            DocumentNode at = todo.pop();
            n++;
            if (at.children != null) {
                at.children.forEach(todo::push);
            }
        }
        return n;
    }

    /** This node's subtree, every node after its children (post-order); without recursion. */
    List<DocumentNode> childrenFirst() {
        List<DocumentNode> out = new ArrayList<>();
        ArrayDeque<DocumentNode> todo = new ArrayDeque<>();
        todo.push(this);
        while (!todo.isEmpty()) {
            DocumentNode at = todo.pop();
            out.add(at);
            if (at.children != null) {
                at.children.forEach(todo::push);
            }
        }
        // Each node came before its children: reversed, each comes after them.
        Collections.reverse(out);
        return out;
    }
}
