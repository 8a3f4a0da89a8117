package dev.otlprelay.sample;

import com.google.protobuf.ByteString;
import dev.otlprelay.pipeline.ClientContext;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The spans held for one trace id until it is decided, with the client each span came from (spans sent with
 * different Honeycomb keys must leave in different batches).
 *
 * <p><b>Local root</b>: a span whose parent is not in this process: one with no parent span id (or an all-zero
 * one), or a {@code SERVER} / {@code CONSUMER} span, whose parent is the remote caller. The first local root to
 * arrive starts the decision delay; {@link #root()} prefers a span without a parent (the trace's true root) over a
 * server or consumer span when both are held.
 */
final class BufferedTrace implements TraceView {
    private final TraceKey key;
    private final ByteString traceId;
    private final long firstNanos;
    private final long receivedNanos;
    private final ArrayList<SpanRef> spans = new ArrayList<>(4);
    private final ArrayList<ClientContext> clients = new ArrayList<>(4);
    private long bytes;
    private SpanRef root;
    private boolean rootIsParentless;
    private long decideAtNanos;
    private boolean rooted;
    private boolean removed;

    BufferedTrace(TraceKey key, ByteString traceId, long firstNanos, long receivedNanos) {
        this.key = key;
        this.traceId = traceId;
        this.firstNanos = firstNanos;
        this.receivedNanos = receivedNanos;
    }

    /** Adds a span; returns true when it is the trace's first local root. */
    boolean add(SpanRef ref, ClientContext client, int size) {
        spans.add(ref);
        clients.add(client);
        bytes += size;
        boolean parentless = ref.parentless();
        if (!parentless && !ref.remoteChild()) {
            return false;
        }
        if (root == null || (parentless && !rootIsParentless)) {
            root = ref;
            rootIsParentless = parentless;
        }
        if (rooted) {
            return false;
        }
        rooted = true;
        return true;
    }

    @Override
    public ByteString traceId() {
        return traceId;
    }

    @Override
    public SpanRef root() {
        return root;
    }

    @Override
    public List<SpanRef> spans() {
        return Collections.unmodifiableList(spans);
    }

    TraceKey key() {
        return key;
    }

    /** The client of the i-th span. */
    ClientContext client(int i) {
        return clients.get(i);
    }

    int spanCount() {
        return spans.size();
    }

    long bytes() {
        return bytes;
    }

    /** When the first span arrived, on the stage's clock. */
    long firstNanos() {
        return firstNanos;
    }

    /** {@link dev.otlprelay.pipeline.Batch#receivedNanos()} of the request that brought the first span. */
    long receivedNanos() {
        return receivedNanos;
    }

    long decideAtNanos() {
        return decideAtNanos;
    }

    void decideAt(long nanos) {
        decideAtNanos = nanos;
    }

    boolean removed() {
        return removed;
    }

    void markRemoved() {
        removed = true;
    }
}
