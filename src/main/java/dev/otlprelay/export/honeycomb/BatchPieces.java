package dev.otlprelay.export.honeycomb;

import com.google.protobuf.ByteString;
import dev.otlprelay.pipeline.TraceWire;
import io.micrometer.core.instrument.Counter;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.util.ArrayList;
import java.util.List;

/**
 * Honeycomb's limits and a batch's size applied to a request before it is queued: each ResourceSpans becomes one
 * or more {@link Piece}s, its long strings truncated and its oversized events dropped ({@link HoneycombLimits}),
 * split by scope and span when it alone would not fit a batch. Pure work on the caller's thread: none of it is
 * done under the destination's lock.
 */
final class BatchPieces {
    private final int maxSpans;
    private final long maxBytes;
    private final Counter truncatedValues;
    /** Counts one span dropped because an event of it is over Honeycomb's limit. */
    private final Runnable eventTooLarge;

    BatchPieces(int maxSpans, long maxBytes, Counter truncatedValues, Runnable eventTooLarge) {
        this.maxSpans = maxSpans;
        this.maxBytes = maxBytes;
        this.truncatedValues = truncatedValues;
        this.eventTooLarge = eventTooLarge;
    }

    /** One ResourceSpans as it will be queued: its encoding and how many spans it holds. */
    record Piece(ByteString bytes, int spans) {
    }

    /**
     * A request's spans as the pieces the queue takes: each ResourceSpans within Honeycomb's limits and a batch's
     * size. One that the limits leave unchanged is the bytes it was received in ({@code encoded}, when the batch
     * has them); others are encoded here. Needs no lock: the work per span stays out of the queue's critical
     * section.
     */
    List<Piece> of(ExportTraceServiceRequest request, ByteString encoded) {
        List<ByteString> received = encoded == null ? null
                : TraceWire.resourceSpans(encoded, request.getResourceSpansCount());
        List<Piece> pieces = new ArrayList<>(request.getResourceSpansCount());
        for (int i = 0; i < request.getResourceSpansCount(); i++) {
            ResourceSpans rs = request.getResourceSpans(i);
            // No part shorter than the string limit can hold a value over it: skip the span-by-span check.
            int largest = received == null ? -1 : TraceWire.largestPart(received.get(i));
            ResourceSpans checked = largest >= 0 && largest <= HoneycombLimits.MAX_STRING_BYTES ? rs
                    : withinLimits(rs);
            if (checked == null) {
                continue;
            }
            ByteString bytes = checked == rs && received != null ? received.get(i) : checked.toByteString();
            int spans = countSpans(checked);
            if (spans > maxSpans || bytes.size() > maxBytes) {
                for (ResourceSpans piece : split(checked)) {
                    pieces.add(new Piece(piece.toByteString(), countSpans(piece)));
                }
            } else {
                pieces.add(new Piece(bytes, spans));
            }
        }
        return pieces;
    }

    /** Splits one oversized ResourceSpans into pieces that each fit a batch. */
    private List<ResourceSpans> split(ResourceSpans rs) {
        List<ResourceSpans> pieces = new ArrayList<>();
        long overhead = rs.getResource().getSerializedSize() + 16;
        for (ScopeSpans ss : rs.getScopeSpansList()) {
            ScopeSpans.Builder cur = ss.toBuilder().clearSpans();
            long curBytes = overhead + ss.getScope().getSerializedSize();
            for (Span span : ss.getSpansList()) {
                long s = span.getSerializedSize() + 8;
                if (cur.getSpansCount() > 0 && (cur.getSpansCount() + 1 > maxSpans
                        || curBytes + s > maxBytes)) {
                    pieces.add(rs.toBuilder().clearScopeSpans().addScopeSpans(cur).build());
                    cur = ss.toBuilder().clearSpans();
                    curBytes = overhead + ss.getScope().getSerializedSize();
                }
                cur.addSpans(span);
                curBytes += s;
            }
            if (cur.getSpansCount() > 0) {
                pieces.add(rs.toBuilder().clearScopeSpans().addScopeSpans(cur).build());
            }
        }
        return pieces;
    }

    /**
     * Applies Honeycomb's limits to every span of a ResourceSpans: long strings truncated (counted), events over
     * 1 MB dropped (counted). Returns the input itself when nothing needed changing.
     */
    private ResourceSpans withinLimits(ResourceSpans rs) {
        boolean changed = false;
        int[] resourceTruncated = {0};
        Resource resource = rs.getResource();
        if (resource.getSerializedSize() > HoneycombLimits.MAX_STRING_BYTES) {
            Resource.Builder rb = resource.toBuilder();
            HoneycombLimits.truncateAll(rb.getAttributesBuilderList(), resourceTruncated);
            if (resourceTruncated[0] > 0) {
                truncatedValues.increment(resourceTruncated[0]);
                resource = rb.build();
                changed = true;
            }
        }
        List<ScopeSpans> scopes = new ArrayList<>(rs.getScopeSpansCount());
        for (ScopeSpans ss : rs.getScopeSpansList()) {
            ScopeSpans.Builder sb = null;
            for (int i = 0; i < ss.getSpansCount(); i++) {
                Span span = ss.getSpans(i);
                HoneycombLimits.Checked c = HoneycombLimits.check(span);
                if (c.truncatedValues() > 0) {
                    truncatedValues.increment(c.truncatedValues());
                }
                if (c.span() == span) {
                    if (sb != null) {
                        sb.addSpans(span);
                    }
                    continue;
                }
                if (sb == null) {
                    sb = ss.toBuilder().clearSpans();
                    for (int j = 0; j < i; j++) {
                        sb.addSpans(ss.getSpans(j));
                    }
                }
                if (c.span() == null) {
                    eventTooLarge.run();
                } else {
                    sb.addSpans(c.span());
                }
            }
            if (sb == null) {
                scopes.add(ss);
            } else {
                changed = true;
                if (sb.getSpansCount() > 0) {
                    scopes.add(sb.build());
                }
            }
        }
        if (!changed) {
            return rs;
        }
        if (scopes.isEmpty()) {
            return null;
        }
        return rs.toBuilder().setResource(resource).clearScopeSpans().addAllScopeSpans(scopes).build();
    }

    static int countSpans(ResourceSpans rs) {
        int n = 0;
        for (ScopeSpans ss : rs.getScopeSpansList()) {
            n += ss.getSpansCount();
        }
        return n;
    }
}
