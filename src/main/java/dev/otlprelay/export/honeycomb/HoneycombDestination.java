package dev.otlprelay.export.honeycomb;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import dev.otlprelay.config.HoneycombConfig;
import dev.otlprelay.config.Secret;
import dev.otlprelay.pipeline.Acceptance;
import dev.otlprelay.pipeline.Batch;
import dev.otlprelay.pipeline.ClientContext;
import dev.otlprelay.export.Destination;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;

/**
 * The Honeycomb destination: batches spans per tenant (key, dataset), sends them with gzip over keep-alive
 * connections, retries what Honeycomb may accept later, and pushes back on clients (503) when its byte-bounded
 * queue is full instead of dropping.
 *
 * <p>Threads: the receivers only append under a lock; one dispatcher thread seals batches when their time is up
 * and hands ready batches to a pool of senders; a batch waiting for its retry holds no thread. At most half of
 * the senders work on retries at once (the retry budget), so a dead Honeycomb cannot occupy every sender.
 *
 * <p>Accounting, at every instant: {@code enqueued_spans = sent_spans + dropped_spans{reason}
 * + spooled_at_shutdown_spans + queue_spans},
 * with {@code exporter="honeycomb"}. A span is dropped only for a stated reason: Honeycomb refused it
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
    private final HoneycombClient client;
    private final Backoff backoff;
    private final Clock clock;
    private final int senders;
    private final int retryBudget;
    private final ExecutorService senderPool;
    private final Thread dispatcher;
    private final RateLimitedLog warnings = new RateLimitedLog(LOG, Duration.ofSeconds(10));

    private final Object lock = new Object();
    /** Data points and log records held, by {@link PassthroughBatch.Signal#ordinal()}; guarded by the lock. */
    private final long[] heldItems = new long[PassthroughBatch.Signal.values().length];
    private final Map<Tenant, OpenBatch> open = new HashMap<>();
    private final ArrayDeque<Outbound> ready = new ArrayDeque<>();
    private final PriorityQueue<Outbound> waiting = new PriorityQueue<>((a, b) -> Long.compare(a.dueNanos,
            b.dueNanos));
    /** Batches handed to a sender and not yet settled: still undelivered, so they count for the oldest age. */
    private final Set<Outbound> sending = Collections.newSetFromMap(new IdentityHashMap<>());
    private long heldBytes;
    private long heldSpans;
    private int inFlight;
    private int retriesInFlight;
    private boolean closing;
    private boolean stopped;
    /** OpenBatch between start() and close() when {@code honeycomb.spool.dir} is set. */
    private volatile Spool spool;
    private Thread replayer;

    private final Counter enqueued;
    private final Counter sent;
    private final Counter retries;
    private final BatchPieces pieces;

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
    }

    public HoneycombDestination(HoneycombConfig config, RelayMetrics metrics) {
        this(config, metrics, Clock.systemUTC());
    }

    HoneycombDestination(HoneycombConfig config, RelayMetrics metrics, Clock clock) {
        this.config = config;
        this.metrics = metrics;
        this.clock = clock;
        this.senders = config.retry().senders();
        this.retryBudget = Math.max(1, senders / 2);
        AtomicInteger n = new AtomicInteger();
        this.senderPool = Executors.newFixedThreadPool(senders, r -> {
            Thread t = new Thread(r, "honeycomb-send-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.client = new HoneycombClient(config.apiEndpoint(), config.retry().attemptTimeout(),
                config.retry().retryOn(), clock);
        this.backoff = new Backoff(config.retry(), () -> ThreadLocalRandom.current().nextDouble());
        this.dispatcher = new Thread(this::dispatch, "honeycomb-dispatch");
        this.dispatcher.setDaemon(true);
        this.enqueued = metrics.enqueuedSpans(NAME);
        this.sent = metrics.sentSpans(NAME);
        this.retries = metrics.exporterRetries(NAME);
        this.pieces = new BatchPieces(config.batch().maxSpans(), config.batch().maxBytes(),
                metrics.truncatedValues(NAME), () -> drop(1, DropReason.EVENT_TOO_LARGE));
        metrics.exporterQueue(NAME, this::queuedBytes, this::queuedSpans, config.queueBytes(),
                this::oldestAgeSeconds);
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
        dispatcher.start();
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
        synchronized (lock) {
            return !closing && heldBytes + batch.sizeBytes() <= config.queueBytes() && spoolHasRoomFor(batch);
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
        synchronized (lock) {
            return !stopped && dispatcher.getState() == Thread.State.TERMINATED
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
        enqueued.increment(batch.spanCount());
        Tenant tenant = tenant(batch.client());
        if (tenant == null) {
            if (batch instanceof PassthroughBatch p) {
                dropItems(p.signal(), p.items(), DropReason.NO_API_KEY);
            }
            drop(batch.spanCount(), DropReason.NO_API_KEY);
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
        synchronized (lock) {
            if (batch instanceof PassthroughBatch p) {
                addPassthrough(tenant, p.signal(), contentType(p), p.body(), p.items(), ref, now);
            } else {
                add(tenant, queued, ref, now);
            }
            lock.notifyAll();
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

    private void addPassthrough(Tenant tenant, PassthroughBatch.Signal signal, String contentType, byte[] body,
                                int items, SpoolRef ref, long now) {
        if (ref != null) {
            ref.retain();
        }
        Outbound o = Outbound.passthrough(tenant, signal, contentType, body, items, ref, now);
        hold(o.bytes, 0);
        heldItems[signal.ordinal()] += items;
        ready.addLast(o);
    }

    /** Data points or log records given up on, in their own unit (they hold no spans). */
    private void dropItems(PassthroughBatch.Signal signal, long items, DropReason reason) {
        (signal == PassthroughBatch.Signal.METRICS ? metrics.droppedDataPoints(NAME, reason.tag())
                : metrics.droppedLogRecords(NAME, reason.tag())).increment(items);
    }

    /** Everything the request holds given up on: its spans, or its data points or log records. */
    private void dropAll(Outbound o, DropReason reason) {
        if (o.isTraces()) {
            drop(o.spanCount, reason);
        } else {
            dropItems(o.signal, o.items, reason);
        }
    }

    /** Resolves whose key sends this batch, per {@code honeycomb.key_mode}; null when there is none. */
    private Tenant tenant(ClientContext client) {
        String clientKey = client.honeycombTeam();
        String key = switch (config.keyMode()) {
            case RELAY -> config.apiKey().map(Secret::reveal).orElse(null);
            case CLIENT -> clientKey;
            case CLIENT_OR_RELAY -> clientKey != null && !clientKey.isBlank() ? clientKey
                    : config.apiKey().map(Secret::reveal).orElse(null);
        };
        if (key == null || key.isBlank()) {
            return null;
        }
        String dataset = config.keyMode() != HoneycombConfig.KeyMode.RELAY && client.honeycombDataset() != null
                ? client.honeycombDataset() : config.dataset();
        return new Tenant(Secret.of(key), dataset);
    }

    private static ByteString encoded(TraceBatch batch) {
        return batch.encoded() != null ? batch.encoded() : batch.request().toByteString();
    }

    /** Adds pieces to the tenant's open batch, sealing batches as they reach their limits. Caller holds the lock. */
    private void add(Tenant tenant, List<BatchPieces.Piece> batchPieces, SpoolRef ref, long now) {
        for (BatchPieces.Piece piece : batchPieces) {
            addWhole(tenant, piece.bytes(), piece.spans(), ref, now);
        }
    }

    private void addWhole(Tenant tenant, ByteString rs, int spans, SpoolRef ref, long now) {
        OpenBatch o = open.computeIfAbsent(tenant, t -> new OpenBatch(now));
        long size = rs.size();
        if (o.spans > 0 && (o.spans + spans > config.batch().maxSpans()
                || o.bytes + size > config.batch().maxBytes())) {
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
        hold(size, spans);
        if (o.spans >= config.batch().maxSpans() || o.bytes >= config.batch().maxBytes()) {
            seal(tenant);
        }
    }

    private void hold(long bytes, int spans) {
        heldBytes += bytes;
        heldSpans += spans;
    }

    private void release(Outbound o) {
        heldBytes -= o.bytes;
        heldSpans -= o.spanCount;
        if (!o.isTraces()) {
            heldItems[o.signal.ordinal()] -= o.items;
        }
    }

    /** Moves a tenant's open batch to the ready queue. Caller holds the lock. */
    private void seal(Tenant tenant) {
        OpenBatch o = open.remove(tenant);
        if (o != null && o.spans > 0) {
            ready.addLast(Outbound.traces(tenant, o.resourceSpans, o.refs, o.spans, o.bytes, o.startedNanos));
        }
    }

    // ---- dispatching and sending ---------------------------------------------------------------------------

    private void dispatch() {
        synchronized (lock) {
            while (!stopped) {
                long now = System.nanoTime();
                long batchTimeout = config.batch().timeout().toNanos();
                long nextWake = now + TimeUnit.SECONDS.toNanos(1);
                for (Iterator<Map.Entry<Tenant, OpenBatch>> it = open.entrySet().iterator(); it.hasNext(); ) {
                    Map.Entry<Tenant, OpenBatch> e = it.next();
                    long deadline = e.getValue().startedNanos + batchTimeout;
                    if (closing || deadline <= now) {
                        OpenBatch o = e.getValue();
                        it.remove();
                        ready.addLast(Outbound.traces(e.getKey(), o.resourceSpans, o.refs, o.spans, o.bytes,
                                o.startedNanos));
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
                startSends();
                long waitNanos = nextWake - System.nanoTime();
                if (waitNanos > 0) {
                    try {
                        TimeUnit.NANOSECONDS.timedWait(lock, waitNanos);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }
        }
    }

    /** Hands ready batches to free senders; retries use at most the retry budget. Caller holds the lock. */
    private void startSends() {
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
            senderPool.execute(() -> send(o, retry));
        }
    }

    private void send(Outbound o, boolean retry) {
        if (o.firstAttemptNanos == 0) {
            o.firstAttemptNanos = System.nanoTime();
        }
        HoneycombClient.Response result;
        try {
            result = client.send(o.path, o.tenant, o.body(config.gzip()), config.gzip(), o.contentType);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            result = new HoneycombClient.Response(HoneycombClient.Outcome.RETRYABLE, 0, null, 0, "interrupted");
        } catch (RuntimeException e) {
            // Only the exception's type: the JDK client's messages can quote a header, and a header can be the key.
            result = new HoneycombClient.Response(HoneycombClient.Outcome.PERMANENT, 0, null, 0,
                    "the HTTP client failed (" + e.getClass().getName() + ")");
        }
        // Splitting a refused batch decodes and encodes it again (up to batch_max_bytes): outside the lock that
        // accept(), on the event loops, waits for.
        List<Outbound> halves = result.outcome() == HoneycombClient.Outcome.TOO_LARGE ? o.halves() : null;
        synchronized (lock) {
            sending.remove(o);
            inFlight--;
            if (retry) {
                retriesInFlight--;
            }
            if (!stopped) {
                settle(o, result, halves);
            }
            // Else the drain deadline has counted this batch already, as dropped or left in the spool: counting its
            // outcome too would count it twice (and hold negative bytes). Its spool records stay unacknowledged.
            lock.notifyAll();
        }
    }

    /**
     * Decides what an attempt's result means for the batch. Caller holds the lock. {@code halves} are the batch's
     * halves when Honeycomb refused it as too large (computed before taking the lock), null when it cannot split.
     */
    private void settle(Outbound o, HoneycombClient.Response r, List<Outbound> halves) {
        switch (r.outcome()) {
            case DELIVERED -> delivered(o, r);
            case TOO_LARGE -> tooLarge(o, r, halves);
            case RETRYABLE -> retryOrGiveUp(o, r);
            case PERMANENT -> refused(o, r);
        }
    }

    /** Sent; what Honeycomb's partial success names as rejected is dropped, counted in its own unit. */
    private void delivered(Outbound o, HoneycombClient.Response r) {
        release(o);
        o.releaseRefs();
        if (!o.isTraces() && r.rejectedSpans() > 0) {
            // The metrics and logs responses carry their partial success in the same field: data points or
            // log records rejected.
            long items = Math.min(r.rejectedSpans(), o.items);
            dropItems(o.signal, items, DropReason.PARTIAL_SUCCESS);
            warnings.warn("partial_success", "Honeycomb rejected " + items + " of " + o.items + " "
                    + o.path + " items: " + r.message());
        }
        long rejected = Math.min(r.rejectedSpans(), o.spanCount);
        sent.increment(o.spanCount - rejected);
        if (rejected > 0) {
            drop(rejected, DropReason.PARTIAL_SUCCESS);
            warnings.warn("partial_success", "Honeycomb rejected " + rejected + " of " + o.spanCount
                    + " spans: " + r.message());
        }
    }

    /** 413: sent again as its two halves, or dropped when it cannot be split. */
    private void tooLarge(Outbound o, HoneycombClient.Response r, List<Outbound> halves) {
        metrics.sendFailedSpans(NAME, "http_413").increment(o.spanCount);
        if (halves == null) {
            release(o);
            o.releaseRefs();
            dropAll(o, DropReason.TOO_LARGE);
            warnings.warn("too_large", "Honeycomb refused a single span as too large (" + r.message() + ")");
        } else {
            ready.addFirst(halves.get(1));
            ready.addFirst(halves.get(0));
        }
    }

    /** 429, 5xx of retry_on, timeout, connection error: retried after a back-off until retry_max_elapsed. */
    private void retryOrGiveUp(Outbound o, HoneycombClient.Response r) {
        String reason = r.status() == 0 ? (r.message().startsWith("timeout") ? "timeout" : "connection")
                : "http_" + r.status();
        metrics.sendFailedSpans(NAME, reason).increment(o.spanCount);
        o.failedAttempts++;
        Duration delay = backoff.delay(o.failedAttempts, r.retryAfter());
        long elapsed = System.nanoTime() - o.firstAttemptNanos;
        if (closing || elapsed + delay.toNanos() > config.retry().maxElapsed().toNanos()) {
            if (closing) {
                // During shutdown a failed batch keeps trying until drain()'s deadline, gently.
                o.dueNanos = System.nanoTime() + CLOSING_RETRY_NANOS;
                waiting.add(o);
                return;
            }
            release(o);
            o.releaseRefs();
            dropAll(o, DropReason.RETRIES_EXHAUSTED);
            warnings.warn("retries_exhausted", "giving up on " + o.spanCount + " spans after "
                    + o.failedAttempts + " attempts over " + Duration.ofNanos(elapsed).toSeconds()
                    + "s; last: " + r.message());
            return;
        }
        retries.increment();
        o.dueNanos = System.nanoTime() + delay.toNanos();
        waiting.add(o);
        warnings.warn("retry", "Honeycomb send failed (" + r.message() + "); retrying "
                + o.spanCount + " spans in " + delay.toMillis() + "ms");
    }

    /** Any other status: not retried, dropped with the status as the reason. */
    private void refused(Outbound o, HoneycombClient.Response r) {
        release(o);
        o.releaseRefs();
        DropReason reason = DropReason.refusedWith(r.status());
        metrics.sendFailedSpans(NAME, reason.tag()).increment(o.spanCount);
        dropAll(o, reason);
        warnings.warn(reason.tag(), "Honeycomb refused " + (o.isTraces() ? o.spanCount + " spans" : o.path)
                + " for " + o.tenant + ": " + r.message() + " (not retried)");
    }

    private void drop(long spans, DropReason reason) {
        metrics.droppedSpans(NAME, reason.tag()).increment(spans);
    }

    // ---- observing and stopping ----------------------------------------------------------------------------

    public long queuedBytes() {
        synchronized (lock) {
            return heldBytes;
        }
    }

    public long queuedSpans() {
        synchronized (lock) {
            return heldSpans;
        }
    }

    public long capacityBytes() {
        return config.queueBytes();
    }

    /** Age of the oldest data not yet delivered; 0 when empty. */
    public double oldestAgeSeconds() {
        synchronized (lock) {
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
            return oldest == Long.MAX_VALUE ? 0 : (System.nanoTime() - oldest) / 1e9;
        }
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
        synchronized (lock) {
            closing = true;
            for (Tenant t : new ArrayList<>(open.keySet())) {
                seal(t);
            }
            // Retries waiting for their backoff are due now: the relay is leaving.
            for (Outbound o : waiting) {
                o.dueNanos = System.nanoTime();
            }
            lock.notifyAll();
            while ((heldBytes > 0 || inFlight > 0) && System.nanoTime() < deadline) {
                try {
                    TimeUnit.NANOSECONDS.timedWait(lock, Math.max(1, deadline - System.nanoTime()));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            stopped = true;
            lock.notifyAll();
            long lost = heldSpans;
            if (lost > 0 && spool != null) {
                // Not lost: their records were never acknowledged, so the next start replays them.
                metrics.spooledAtShutdown(NAME).increment(lost);
                LOG.info(lost + " spans not yet delivered to Honeycomb stay in the spool " + config.spool().dir()
                        + " and will be sent after the next start");
                lost = 0;
            } else if (lost > 0) {
                drop(lost, DropReason.SHUTDOWN);
            }
            for (PassthroughBatch.Signal signal : PassthroughBatch.Signal.values()) {
                long items = heldItems[signal.ordinal()];
                if (items > 0 && spool == null) {
                    dropItems(signal, items, DropReason.SHUTDOWN);
                }
                heldItems[signal.ordinal()] = 0;
            }
            ready.clear();
            waiting.clear();
            sending.clear();
            open.clear();
            heldSpans = 0;
            heldBytes = 0;
            return lost;
        }
    }

    @Override
    public void close() {
        drain(Duration.ZERO);
        senderPool.shutdownNow();
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
            enqueued.increment(r.spans());
            drop(r.spans(), DropReason.NO_API_KEY);
            if (r.signal() != null) {
                dropItems(r.signal(), r.items(), DropReason.NO_API_KEY);
            }
            s.acknowledge(r.id());
            return true;
        }
        Tenant tenant = new Tenant(Secret.of(key), stored.dataset());
        SpoolRef ref = SpoolRef.stored(s, r.id());
        synchronized (lock) {
            while (!closing && heldBytes > 0 && heldBytes + stored.body().length > config.queueBytes()) {
                try {
                    lock.wait();
                } catch (InterruptedException e) {
                    return false;
                }
            }
            if (closing) {
                return false; // the rest stays in the spool for the next start
            }
            enqueued.increment(r.spans());
            long now = System.nanoTime();
            if (r.request() != null) {
                // Under the lock, after the closing check: the limits may count drops, which must follow
                // the enqueued count (replay runs once, at start-up).
                add(tenant, pieces.of(r.request(), UnsafeByteOperations.unsafeWrap(stored.body())), ref, now);
            } else {
                addPassthrough(tenant, r.signal(), stored.contentType(), stored.body(), r.items(), ref, now);
            }
            lock.notifyAll();
        }
        ref.release();
        return true;
    }

    private boolean closingNow() {
        synchronized (lock) {
            return closing;
        }
    }
}
