package dev.otlprelay.export.honeycomb;

import com.google.protobuf.ByteString;
import dev.otlprelay.config.HoneycombConfig;
import dev.otlprelay.pipeline.PassthroughBatch;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * What waits for Honeycomb in memory: each tenant's open batch, sealed batches ready to send, retries waiting for
 * their back-off and batches a sender holds. Its held bytes are what admission bounds
 * ({@code honeycomb.queue_bytes}); its held spans and items are what a drain that runs out of time counts.
 *
 * <p>This object is also the monitor that guards it all: the event loops add, the dispatcher seals and hands out,
 * senders settle. Every method expects its caller to hold the monitor ({@code synchronized (queue)}), so that a
 * caller can make several steps one atomic change and wake the others ({@code queue.notifyAll()}) once.
 */
final class HoneycombQueue {
    private final HoneycombConfig.BatchConfig batch;
    private final long capacityBytes;
    private final Map<Tenant, OpenBatch> open = new HashMap<>();
    private final ArrayDeque<Outbound> ready = new ArrayDeque<>();
    private final PriorityQueue<Outbound> waiting = new PriorityQueue<>((a, b) -> Long.compare(a.dueNanos,
            b.dueNanos));
    /** Batches handed to a sender and not yet settled: still undelivered, so they count for the oldest age. */
    private final Set<Outbound> sending = Collections.newSetFromMap(new IdentityHashMap<>());
    /** Data points and log records held, by {@link PassthroughBatch.Signal#ordinal()}. */
    private final long[] heldItems = new long[PassthroughBatch.Signal.values().length];
    private long heldBytes;
    private long heldSpans;
    private int inFlight;
    private int retriesInFlight;
    private boolean closing;
    private boolean stopped;

    /** A batch being filled for one tenant. */
    private static final class OpenBatch {
        final List<ByteString> resourceSpans = new ArrayList<>();
        final List<SpoolRef> refs = new ArrayList<>();
        int spans;
        long bytes;
        final long startedNanos;

        OpenBatch(long startedNanos) {
            this.startedNanos = startedNanos;
        }

        Outbound seal(Tenant tenant) {
            return Outbound.traces(tenant, resourceSpans, refs, spans, bytes, startedNanos);
        }
    }

    /** What a stop found still held: never sent, and now forgotten by the queue. */
    record Leftover(long spans, long[] items) {
    }

    HoneycombQueue(HoneycombConfig.BatchConfig batch, long capacityBytes) {
        this.batch = batch;
        this.capacityBytes = capacityBytes;
    }

    // ---- adding (event loops, spool replay) ----------------------------------------------------------------

    /** Whether a request of this size is admitted now. */
    boolean hasRoomFor(long bytes) {
        return !closing && heldBytes + bytes <= capacityBytes;
    }

    /** Whether a replayed record of this size may be queued now: it fits, or nothing is held (one always fits). */
    boolean hasRoomForReplay(long bytes) {
        return heldBytes == 0 || heldBytes + bytes <= capacityBytes;
    }

    /** Adds trace pieces to the tenant's open batch, sealing batches as they reach their limits. */
    void addTraces(Tenant tenant, List<BatchPieces.Piece> pieces, SpoolRef ref, long now) {
        for (BatchPieces.Piece piece : pieces) {
            addPiece(tenant, piece.bytes(), piece.spans(), ref, now);
        }
    }

    private void addPiece(Tenant tenant, ByteString rs, int spans, SpoolRef ref, long now) {
        OpenBatch o = open.computeIfAbsent(tenant, t -> new OpenBatch(now));
        long size = rs.size();
        if (o.spans > 0 && (o.spans + spans > batch.maxSpans() || o.bytes + size > batch.maxBytes())) {
            seal(tenant);
            o = open.computeIfAbsent(tenant, t -> new OpenBatch(now));
        }
        o.resourceSpans.add(rs);
        o.refs.add(ref);
        if (ref != null) {
            ref.retain();
        }
        o.spans += spans;
        o.bytes += size;
        heldBytes += size;
        heldSpans += spans;
        if (o.spans >= batch.maxSpans() || o.bytes >= batch.maxBytes()) {
            seal(tenant);
        }
    }

    /** Queues a metrics or logs body as one request, ready at once (it is not batched). */
    void addPassthrough(Tenant tenant, PassthroughBatch.Signal signal, String contentType, byte[] body, int items,
                        SpoolRef ref, long now) {
        if (ref != null) {
            ref.retain();
        }
        Outbound o = Outbound.passthrough(tenant, signal, contentType, body, items, ref, now);
        heldBytes += o.bytes;
        heldItems[signal.ordinal()] += items;
        ready.addLast(o);
    }

    /** Moves a tenant's open batch to the ready queue. */
    private void seal(Tenant tenant) {
        OpenBatch o = open.remove(tenant);
        if (o != null && o.spans > 0) {
            ready.addLast(o.seal(tenant));
        }
    }

    // ---- sending (the dispatcher and the senders) ----------------------------------------------------------

    /**
     * Seals the open batches whose time is up (all of them once closing) and makes the retries that are due
     * ready, first. Returns when something is next due, at most a second from {@code now}.
     */
    long sealDue(long now, long batchTimeoutNanos) {
        long nextWake = now + 1_000_000_000L;
        for (Iterator<Map.Entry<Tenant, OpenBatch>> it = open.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Tenant, OpenBatch> e = it.next();
            long deadline = e.getValue().startedNanos + batchTimeoutNanos;
            if (closing || deadline <= now) {
                it.remove();
                ready.addLast(e.getValue().seal(e.getKey()));
            } else {
                nextWake = Math.min(nextWake, deadline);
            }
        }
        while (!waiting.isEmpty() && waiting.peek().dueNanos <= now) {
            ready.addFirst(waiting.poll());
        }
        if (!waiting.isEmpty()) {
            nextWake = Math.min(nextWake, waiting.peek().dueNanos);
        }
        return nextWake;
    }

    /**
     * Hands ready batches to {@code start} (with whether it is a retry) while fewer than {@code senders} are in
     * flight; retries take at most {@code retryBudget} of them, so a dead Honeycomb cannot occupy every sender.
     */
    void startSends(int senders, int retryBudget, BiConsumer<Outbound, Boolean> start) {
        Iterator<Outbound> it = ready.iterator();
        while (inFlight < senders && it.hasNext()) {
            Outbound o = it.next();
            boolean retry = o.failedAttempts > 0;
            if (retry && retriesInFlight >= retryBudget) {
                continue;
            }
            it.remove();
            sending.add(o);
            inFlight++;
            if (retry) {
                retriesInFlight++;
            }
            start.accept(o, retry);
        }
    }

    /** A sender is done with its attempt at {@code o}; what the answer means is settled next. */
    void attempted(Outbound o, boolean retry) {
        sending.remove(o);
        inFlight--;
        if (retry) {
            retriesInFlight--;
        }
    }

    /** {@code o} is settled (delivered or given up on): it no longer holds room. */
    void release(Outbound o) {
        heldBytes -= o.bytes;
        heldSpans -= o.spanCount;
        if (!o.isTraces()) {
            heldItems[o.signal.ordinal()] -= o.items;
        }
    }

    /** A refused batch's two halves go next, in order, instead of it (they hold the same room). */
    void sendNext(List<Outbound> halves) {
        ready.addFirst(halves.get(1));
        ready.addFirst(halves.get(0));
    }

    void retryAt(Outbound o, long dueNanos) {
        o.dueNanos = dueNanos;
        waiting.add(o);
    }

    // ---- stopping and observing ----------------------------------------------------------------------------

    /** From now on nothing is admitted: open batches are sealed and waiting retries are due now. */
    void close(long now) {
        closing = true;
        for (Tenant t : new ArrayList<>(open.keySet())) {
            seal(t);
        }
        for (Outbound o : waiting) {
            o.dueNanos = now; // all equal: the heap's order still holds
        }
    }

    boolean closing() {
        return closing;
    }

    boolean stopped() {
        return stopped;
    }

    /** Whether anything is still held or being sent. */
    boolean busy() {
        return heldBytes > 0 || inFlight > 0;
    }

    /** Stops the queue for good; returns what it still held, which it forgets (its senders' answers too). */
    Leftover stop() {
        stopped = true;
        Leftover left = new Leftover(heldSpans, heldItems.clone());
        java.util.Arrays.fill(heldItems, 0);
        ready.clear();
        waiting.clear();
        sending.clear();
        open.clear();
        heldSpans = 0;
        heldBytes = 0;
        return left;
    }

    long heldBytes() {
        return heldBytes;
    }

    long heldSpans() {
        return heldSpans;
    }

    /** When the oldest data not yet delivered was queued; {@link Long#MAX_VALUE} when there is none. */
    long oldestNanos() {
        long oldest = Long.MAX_VALUE;
        for (OpenBatch o : open.values()) {
            oldest = Math.min(oldest, o.startedNanos);
        }
        for (Outbound o : ready) {
            oldest = Math.min(oldest, o.firstEnqueuedNanos);
        }
        for (Outbound o : waiting) {
            oldest = Math.min(oldest, o.firstEnqueuedNanos);
        }
        for (Outbound o : sending) {
            oldest = Math.min(oldest, o.firstEnqueuedNanos);
        }
        return oldest;
    }
}
