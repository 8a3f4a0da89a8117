package dev.otlprelay.export.xray;

import com.google.protobuf.ByteString;
import dev.otlprelay.config.XrayConfig;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Translates the spans of one batch and places each: at the head of a datagram of its own, or nested in its parent's
 * document, as the X-Ray SDKs send a service's work — one segment with its subsegments inside it.
 *
 * <p>Within the batch, the spans of one trace and one service ({@code service.name}) form a group. A subsegment (a
 * client, producer or internal span with a parent) whose parent is in its group is nested under it; any other span
 * heads a datagram: segments (server and consumer spans, spans without a parent) and subsegments whose parent is
 * elsewhere (another request, a late span, another service), which are sent independent, naming their parent. A
 * span is placed exactly once: a parent that would make a cycle (ids that point at each other) is not followed,
 * and of two spans with one id the first is the parent its children nest under.
 *
 * <p>With {@link XrayConfig.Documents#PER_SPAN} every span heads its own datagram, as before nesting.
 *
 * <p>Not thread-safe: one exporter thread uses it.
 */
final class DocumentAssembler {
    /** The batch's documents, heads in the order their spans arrived, and the spans that could not be translated. */
    record Assembly(List<DocumentNode> heads, int untranslatable, RuntimeException firstError) {
    }

    private record GroupKey(ByteString traceId, String service) {
    }

    private final SegmentTranslator translator;
    private final XrayConfig.Documents placement;

    DocumentAssembler(SegmentTranslator translator, XrayConfig.Documents placement) {
        this.translator = translator;
        this.placement = placement;
    }

    Assembly assemble(ExportTraceServiceRequest request) {
        List<DocumentNode> nodes = new ArrayList<>();
        // The groups with more than one span, each a list of its nodes; a lone span needs no index.
        Map<GroupKey, List<DocumentNode>> groups = placement == XrayConfig.Documents.NESTED ? new HashMap<>() : null;
        int broken = 0;
        RuntimeException firstBroken = null;
        for (ResourceSpans rs : request.getResourceSpansList()) {
            ResourceView resource;
            try {
                resource = ResourceView.of(rs.getResource());
            } catch (RuntimeException e) {
                int spans = spansOf(rs);
                broken += spans;
                firstBroken = firstBroken == null && spans > 0 ? e : firstBroken;
                continue;
            }
            for (ScopeSpans ss : rs.getScopeSpansList()) {
                for (Span span : ss.getSpansList()) {
                    DocumentNode node;
                    try {
                        node = new DocumentNode(translator.translate(span, resource));
                    } catch (RuntimeException e) {
                        broken++;
                        firstBroken = firstBroken == null ? e : firstBroken;
                        continue;
                    }
                    nodes.add(node);
                    if (groups != null) {
                        groups.computeIfAbsent(new GroupKey(node.doc.traceId(), resource.serviceName()),
                                k -> new ArrayList<>(4)).add(node);
                    }
                }
            }
        }
        if (groups != null) {
            for (List<DocumentNode> group : groups.values()) {
                if (group.size() > 1) {
                    nest(group);
                }
            }
        }
        List<DocumentNode> heads = nodes;
        if (groups != null && groups.size() < nodes.size()) {
            heads = new ArrayList<>();
            for (DocumentNode n : nodes) {
                if (n.parent == null) {
                    heads.add(n);
                }
            }
        }
        return new Assembly(heads, broken, firstBroken);
    }

    /** Nests each subsegment of the group under its parent, when its parent is in the group. */
    private static void nest(List<DocumentNode> group) {
        Map<ByteString, DocumentNode> byId = new HashMap<>(group.size() * 2);
        for (DocumentNode n : group) {
            byId.putIfAbsent(n.doc.id(), n);
        }
        for (DocumentNode n : group) {
            if (n.doc.segment() || n.doc.parentId() == null) {
                continue;
            }
            DocumentNode parent = byId.get(n.doc.parentId());
            // n has no parent yet (each node is looked at once), so it heads its tree: the parent's tree is n's own
            // exactly when nesting n there would close a cycle.
            if (parent != null && treeOf(parent) != n) {
                parent.attach(n);
                n.tree = parent;
            }
        }
    }

    /**
     * The head of the tree {@code node} is in so far, through {@link DocumentNode#tree} links shortened as they are
     * followed (path halving), so that a long chain of spans costs about one step per span rather than its depth.
     */
    private static DocumentNode treeOf(DocumentNode node) {
        DocumentNode at = node;
        while (at.tree != null) {
            if (at.tree.tree != null) {
                at.tree = at.tree.tree;
            }
            at = at.tree;
        }
        return at;
    }

    private static int spansOf(ResourceSpans rs) {
        int n = 0;
        for (ScopeSpans ss : rs.getScopeSpansList()) {
            n += ss.getSpansCount();
        }
        return n;
    }
}
