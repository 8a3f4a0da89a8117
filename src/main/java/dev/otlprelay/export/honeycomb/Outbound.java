package dev.otlprelay.export.honeycomb;

import com.google.protobuf.ByteString;
import dev.otlprelay.pipeline.PassthroughBatch;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * One request to Honeycomb as it waits, is sent and retried: either a batch of spans for {@code /v1/traces}
 * (kept as encoded ResourceSpans, see {@link EncodedResourceSpans}; a 413 decodes them again to split the batch)
 * or a metrics/logs body forwarded as the receiver handed it on (protobuf).
 */
final class Outbound {
    final Tenant tenant;
    final String path;
    final String contentType;
    /** For traces: the batch, each ResourceSpans encoded; null for forwarded metrics/logs. */
    final List<ByteString> resourceSpans;
    /**
     * The spool records this request carries pieces of: for traces one entry per ResourceSpans (same index; the
     * same ref may repeat), for a forwarded body one entry; entries are null when the spool is off.
     */
    final List<SpoolRef> refs;
    /** For metrics/logs: the body to send. */
    final byte[] rawBody;
    /** For metrics/logs: which, and how many data points or log records the body holds; null and 0 for traces. */
    final PassthroughBatch.Signal signal;
    final int items;
    final int spanCount;
    /** Uncompressed bytes this request holds against the queue capacity. */
    final long bytes;
    final long firstEnqueuedNanos;
    int failedAttempts;
    long firstAttemptNanos;
    long dueNanos;
    private byte[] encoded;
    private boolean encodedGzip;

    private Outbound(Tenant tenant, String path, String contentType, List<ByteString> resourceSpans,
                     List<SpoolRef> refs, byte[] rawBody, PassthroughBatch.Signal signal, int items, int spanCount,
                     long bytes, long firstEnqueuedNanos) {
        this.signal = signal;
        this.items = items;
        this.tenant = tenant;
        this.path = path;
        this.contentType = contentType;
        this.resourceSpans = resourceSpans;
        this.refs = refs;
        this.rawBody = rawBody;
        this.spanCount = spanCount;
        this.bytes = bytes;
        this.firstEnqueuedNanos = firstEnqueuedNanos;
    }

    static Outbound traces(Tenant tenant, List<ByteString> resourceSpans, List<SpoolRef> refs, int spanCount,
                           long bytes, long firstEnqueuedNanos) {
        return new Outbound(tenant, "/v1/traces", "application/x-protobuf", List.copyOf(resourceSpans),
                Collections.unmodifiableList(new ArrayList<>(refs)), null, null, 0, spanCount, bytes,
                firstEnqueuedNanos);
    }

    static Outbound passthrough(Tenant tenant, PassthroughBatch.Signal signal, String contentType, byte[] body,
                                int items, SpoolRef ref, long nowNanos) {
        return new Outbound(tenant, "/v1/" + signal.label(), contentType, null, Collections.singletonList(ref), body,
                signal, items, 0, body.length, nowNanos);
    }

    /** This request is settled (delivered or given up on): its pieces no longer hold their spool records. */
    void releaseRefs() {
        for (SpoolRef ref : refs) {
            if (ref != null) {
                ref.release();
            }
        }
    }

    boolean isTraces() {
        return resourceSpans != null;
    }

    /** The body on the wire, encoded once and reused by every retry. */
    byte[] body(boolean gzip) {
        if (encoded == null || encodedGzip != gzip) {
            byte[] plain = isTraces() ? EncodedResourceSpans.request(resourceSpans) : rawBody;
            encoded = gzip ? Gzip.compress(plain) : plain;
            encodedGzip = gzip;
        }
        return encoded;
    }

    /**
     * Two halves by span count (traces) or by data points or log records (a protobuf metrics or logs body), for a
     * 413; null when there is a single item, or the body is JSON (only from an older relay's spool; not split).
     */
    List<Outbound> halves() {
        if (!isTraces()) {
            return passthroughHalves();
        }
        if (spanCount < 2) {
            return null;
        }
        int target = spanCount / 2;
        List<ByteString> first = new ArrayList<>();
        List<ByteString> second = new ArrayList<>();
        List<SpoolRef> firstRefs = new ArrayList<>();
        List<SpoolRef> secondRefs = new ArrayList<>();
        int taken = 0;
        for (int i = 0; i < resourceSpans.size(); i++) {
            ResourceSpans rs = EncodedResourceSpans.decode(resourceSpans.get(i));
            SpoolRef ref = refs.get(i);
            ResourceSpans.Builder a = rs.toBuilder().clearScopeSpans();
            ResourceSpans.Builder b = rs.toBuilder().clearScopeSpans();
            for (ScopeSpans ss : rs.getScopeSpansList()) {
                ScopeSpans.Builder sa = ss.toBuilder().clearSpans();
                ScopeSpans.Builder sb = ss.toBuilder().clearSpans();
                for (var span : ss.getSpansList()) {
                    if (taken < target) {
                        sa.addSpans(span);
                        taken++;
                    } else {
                        sb.addSpans(span);
                    }
                }
                if (sa.getSpansCount() > 0) {
                    a.addScopeSpans(sa);
                }
                if (sb.getSpansCount() > 0) {
                    b.addScopeSpans(sb);
                }
            }
            if (a.getScopeSpansCount() > 0) {
                first.add(a.build().toByteString());
                firstRefs.add(ref);
            }
            if (b.getScopeSpansCount() > 0) {
                second.add(b.build().toByteString());
                secondRefs.add(ref);
            }
            if (ref != null && a.getScopeSpansCount() > 0 && b.getScopeSpansCount() > 0) {
                ref.retain(); // the record now has a piece in each half
            }
        }
        long firstBytes = size(first);
        Outbound x = traces(tenant, first, firstRefs, target, firstBytes, firstEnqueuedNanos);
        Outbound y = traces(tenant, second, secondRefs, spanCount - target, bytes - firstBytes, firstEnqueuedNanos);
        for (Outbound o : List.of(x, y)) {
            o.firstAttemptNanos = firstAttemptNanos;
        }
        return List.of(x, y);
    }

    private List<Outbound> passthroughHalves() {
        if (!contentType.equals("application/x-protobuf") || items < 2) {
            return null;
        }
        PassthroughSplit.Halves h = PassthroughSplit.halves(signal, rawBody);
        if (h == null) {
            return null;
        }
        SpoolRef ref = refs.get(0);
        if (ref != null) {
            ref.retain(); // the record now has a piece in each half
        }
        Outbound x = passthrough(tenant, signal, contentType, h.first(), h.firstItems(), ref, firstEnqueuedNanos);
        // The halves hold what the whole held against the queue, however their encodings add up.
        Outbound y = new Outbound(tenant, path, contentType, null, Collections.singletonList(ref), h.second(), signal,
                h.secondItems(), 0, Math.max(0, bytes - x.bytes), firstEnqueuedNanos);
        for (Outbound o : List.of(x, y)) {
            o.firstAttemptNanos = firstAttemptNanos;
        }
        return List.of(x, y);
    }

    static long size(List<ByteString> list) {
        long n = 0;
        for (ByteString rs : list) {
            n += rs.size();
        }
        return n;
    }
}
