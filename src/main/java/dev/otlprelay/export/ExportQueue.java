package dev.otlprelay.export;

import dev.otlprelay.pipeline.Acceptance;
import dev.otlprelay.pipeline.Batch;
import dev.otlprelay.pipeline.DropReason;
import dev.otlprelay.telemetry.RelayMetrics;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A destination's bounded queue and its sending thread: the receiver only ever appends here, and a slow or dead
 * destination fills its own queue, never the receiver's threads nor another destination's queue.
 *
 * <p>Accounting, for each destination, whenever no batch is being exported:
 * {@code enqueued_spans = sent_spans + dropped_spans{reason} + queued_spans}. A batch whose {@code export} is in
 * progress still counts as queued; when it returns, the spans the exporter reports as dropped by itself (counted
 * under its own reasons) are not counted as sent, and the rest are, so each span is counted exactly once.
 */
public final class ExportQueue implements Destination {
    private static final Logger LOG = Logger.getLogger(ExportQueue.class.getName());
    /**
     * A batch arriving behind at least this many queued bytes is going to wait, so it is held as
     * {@link Exporter#toHold} says: an exporter behind its input holds bytes, not decoded objects (several times
     * larger), while one keeping up pays nothing for it.
     */
    public static final long HOLD_COMPACT_BYTES = 4L << 20;

    private final Exporter exporter;
    private final long capacityBytes;
    private final ArrayDeque<Queued> queue = new ArrayDeque<>();
    private final Thread worker;
    private final DeliveryLedger ledger;
    private long queuedBytes;
    private long queuedSpans;
    private boolean closed;
    private Queued inFlight;

    private record Queued(Batch batch, long enqueuedNanos) {
    }

    public ExportQueue(Exporter exporter, long capacityBytes, RelayMetrics metrics) {
        if (capacityBytes <= 0) {
            throw new IllegalArgumentException("capacityBytes: " + capacityBytes + " (expected: > 0)");
        }
        this.exporter = exporter;
        this.capacityBytes = capacityBytes;
        this.ledger = new DeliveryLedger(exporter.name(), metrics);
        ledger.watchQueue(this::queuedBytes, this::queuedSpans, capacityBytes, this::oldestAgeSeconds);
        this.worker = new Thread(this::sendLoop, "export-" + exporter.name());
        this.worker.setDaemon(true);
    }

    @Override
    public String name() {
        return exporter.name();
    }

    @Override
    public void start() {
        worker.start();
    }

    @Override
    public synchronized String deadReason() {
        return !closed && worker.getState() == Thread.State.TERMINATED
                ? "the thread that sends to " + exporter.name() + " has died" : null;
    }

    @Override
    public synchronized boolean hasRoomFor(Batch batch) {
        return !exporter.pushesBack() || !exporter.takes(batch)
                || (!closed && queuedBytes + batch.sizeBytes() <= capacityBytes);
    }

    @Override
    public Acceptance accept(Batch batch) {
        if (!exporter.takes(batch)) {
            return Acceptance.ACCEPTED;
        }
        ledger.enqueued(batch.spanCount());
        boolean shutdown;
        synchronized (this) {
            shutdown = closed;
            // A destination that pushes back was asked hasRoomFor() first; a concurrent request may overshoot the
            // capacity by one batch, which is bounded by the admission budget.
            boolean full = queuedBytes + batch.sizeBytes() > capacityBytes && !exporter.pushesBack();
            if (!closed && !full) {
                queue.addLast(new Queued(queuedBytes >= HOLD_COMPACT_BYTES ? exporter.toHold(batch) : batch,
                        System.nanoTime()));
                queuedBytes += batch.sizeBytes();
                queuedSpans += batch.spanCount();
                notifyAll();
                return Acceptance.ACCEPTED;
            }
        }
        // A closed queue is the relay stopping, not a full one.
        drop(batch, shutdown ? DropReason.SHUTDOWN : DropReason.QUEUE_FULL);
        return Acceptance.ACCEPTED;
    }

    public synchronized long queuedBytes() {
        return queuedBytes;
    }

    public synchronized long queuedSpans() {
        return queuedSpans;
    }

    public long capacityBytes() {
        return capacityBytes;
    }

    /** Age of the oldest batch not yet sent, including one being sent; 0 when empty. */
    public synchronized double oldestAgeSeconds() {
        Queued oldest = inFlight != null ? inFlight : queue.peekFirst();
        return oldest == null ? 0 : (System.nanoTime() - oldest.enqueuedNanos) / 1e9;
    }

    private void sendLoop() {
        while (true) {
            Queued entry;
            synchronized (this) {
                while (queue.isEmpty() && !closed) {
                    try {
                        wait();
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                if (queue.isEmpty()) {
                    return;
                }
                entry = queue.pollFirst();
                inFlight = entry;
            }
            Batch batch = entry.batch();
            boolean delivered = false;
            int droppedByExporter = 0;
            try {
                droppedByExporter = exporter.export(batch);
                delivered = true;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception | Error e) {
                // An Error too: it would otherwise end this thread, leaving the batch counted nowhere and the queue
                // stalled. The batch is counted as failed and the next one is tried.
                LOG.log(Level.WARNING, exporter.name() + ": dropping " + batch.spanCount() + " spans: " + e);
            }
            synchronized (this) {
                if (delivered) {
                    ledger.sent(batch.spanCount() - checked(droppedByExporter, batch));
                } else {
                    ledger.drop(batch.spanCount(), Thread.currentThread().isInterrupted()
                            ? DropReason.SHUTDOWN : DropReason.EXPORT_FAILED);
                }
                inFlight = null;
                queuedBytes -= batch.sizeBytes();
                queuedSpans -= batch.spanCount();
                notifyAll();
                if (Thread.currentThread().isInterrupted()) {
                    return;
                }
            }
        }
    }

    /** An exporter reporting drops outside 0..spans has a bug: say so, but never stop the queue nor count negatives. */
    private int checked(int droppedByExporter, Batch batch) {
        if (droppedByExporter < 0 || droppedByExporter > batch.spanCount()) {
            int clamped = Math.max(0, Math.min(droppedByExporter, batch.spanCount()));
            LOG.severe(exporter.name() + ": export reported dropped spans: " + droppedByExporter + " (expected: 0.."
                    + batch.spanCount() + "); taken as " + clamped);
            return clamped;
        }
        return droppedByExporter;
    }

    private void drop(Batch batch, DropReason reason) {
        ledger.drop(batch.spanCount(), reason);
    }

    /**
     * Stops taking batches and waits until everything queued is sent or the time is up; what is left then is
     * counted as dropped with reason {@code shutdown}. Returns the number of spans that could not be delivered.
     */
    @Override
    public long drain(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (this) {
            closed = true;
            notifyAll();
            Drain.awaitIdle(this, () -> inFlight != null || !queue.isEmpty(), deadline);
        }
        worker.interrupt();
        try {
            // An interrupted export gives up at once (the X-Ray sender counts what it has not written as failed).
            worker.join(Math.max(100, (deadline - System.nanoTime()) / 1_000_000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        long lost = 0;
        synchronized (this) {
            for (Queued e : queue) {
                drop(e.batch(), DropReason.SHUTDOWN);
                lost += e.batch().spanCount();
                queuedBytes -= e.batch().sizeBytes();
                queuedSpans -= e.batch().spanCount();
            }
            queue.clear();
        }
        if (lost > 0) {
            LOG.warning(exporter.name() + ": " + lost + " spans could not be delivered before the shutdown deadline");
        }
        return lost;
    }

    @Override
    public void close() {
        drain(Duration.ZERO);
        exporter.close();
    }
}
