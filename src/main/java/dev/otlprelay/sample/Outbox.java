package dev.otlprelay.sample;

import dev.otlprelay.pipeline.Acceptance;
import dev.otlprelay.pipeline.BatchConsumer;
import dev.otlprelay.pipeline.DropReason;
import dev.otlprelay.pipeline.TraceBatch;
import dev.otlprelay.telemetry.SamplerMetrics;
import io.micrometer.core.instrument.Counter;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One route's decided, kept spans on their way to its consumer, in decision order. A consumer that answers
 * {@link Acceptance#RETRY_LATER} leaves the batch at the head, to be offered again on a later tick; nothing is
 * lost and nothing overtakes it. An answer {@code whenDurable} counts as taken: the spans are the destination's
 * from then on.
 *
 * <p>Spans are counted here from the moment their trace is decided ({@link #reserve}) until the consumer takes
 * them, including the short while the stage spends stamping them into batches, so the stage's accounting
 * identity holds whenever it is read.
 *
 * <p>Thread-safe: batches are appended from any thread; one thread at a time hands them on (the others leave
 * that to it, or to the next tick).
 */
final class Outbox {
    private static final Logger LOG = Logger.getLogger(Outbox.class.getName());

    private final String name;
    private final BatchConsumer consumer;
    private final Counter forwardedCounter;
    private final SamplerMetrics metrics;
    private final ReentrantLock handing = new ReentrantLock();
    private final ArrayDeque<TraceBatch> queue = new ArrayDeque<>();
    private long spans;
    private long bytes;
    private long forwarded;
    private long dropped;

    /** The outbox's counters read together. */
    record Snapshot(long spans, long bytes, long forwarded, long dropped) {
    }

    Outbox(String name, BatchConsumer consumer, SamplerMetrics metrics) {
        this.name = name;
        this.consumer = consumer;
        this.metrics = metrics;
        this.forwardedCounter = metrics.forwarded(name);
        metrics.outbox(name, this::spans, this::bytes);
    }

    /** Counts a decided trace's kept spans (at their received size) until {@link #add} replaces the estimate. */
    synchronized void reserve(long spanCount, long estimatedBytes) {
        spans += spanCount;
        bytes += estimatedBytes;
    }

    /** Appends the batches built from reserved spans; {@code reservedBytes} is what {@link #reserve} counted. */
    synchronized void add(List<TraceBatch> batches, long reservedBytes) {
        bytes -= reservedBytes;
        for (TraceBatch b : batches) {
            queue.addLast(b);
            bytes += b.sizeBytes();
        }
    }

    /** Offers queued batches to the consumer, in order, until it pushes back or none is left. */
    void drain() {
        while (handing.tryLock()) {
            try {
                if (!handOn()) {
                    return;
                }
            } finally {
                handing.unlock();
            }
            // Another thread may have appended after our last look and found us handing: look once more.
            synchronized (this) {
                if (queue.isEmpty()) {
                    return;
                }
            }
        }
    }

    /** Returns false when the consumer pushed back. */
    private boolean handOn() {
        while (true) {
            TraceBatch head;
            synchronized (this) {
                head = queue.peekFirst();
            }
            if (head == null) {
                return true;
            }
            boolean taken;
            try {
                taken = !consumer.accept(head).retryLater();
            } catch (RuntimeException e) {
                // A consumer that throws would throw again on every retry: give the batch up, counted.
                LOG.log(Level.WARNING, name + ": dropping " + head.spanCount() + " decided spans: the destination "
                        + "failed on them", e);
                metrics.dropped(name, DropReason.EXPORT_FAILED.tag()).increment(head.spanCount());
                remove(head, false);
                continue;
            }
            if (!taken) {
                return false;
            }
            remove(head, true);
            forwardedCounter.increment(head.spanCount());
        }
    }

    private synchronized void remove(TraceBatch head, boolean taken) {
        queue.pollFirst();
        spans -= head.spanCount();
        bytes -= head.sizeBytes();
        if (taken) {
            forwarded += head.spanCount();
        } else {
            dropped += head.spanCount();
        }
    }

    /** Gives up every queued batch (shutdown), counting its spans as dropped; returns how many. */
    long discard(DropReason reason) {
        handing.lock();
        try {
            long lost = 0;
            synchronized (this) {
                for (TraceBatch b : queue) {
                    lost += b.spanCount();
                    spans -= b.spanCount();
                    bytes -= b.sizeBytes();
                }
                queue.clear();
                dropped += lost;
            }
            if (lost > 0) {
                metrics.dropped(name, reason.tag()).increment(lost);
            }
            return lost;
        } finally {
            handing.unlock();
        }
    }

    String name() {
        return name;
    }

    synchronized long spans() {
        return spans;
    }

    synchronized long bytes() {
        return bytes;
    }

    synchronized Snapshot snapshot() {
        return new Snapshot(spans, bytes, forwarded, dropped);
    }
}
