package dev.otlprelay.sample;

import com.google.protobuf.ByteString;
import dev.otlprelay.pipeline.ClientContext;
import dev.otlprelay.pipeline.TraceBatch;
import dev.otlprelay.pipeline.TraceWire;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One request's spans grouped by trace id, with their size (encoded: received bytes, or {@link Span#getSerializedSize()}).
 * Built before the stage takes its lock, so that the lock is held only to look up and append.
 */
final class Arrivals {
    private final Map<TraceKey, Group> groups = new LinkedHashMap<>();
    private final ClientContext client;
    private long bytes;
    private int spans;

    /** The spans of one trace in one request, all from the same client. */
    static final class Group {
        private final TraceKey key;
        private final ByteString traceId;
        private final ClientContext client;
        private final List<SpanRef> spans = new ArrayList<>(2);
        private int[] sizes = new int[2];
        private long bytes;

        Group(TraceKey key, ByteString traceId, ClientContext client) {
            this.key = key;
            this.traceId = traceId;
            this.client = client;
        }

        void add(SpanRef ref, int size) {
            if (spans.size() == sizes.length) {
                sizes = Arrays.copyOf(sizes, sizes.length * 2);
            }
            sizes[spans.size()] = size;
            spans.add(ref);
            bytes += size;
        }

        TraceKey key() {
            return key;
        }

        ByteString traceId() {
            return traceId;
        }

        ClientContext client() {
            return client;
        }

        List<SpanRef> spans() {
            return spans;
        }

        int[] sizes() {
            return sizes;
        }

        long bytes() {
            return bytes;
        }
    }

    /**
     * @param decodedRoots keep true roots decoded (they are decided as they arrive, and the rules read them whole);
     *                     other spans of a request that has its encoding are held as their bytes
     */
    Arrivals(TraceBatch batch, boolean decodedRoots) {
        client = batch.client();
        // Spans are buffered as their received bytes when the request has them (see SpanRef).
        List<ByteString> encoded = batch.encoded() == null ? null
                : TraceWire.spans(batch.encoded(), batch.spanCount());
        int i = 0;
        for (ResourceSpans rs : batch.request().getResourceSpansList()) {
            for (ScopeSpans ss : rs.getScopeSpansList()) {
                for (Span span : ss.getSpansList()) {
                    ByteString own = encoded == null ? null : encoded.get(i++);
                    SpanRef ref = own == null
                            ? new SpanRef(rs.getResource(), ss.getScope(), rs.getSchemaUrl(), ss.getSchemaUrl(), span)
                            : SpanRef.encoded(rs.getResource(), ss.getScope(), rs.getSchemaUrl(),
                                    ss.getSchemaUrl(), span, own, decodedRoots);
                    TraceKey key = TraceKey.of(span.getTraceId());
                    Group group = groups.get(key);
                    if (group == null) {
                        group = new Group(key, span.getTraceId(), client);
                        groups.put(key, group);
                    }
                    int size = own == null ? span.getSerializedSize() : own.size();
                    group.add(ref, size);
                    bytes += size;
                    spans++;
                }
            }
        }
    }

    Collection<Group> groups() {
        return groups.values();
    }

    long bytes() {
        return bytes;
    }

    int spans() {
        return spans;
    }
}
