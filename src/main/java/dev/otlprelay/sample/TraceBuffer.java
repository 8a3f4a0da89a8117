package dev.otlprelay.sample;

import com.google.protobuf.ByteString;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.LinkedHashMap;

/**
 * The traces held until they are decided, oldest first, with what it takes to find the next one due.
 *
 * <p>Two orders make every lookup O(1): the map keeps traces in the order their first span arrived, which is
 * also the order of their timeouts ({@code first + traceTimeout}) and the order in which memory pressure ejects
 * them; a queue keeps traces in the order their local root arrived, which is the order of their root deadlines
 * ({@code root + decisionWait}), because the clock only moves forward. A trace decided some other way stays in
 * the root queue, marked removed, until it reaches the head.
 *
 * <p>Not thread-safe: the sampling stage guards it with its lock.
 */
final class TraceBuffer {
    private final LinkedHashMap<TraceKey, BufferedTrace> live = new LinkedHashMap<>();
    private final ArrayDeque<BufferedTrace> rooted = new ArrayDeque<>();
    private final long decisionWaitNanos;
    private final long traceTimeoutNanos;
    private long bytes;
    private long spans;

    TraceBuffer(long decisionWaitNanos, long traceTimeoutNanos) {
        this.decisionWaitNanos = decisionWaitNanos;
        this.traceTimeoutNanos = traceTimeoutNanos;
    }

    BufferedTrace get(TraceKey key) {
        return live.get(key);
    }

    BufferedTrace open(TraceKey key, ByteString traceId, long nowNanos, long receivedNanos) {
        BufferedTrace trace = new BufferedTrace(key, traceId, nowNanos, receivedNanos);
        live.put(key, trace);
        return trace;
    }

    /** Adds the spans of one trace from one request. */
    void add(BufferedTrace trace, Arrivals.Group group, long nowNanos) {
        for (int i = 0; i < group.spans().size(); i++) {
            if (trace.add(group.spans().get(i), group.client(), group.sizes()[i])) {
                trace.decideAt(nowNanos + decisionWaitNanos);
                rooted.addLast(trace);
            }
        }
        bytes += group.bytes();
        spans += group.spans().size();
    }

    void remove(BufferedTrace trace) {
        if (rooted.peekLast() == trace) {
            // Decided as its root arrived: nothing should hold on to its spans until the root queue gets to it.
            rooted.pollLast();
        }
        live.remove(trace.key());
        trace.markRemoved();
        bytes -= trace.bytes();
        spans -= trace.spanCount();
    }

    /** The trace whose first span arrived longest ago, or null. */
    BufferedTrace oldest() {
        Iterator<BufferedTrace> it = live.values().iterator();
        return it.hasNext() ? it.next() : null;
    }

    /** A trace whose root arrived at least {@code decisionWait} ago, or null. */
    BufferedTrace nextRootDue(long nowNanos) {
        while (!rooted.isEmpty()) {
            BufferedTrace head = rooted.peekFirst();
            if (head.removed()) {
                rooted.pollFirst();
                continue;
            }
            if (nowNanos - head.decideAtNanos() >= 0) {
                rooted.pollFirst();
                return head;
            }
            return null;
        }
        return null;
    }

    /** A trace whose first span arrived at least {@code traceTimeout} ago, or null. */
    BufferedTrace nextTimedOut(long nowNanos) {
        BufferedTrace oldest = oldest();
        return oldest != null && nowNanos - (oldest.firstNanos() + traceTimeoutNanos) >= 0 ? oldest : null;
    }

    int traces() {
        return live.size();
    }

    long bytes() {
        return bytes;
    }

    long spans() {
        return spans;
    }
}
