package dev.otlprelay.sample;

/**
 * What the sampling stage does while it holds its lock: files each trace's spans as they arrive (into the
 * {@link TraceBuffer}, or after the decision the {@link DecisionCache} remembers) and decides held traces when
 * their trigger comes ({@link DecisionTrigger}). Each decision is asked of the {@link RouteSamplers}, remembered,
 * counted in the {@link SamplingLedger}, and noted in the {@link Handoff} that the caller hands on once it has
 * released the lock.
 *
 * <p>Deciding in lots: {@link #decideDue} and {@link #eject} decide at most {@link #DECISIONS_PER_LOCK} traces per
 * call and say whether more are left, so that the caller can hand on and let other requests take the lock
 * between lots.
 *
 * <p>Not thread-safe: every method is called under the stage's lock, which guards the buffer, the cache and the
 * ledger's counts.
 */
final class TraceDecider {
    /** Traces decided per hold of the lock in ticks and in ejections, so receivers are not kept waiting. */
    static final int DECISIONS_PER_LOCK = 256;

    private final TraceBuffer buffer;
    private final DecisionCache cache;
    private final RouteSamplers samplers;
    private final SamplingLedger ledger;
    private final int maxSpansPerTrace;
    private final int maxLiveTraces;

    TraceDecider(TraceBuffer buffer, DecisionCache cache, RouteSamplers samplers, SamplingLedger ledger,
                 int maxSpansPerTrace, int maxLiveTraces) {
        this.buffer = buffer;
        this.cache = cache;
        this.samplers = samplers;
        this.ledger = ledger;
        this.maxSpansPerTrace = maxSpansPerTrace;
        this.maxLiveTraces = maxLiveTraces;
    }

    /**
     * Buffers one trace's spans of a request, or hands them on at once when the trace was decided already; decides
     * a trace that reached its span limit or, when every route decides on the root, its root.
     * Returns the bytes handed on to a kept trace's outboxes (they were not in the outboxes' size measured before).
     */
    long arrive(Arrivals.Group group, long receivedNanos, long now, boolean atRoot, Handoff handoff) {
        BufferedTrace trace = buffer.get(group.key());
        if (trace == null) {
            Decision[] kept = cache.kept(group.key());
            if (kept != null) {
                ledger.lateKept(kept, group.spans().size(), group.bytes());
                handoff.late(group, kept, receivedNanos);
                return group.bytes();
            }
            if (cache.dropped(group.key())) {
                ledger.lateDropped(group.spans().size());
                return 0;
            }
            if (cache.forgotten(group.key())) {
                ledger.lateForgotten(group.spans().size());
            }
            trace = buffer.open(group.key(), group.traceId(), now, receivedNanos);
        }
        buffer.add(trace, group, now);
        if (trace.spanCount() >= maxSpansPerTrace) {
            decide(trace, DecisionTrigger.SPAN_LIMIT, handoff);
        } else if (atRoot && trace.root() != null && trace.root().parentless()) {
            decide(trace, DecisionTrigger.ROOT, handoff);
        }
        return 0;
    }

    /**
     * Decides the oldest held traces early while the buffer holds more than {@code maxLiveTraces} traces or more
     * than {@code room} bytes, at most {@link #DECISIONS_PER_LOCK}; true when more must still go.
     */
    boolean eject(long room, Handoff handoff) {
        for (int decided = 0; decided < DECISIONS_PER_LOCK; decided++) {
            if (!overBounds(room)) {
                return false;
            }
            decide(buffer.oldest(), DecisionTrigger.EJECTED, handoff);
        }
        return overBounds(room);
    }

    private boolean overBounds(long room) {
        return buffer.traces() > 0 && (buffer.traces() > maxLiveTraces || buffer.bytes() > room);
    }

    /**
     * Decides the traces whose time has come by {@code now}: root delay first, then timeout, at most
     * {@link #DECISIONS_PER_LOCK}; true when that many were decided (more may be due).
     */
    boolean decideDue(long now, Handoff handoff) {
        int decided = 0;
        BufferedTrace trace;
        while (decided < DECISIONS_PER_LOCK && (trace = buffer.nextRootDue(now)) != null) {
            decide(trace, DecisionTrigger.ROOT_DELAY, handoff);
            decided++;
        }
        while (decided < DECISIONS_PER_LOCK && (trace = buffer.nextTimedOut(now)) != null) {
            decide(trace, DecisionTrigger.TIMEOUT, handoff);
            decided++;
        }
        return decided == DECISIONS_PER_LOCK;
    }

    /** Decides every held trace, oldest first ({@code shutdown}). */
    void decideAll(Handoff handoff) {
        BufferedTrace trace;
        while ((trace = buffer.oldest()) != null) {
            decide(trace, DecisionTrigger.SHUTDOWN, handoff);
        }
    }

    /** Takes the trace out of the buffer and decides it for every route. */
    private void decide(BufferedTrace trace, DecisionTrigger trigger, Handoff handoff) {
        buffer.remove(trace);
        Decision[] decisions = samplers.decide(trace);
        cache.record(trace.key(), decisions);
        if (ledger.decided(trigger, decisions, trace.spanCount(), trace.bytes())) {
            handoff.decided(trace, decisions);
        }
    }
}
