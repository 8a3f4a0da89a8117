package dev.otlprelay.export.honeycomb;

import dev.otlprelay.config.HoneycombConfig;
import dev.otlprelay.export.Backoff;
import dev.otlprelay.export.DeliveryLedger;
import dev.otlprelay.pipeline.DropReason;
import dev.otlprelay.telemetry.RateLimitedLog;
import dev.otlprelay.telemetry.RelayMetrics;
import io.micrometer.core.instrument.Counter;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Sends what {@link HoneycombQueue} holds and settles each answer: one dispatcher thread seals batches when their
 * time is up and hands ready ones to a pool of senders; a batch waiting for its retry holds no thread, and at most
 * half of the senders work on retries at once (the retry budget).
 *
 * <p>An answer is one of four outcomes ({@link HoneycombClient.Outcome}): delivered (what a partial success names
 * is dropped), too large (sent again as halves), retry later (after a back-off honouring {@code Retry-After}, until
 * {@code retry_max_elapsed}) or refused (dropped with the status as the reason).
 */
final class HoneycombSender {
    private static final long CLOSING_RETRY_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

    private final HoneycombConfig config;
    private final HoneycombQueue queue;
    private final DeliveryLedger accounts;
    private final RelayMetrics metrics;
    private final RateLimitedLog warnings;
    private final HoneycombClient client;
    private final Backoff backoff;
    private final int senders;
    private final int retryBudget;
    private final ExecutorService senderPool;
    private final Thread dispatcher;
    private final Counter retries;

    HoneycombSender(HoneycombConfig config, HoneycombQueue queue, DeliveryLedger accounts,
                    RelayMetrics metrics, RateLimitedLog warnings, Clock clock) {
        this.config = config;
        this.queue = queue;
        this.accounts = accounts;
        this.metrics = metrics;
        this.warnings = warnings;
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
        HoneycombConfig.RetryConfig rt = config.retry();
        this.backoff = new Backoff(rt.initialBackoff(), rt.multiplier(), rt.jitter(), rt.maxBackoff(),
                () -> ThreadLocalRandom.current().nextDouble());
        this.dispatcher = new Thread(this::dispatch, "honeycomb-dispatch");
        this.dispatcher.setDaemon(true);
        this.retries = metrics.exporterRetries(HoneycombDestination.NAME);
    }

    void start() {
        dispatcher.start();
    }

    /** Whether the dispatcher thread has ended (it ends only when the queue stops, or by an error). */
    boolean dispatcherEnded() {
        return dispatcher.getState() == Thread.State.TERMINATED;
    }

    /** Stops the senders; what they still hold was counted when the queue stopped. */
    void shutdown() {
        senderPool.shutdownNow();
    }

    private void dispatch() {
        long batchTimeout = config.batch().timeout().toNanos();
        synchronized (queue) {
            while (!queue.stopped()) {
                long nextWake = queue.sealDue(System.nanoTime(), batchTimeout);
                queue.startSends(senders, retryBudget, (o, retry) -> senderPool.execute(() -> send(o, retry)));
                long waitNanos = nextWake - System.nanoTime();
                if (waitNanos > 0) {
                    try {
                        TimeUnit.NANOSECONDS.timedWait(queue, waitNanos);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }
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
        // Splitting a refused batch decodes and encodes it again (up to batch_max_bytes): outside the monitor that
        // accept(), on the event loops, waits for.
        List<Outbound> halves = result.outcome() == HoneycombClient.Outcome.TOO_LARGE ? o.halves() : null;
        synchronized (queue) {
            queue.attempted(o, retry);
            if (!queue.stopped()) {
                settle(o, result, halves);
            }
            // Else the drain deadline has counted this batch already, as dropped or left in the spool: counting its
            // outcome too would count it twice (and hold negative bytes). Its spool records stay unacknowledged.
            queue.notifyAll();
        }
    }

    /**
     * Decides what an attempt's result means for the batch. Caller holds the queue's monitor. {@code halves} are the
     * batch's halves when Honeycomb refused it as too large (computed before taking the monitor), null when it
     * cannot split.
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
        queue.release(o);
        o.releaseRefs();
        if (!o.isTraces() && r.rejectedSpans() > 0) {
            // The metrics and logs responses carry their partial success in the same field: data points or
            // log records rejected.
            long items = Math.min(r.rejectedSpans(), o.items);
            accounts.dropItems(o.signal, items, DropReason.PARTIAL_SUCCESS);
            warnings.warn("partial_success", "Honeycomb rejected " + items + " of " + o.items + " "
                    + o.path + " items: " + r.message());
        }
        long rejected = Math.min(r.rejectedSpans(), o.spanCount);
        accounts.sent(o.spanCount - rejected);
        if (rejected > 0) {
            accounts.drop(rejected, DropReason.PARTIAL_SUCCESS);
            warnings.warn("partial_success", "Honeycomb rejected " + rejected + " of " + o.spanCount
                    + " spans: " + r.message());
        }
    }

    /** 413: sent again as its two halves, or dropped when it cannot be split. */
    private void tooLarge(Outbound o, HoneycombClient.Response r, List<Outbound> halves) {
        metrics.sendFailedSpans(HoneycombDestination.NAME, "http_413").increment(o.spanCount);
        if (halves == null) {
            queue.release(o);
            o.releaseRefs();
            dropAll(o, DropReason.TOO_LARGE);
            warnings.warn("too_large", "Honeycomb refused a single span as too large (" + r.message() + ")");
        } else {
            queue.sendNext(halves);
        }
    }

    /** 429, 5xx of retry_on, timeout, connection error: retried after a back-off until retry_max_elapsed. */
    private void retryOrGiveUp(Outbound o, HoneycombClient.Response r) {
        String reason = r.status() == 0 ? (r.message().startsWith("timeout") ? "timeout" : "connection")
                : "http_" + r.status();
        metrics.sendFailedSpans(HoneycombDestination.NAME, reason).increment(o.spanCount);
        o.failedAttempts++;
        Duration delay = backoff.delay(o.failedAttempts, r.retryAfter());
        long elapsed = System.nanoTime() - o.firstAttemptNanos;
        if (queue.closing()) {
            // During shutdown a failed batch keeps trying until drain()'s deadline, gently.
            queue.retryAt(o, System.nanoTime() + CLOSING_RETRY_NANOS);
            return;
        }
        if (elapsed + delay.toNanos() > config.retry().maxElapsed().toNanos()) {
            queue.release(o);
            o.releaseRefs();
            dropAll(o, DropReason.RETRIES_EXHAUSTED);
            warnings.warn("retries_exhausted", "giving up on " + o.spanCount + " spans after "
                    + o.failedAttempts + " attempts over " + Duration.ofNanos(elapsed).toSeconds()
                    + "s; last: " + r.message());
            return;
        }
        retries.increment();
        queue.retryAt(o, System.nanoTime() + delay.toNanos());
        warnings.warn("retry", "Honeycomb send failed (" + r.message() + "); retrying "
                + o.spanCount + " spans in " + delay.toMillis() + "ms");
    }

    /** Any other status: not retried, dropped with the status as the reason. */
    private void refused(Outbound o, HoneycombClient.Response r) {
        queue.release(o);
        o.releaseRefs();
        DropReason reason = DropReason.refusedWith(r.status());
        metrics.sendFailedSpans(HoneycombDestination.NAME, reason.tag()).increment(o.spanCount);
        dropAll(o, reason);
        warnings.warn(reason.tag(), "Honeycomb refused " + (o.isTraces() ? o.spanCount + " spans" : o.path)
                + " for " + o.tenant + ": " + r.message() + " (not retried)");
    }

    /** Everything the request holds given up on: its spans, or its data points or log records. */
    private void dropAll(Outbound o, DropReason reason) {
        if (o.isTraces()) {
            accounts.drop(o.spanCount, reason);
        } else {
            accounts.dropItems(o.signal, o.items, reason);
        }
    }
}
