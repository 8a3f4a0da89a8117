package dev.otlprelay.export.honeycomb;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import dev.otlprelay.config.HoneycombConfig;
import dev.otlprelay.config.Secret;
import dev.otlprelay.pipeline.Acceptance;
import dev.otlprelay.pipeline.Batch;
import dev.otlprelay.export.DeliveryLedger;
import dev.otlprelay.export.Destination;
import dev.otlprelay.export.Drain;
import dev.otlprelay.pipeline.DropReason;
import dev.otlprelay.pipeline.OtlpEncoding;
import dev.otlprelay.pipeline.PassthroughBatch;
import dev.otlprelay.pipeline.TraceBatch;
import dev.otlprelay.telemetry.RateLimitedLog;
import dev.otlprelay.telemetry.RelayMetrics;
import io.micrometer.core.instrument.Counter;
import dev.otlprelay.export.spool.Spool;
import dev.otlprelay.export.spool.SpoolFullException;
import dev.otlprelay.export.spool.SpoolListener;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * The Honeycomb destination: batches spans per tenant (key, dataset), sends them with gzip over keep-alive
 * connections, retries what Honeycomb may accept later, and pushes back on clients (503) when its byte-bounded
 * queue is full instead of dropping.
 *
 * <p>Three parts: this class takes data (tenants, the spool, admission, drain); {@link HoneycombQueue} holds it in
 * memory and is the one monitor; {@link HoneycombSender} sends it and settles each answer. The receivers only
 * append under the queue's monitor; the dispatcher and the senders never block them on the network.
 *
 * <p>Accounting, at every instant: {@code enqueued_spans = sent_spans + dropped_spans{reason}
 * + spooled_at_shutdown_spans + queue_spans},
 * with {@code exporter="honeycomb"} ({@link DeliveryLedger}). A span is dropped only for a stated reason: Honeycomb refused it
 * ({@code http_400}, ...), reported it rejected ({@code partial_success}), it was over Honeycomb's event size
 * ({@code event_too_large}), retries ran out ({@code retries_exhausted}), there was no key
 * ({@code no_api_key}), or the relay stopped before sending it ({@code shutdown}).
 */
public final class HoneycombDestination implements Destination {
    public static final String NAME = "honeycomb";
    private static final Logger LOG = Logger.getLogger(HoneycombDestination.class.getName());
    private static final long CLOSING_RETRY_NANOS = TimeUnit.MILLISECONDS.toNanos(200);
    /** Record framing, header and a client key, generously. */
    private static final long SPOOL_RECORD_OVERHEAD = 1024;

    private final HoneycombConfig config;
    private final RelayMetrics metrics;
    private final RateLimitedLog warnings = new RateLimitedLog(LOG, Duration.ofSeconds(10));
    private final HoneycombQueue queue;
    private final HoneycombSender sender;
    private final DeliveryLedger accounts;
    private final BatchPieces pieces;
    /** Open between start() and close() when {@code honeycomb.spool.dir} is set. */
    private volatile Spool spool;
    private Thread replayer;

    public HoneycombDestination(HoneycombConfig config, RelayMetrics metrics) {
        this(config, metrics, Clock.systemUTC());
    }

    HoneycombDestination(HoneycombConfig config, RelayMetrics metrics, Clock clock) {
        this.config = config;
        this.metrics = metrics;
        this.queue = new HoneycombQueue(config.batch(), config.queueBytes());
        this.accounts = new DeliveryLedger(NAME, metrics);
        this.sender = new HoneycombSender(config, queue, accounts, metrics, warnings, clock);
        this.pieces = new BatchPieces(config.batch().maxSpans(), config.batch().maxBytes(),
                metrics.truncatedValues(NAME), () -> accounts.drop(1, DropReason.EVENT_TOO_LARGE));
        accounts.watchQueue(this::queuedBytes, this::queuedSpans, config.queueBytes(), this::oldestAgeSeconds);
    }

    @Override
    public String name() {
        return NAME;
    }

    /**
     * Opens the spool (when configured) before anything is accepted, and replays what an earlier process left in
     * it. Throws UncheckedIOException when the spool directory is unusable: the relay must not start and then
     * acknowledge data it cannot keep.
     */
    @Override
    public void start() {
        if (config.spool().enabled()) {
            try {
                spool = Spool.open(config.spool(), spoolListener());
            } catch (IOException e) {
                String why = e.getMessage() != null && e.getMessage().startsWith("honeycomb.spool.dir") ? e.getMessage()
                        : "honeycomb.spool.dir: " + config.spool().dir() + ": " + e.getMessage()
                                + " (expected: a writable directory)";
                throw new UncheckedIOException(why, e);
            }
            metrics.spool(NAME, spool::diskBytes, config.spool().maxBytes(), spool::pendingRecords);
            // Registered at zero now, so that a dashboard sees the series before anything happens to them.
            metrics.spooledAtShutdown(NAME);
            metrics.spoolReplayedRecords(NAME);
            metrics.spoolAppendFailures(NAME, "full");
            metrics.spoolAppendFailures(NAME, "io_error");
        }
        sender.start();
        if (spool != null && !spool.recovered().isEmpty()) {
            replayer = new Thread(this::replay, "honeycomb-replay");
            replayer.setDaemon(true);
            replayer.start();
        }
        if (config.apiKey().isPresent() && Tenant.isClassic(config.apiKey().get().reveal())
                && config.dataset() == null && config.keyMode() == HoneycombConfig.KeyMode.RELAY) {
            LOG.warning("the Honeycomb key " + config.apiKey().get().fingerprint() + " is a Classic key but HONEYCOMB_DATASET is "
                    + "not set: Honeycomb will refuse the data (set HONEYCOMB_DATASET)");
        }
    }

    // ---- receiving side (event loops) ---------------------------------------------------------------------

    @Override
    public boolean hasRoomFor(Batch batch) {
        synchronized (queue) {
            return queue.hasRoomFor(batch.sizeBytes()) && spoolHasRoomFor(batch);
        }
    }

    /**
     * Whether the spool can take the batch: when it cannot, the client is asked to retry (503) rather than the
     * relay acknowledging what it cannot keep. Approximate (records carry a small header, and a concurrent append
     * may take the room first); an append that still finds the spool full makes that request retry.
     */
    private boolean spoolHasRoomFor(Batch batch) {
        Spool s = spool;
        return s == null || s.diskBytes() + batch.sizeBytes() + SPOOL_RECORD_OVERHEAD <= config.spool().maxBytes();
    }

    @Override
    public String deadReason() {
        synchronized (queue) {
            return !queue.stopped() && sender.dispatcherEnded()
                    ? "the thread that dispatches batches to Honeycomb has died" : null;
        }
    }

    /** With the spool on, a batch is taken once it is durable. */
    @Override
    public boolean answersWhenDurable() {
        return config.spool().enabled();
    }

    @Override
    public Acceptance accept(Batch batch) {
        accounts.enqueued(batch.spanCount());
        Tenant tenant = Tenant.of(config, batch.client());
        if (tenant == null) {
            if (batch instanceof PassthroughBatch p) {
                accounts.dropItems(p.signal(), p.items(), DropReason.NO_API_KEY);
            }
            accounts.drop(batch.spanCount(), DropReason.NO_API_KEY);
            warnings.warn("no_api_key", "dropping data: honeycomb.key_mode is " + config.keyMode().word()
                    + " and the request carried no x-honeycomb-team header");
            return Acceptance.ACCEPTED;
        }
        long now = System.nanoTime();
        Spool s = spool;
        SpoolRef ref = null;
        CompletableFuture<Boolean> durable = null;
        if (s != null) {
            ref = new SpoolRef(s);
            durable = append(s, batch, tenant, ref);
        }
        List<BatchPieces.Piece> queued = batch instanceof TraceBatch traces
                ? pieces.of(traces.request(), traces.encoded()) : null;
        synchronized (queue) {
            if (batch instanceof PassthroughBatch p) {
                queue.addPassthrough(tenant, p.signal(), contentType(p), p.body(), p.items(), ref, now);
            } else {
                queue.addTraces(tenant, queued, ref, now);
            }
            queue.notifyAll();
        }
        if (ref != null) {
            ref.release(); // every piece is handed out
        }
        return durable == null ? Acceptance.ACCEPTED : Acceptance.whenDurable(durable);
    }

    private static String contentType(PassthroughBatch p) {
        return p.encoding() == OtlpEncoding.JSON ? "application/json" : "application/x-protobuf";
    }

    /**
     * Writes the request to the spool; the future says whether it became durable (the client is answered then).
     * The data is queued for sending either way: a failed append makes the client retry, which may cause a
     * duplicate but never a loss.
     */
    private CompletableFuture<Boolean> append(Spool s, Batch batch, Tenant tenant, SpoolRef ref) {
        boolean traces = batch instanceof TraceBatch;
        byte[] body = traces ? encoded((TraceBatch) batch).toByteArray() : ((PassthroughBatch) batch).body();
        String storedKey = config.keyMode() == HoneycombConfig.KeyMode.RELAY ? null : tenant.key().reveal();
        String path = traces ? "/v1/traces" : "/v1/" + ((PassthroughBatch) batch).signal().label();
        String type = traces ? "application/x-protobuf" : contentType((PassthroughBatch) batch);
        byte[] record = SpoolRecords.encode(new SpoolRecords.Stored(traces, storedKey, tenant.dataset(), path, type,
                body));
        return s.append(record).handle((id, error) -> {
            if (error == null) {
                ref.stored(id);
                return true;
            }
            metrics.spoolAppendFailures(NAME, error instanceof SpoolFullException
                    || error.getCause() instanceof SpoolFullException ? "full" : "io_error").increment();
            warnings.warn("spool_append", "could not spool a request (" + error.getMessage() + "); the client is "
                    + "asked to retry");
            return false;
        });
    }

    private static ByteString encoded(TraceBatch batch) {
        return batch.encoded() != null ? batch.encoded() : batch.request().toByteString();
    }

    // ---- observing and stopping ----------------------------------------------------------------------------

    public long queuedBytes() {
        synchronized (queue) {
            return queue.heldBytes();
        }
    }

    public long queuedSpans() {
        synchronized (queue) {
            return queue.heldSpans();
        }
    }

    public long capacityBytes() {
        return config.queueBytes();
    }

    /** Age of the oldest data not yet delivered; 0 when empty. */
    public double oldestAgeSeconds() {
        long oldest;
        synchronized (queue) {
            oldest = queue.oldestNanos();
        }
        return oldest == Long.MAX_VALUE ? 0 : (System.nanoTime() - oldest) / 1e9;
    }

    @Override
    public String notReadyReason() {
        double used = (double) queuedBytes() / config.queueBytes();
        if (used > 0.9) {
            return String.format("the Honeycomb queue is %.0f%% full", used * 100);
        }
        double age = oldestAgeSeconds();
        if (age * 1000 > config.readyMaxQueueAge().toMillis()) {
            return String.format("the oldest batch for Honeycomb has waited %.1fs (limit %s)", age,
                    config.readyMaxQueueAge());
        }
        return null;
    }

    /**
     * Sends what is queued until the deadline, then gives up on the rest (counted as dropped with reason
     * {@code shutdown}). Returns the number of spans not delivered.
     */
    @Override
    public long drain(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (queue) {
            queue.close(System.nanoTime()); // retries waiting for their back-off are due now: the relay is leaving
            queue.notifyAll();
            Drain.awaitIdle(queue, queue::busy, deadline);
            HoneycombQueue.Leftover left = queue.stop();
            queue.notifyAll();
            long lost = left.spans();
            if (lost > 0 && spool != null) {
                // Not lost: their records were never acknowledged, so the next start replays them.
                metrics.spooledAtShutdown(NAME).increment(lost);
                LOG.info(lost + " spans not yet delivered to Honeycomb stay in the spool " + config.spool().dir()
                        + " and will be sent after the next start");
                lost = 0;
            } else if (lost > 0) {
                accounts.drop(lost, DropReason.SHUTDOWN);
            }
            for (PassthroughBatch.Signal signal : PassthroughBatch.Signal.values()) {
                long items = left.items()[signal.ordinal()];
                if (items > 0 && spool == null) {
                    accounts.dropItems(signal, items, DropReason.SHUTDOWN);
                }
            }
            return lost;
        }
    }

    @Override
    public void close() {
        drain(Duration.ZERO);
        sender.shutdown();
        Thread r = replayer;
        if (r != null) {
            r.interrupt();
        }
        Spool s = spool;
        if (s != null) {
            s.close();
        }
    }

    // ---- the spool ---------------------------------------------------------------------------------------

    private SpoolListener spoolListener() {
        Counter corrupt = metrics.spoolCorruptRecords(NAME);
        return new SpoolListener() {
            @Override
            public void corruptRecordSkipped(Path segment, long offset, String why) {
                corrupt.increment();
                LOG.warning("spool: skipped corrupt data in " + segment + " at byte " + offset + ": " + why);
            }
        };
    }

    /**
     * Sends again what an earlier process accepted and did not deliver, oldest first, without ever holding more
     * than the queue's capacity in memory (the spool may hold far more than the heap). Replayed spans count as
     * enqueued in this process, so the accounting identity holds for it too.
     */
    private void replay() {
        Spool s = spool;
        Counter replayed = metrics.spoolReplayedRecords(NAME);
        long[] spans = {0};
        int[] done = {0};
        boolean whole = SpoolReplay.run(s, metrics.spoolCorruptRecords(NAME), this::closingNow, r -> {
            if (!requeue(s, r)) {
                return false;
            }
            replayed.increment();
            spans[0] += r.spans();
            done[0]++;
            return true;
        });
        if (whole) {
            LOG.info("spool: replayed " + done[0] + " records (" + spans[0] + " spans) left by an earlier run");
        }
    }

    /** Queues one replayed record again, waiting for room; false when the destination is closing first. */
    private boolean requeue(Spool s, SpoolReplay.Replayed r) {
        SpoolRecords.Stored stored = r.stored();
        String key = stored.key() != null ? stored.key() : config.apiKey().map(Secret::reveal).orElse(null);
        if (key == null) {
            accounts.enqueued(r.spans());
            accounts.drop(r.spans(), DropReason.NO_API_KEY);
            if (r.signal() != null) {
                accounts.dropItems(r.signal(), r.items(), DropReason.NO_API_KEY);
            }
            s.acknowledge(r.id());
            return true;
        }
        Tenant tenant = new Tenant(Secret.of(key), stored.dataset());
        SpoolRef ref = SpoolRef.stored(s, r.id());
        synchronized (queue) {
            while (!queue.closing() && !queue.hasRoomForReplay(stored.body().length)) {
                try {
                    queue.wait();
                } catch (InterruptedException e) {
                    return false;
                }
            }
            if (queue.closing()) {
                return false; // the rest stays in the spool for the next start
            }
            accounts.enqueued(r.spans());
            long now = System.nanoTime();
            if (r.request() != null) {
                // Under the monitor, after the closing check: the limits may count drops, which must follow
                // the enqueued count (replay runs once, at start-up).
                queue.addTraces(tenant, pieces.of(r.request(), UnsafeByteOperations.unsafeWrap(stored.body())), ref, now);
            } else {
                queue.addPassthrough(tenant, r.signal(), stored.contentType(), stored.body(), r.items(), ref, now);
            }
            queue.notifyAll();
        }
        ref.release();
        return true;
    }

    private boolean closingNow() {
        synchronized (queue) {
            return queue.closing();
        }
    }
}
