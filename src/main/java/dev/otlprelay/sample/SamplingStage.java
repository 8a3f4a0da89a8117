package dev.otlprelay.sample;

import dev.otlprelay.config.SamplingConfig;
import dev.otlprelay.pipeline.Acceptance;
import dev.otlprelay.pipeline.Batch;
import dev.otlprelay.pipeline.BatchConsumer;
import dev.otlprelay.pipeline.DropReason;
import dev.otlprelay.pipeline.PassthroughBatch;
import dev.otlprelay.pipeline.TraceBatch;
import dev.otlprelay.telemetry.RelayMetrics;
import dev.otlprelay.telemetry.SamplerMetrics;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The sampling stage: holds spans per trace id until the trace can be decided whole, asks each route's
 * {@link Sampler} once, and hands each route the traces it keeps, stamped with their weight.
 *
 * <p>This class is the way in and holds the flow: its lock, its threads, starting and stopping. Under the lock,
 * {@link TraceDecider} files arriving spans into the {@link TraceBuffer} (or after the decision the
 * {@link DecisionCache} remembers) and decides traces, asking the samplers through {@link RouteSamplers};
 * {@link SamplingLedger} counts every decision and late span and keeps each route's {@link Outbox}. Outside the
 * lock, {@link Handoff} stamps and batches what was decided into the outboxes.
 *
 * <h2>When a trace is decided</h2>
 * <ul>
 *   <li>{@code root}: at once, on the accepting thread, when its true root (a span with no parent) arrives and every
 *       route's sampler {@linkplain Sampler#decidesOnRoot() decides from the root alone} (X-Ray rules, conditions
 *       other than {@code error}): no span still to come can change the decision, and most traces are dropped, so
 *       holding them would only cost memory. Their later spans are late spans (below);</li>
 *   <li>{@code root_delay}: {@code decisionWait} after its local root arrived (a span with no parent, or a
 *       {@code SERVER} / {@code CONSUMER} span: see {@link BufferedTrace}), so that children ending just after the
 *       root are still included;</li>
 *   <li>{@code timeout}: {@code traceTimeout} after its first span, when no local root came;</li>
 *   <li>{@code span_limit}: at once, on the accepting thread, when it holds {@code maxSpansPerTrace} spans;</li>
 *   <li>{@code ejected}: at once, on the accepting thread, oldest first, when holding a request's spans would take
 *       more than {@code maxLiveTraces} traces or {@code maxBufferBytes} bytes;</li>
 *   <li>{@code shutdown}: every held trace, in {@link #stop}.</li>
 * </ul>
 * Deadlines are checked by {@link #tick()}, every 100 ms on the stage's own thread once {@link #start()}ed (tests
 * call it directly with a fake clock). No span of a trace is handed on before the trace is decided.
 *
 * <h2>Late spans</h2>
 * A span whose trace is already decided follows the remembered decision ({@link DecisionCache}) and is handed
 * on at once, on the caller's thread, without buffering. A span whose decision has been forgotten is counted
 * ({@code late_spans_total{decision="forgotten"}}) and starts a new trace, held and decided again.
 *
 * <h2>Routes and batches</h2>
 * Each route gets its own decision (routes sharing a sampler instance share it) and its own copy of each kept
 * span, stamped by {@link WeightStamp} ({@code SampleRate}, {@code sampling.rule}, {@code sampling.reason},
 * tracestate {@code th}). Kept spans are rebuilt into requests grouped by resource and scope, one per client
 * context: spans that came with different Honeycomb keys never share a batch. A route's consumer that answers
 * {@link Acceptance#RETRY_LATER} keeps its batches in the route's {@link Outbox}, retried on every tick; an
 * answer {@code whenDurable} counts as taken. Metrics and logs ({@link PassthroughBatch}) are not sampled: they
 * go unchanged to the pass-through consumer given at construction, whose answer is the stage's.
 *
 * <h2>Memory and back-pressure</h2>
 * Held spans are measured by {@link io.opentelemetry.proto.trace.v1.Span#getSerializedSize()}. A request is
 * refused with {@link Acceptance#RETRY_LATER} (nothing taken, nothing counted) only when the decided spans
 * waiting in outboxes and the request together exceed {@code maxBufferBytes}: ejecting held traces cannot make
 * room then, because the routes are not taking what was already decided. Otherwise it is taken and, if needed,
 * the oldest held traces are decided early until the buffer fits beside the outboxes again. Traces ejected while
 * a route pushes back wait in its outbox, so outboxes may overshoot the bound until that route catches up; no new
 * request is taken meanwhile.
 *
 * <h2>Accounting</h2>
 * For every route, whenever {@link #stats()} is read with no call in progress:
 * <pre>
 *   accepted_spans = forwarded_spans{destination} + sampled_out_spans{exporter} + buffered_spans
 *                    + outbox_spans{destination} + dropped_spans{exporter, reason}
 * </pre>
 * where {@code buffered_spans} are held in undecided traces, {@code outbox_spans} are kept and not yet taken
 * by the route, and {@code dropped_spans} are those a route never took because the stage stopped first
 * ({@code shutdown}) or its consumer threw ({@code export_failed}).
 *
 * <h2>Threads</h2>
 * {@link #accept} is called from many receiver threads at once: a request's spans are grouped by trace id before
 * one short lock is taken to look up and append; samplers are called under that lock (so each sampler sees one
 * trace at a time); stamping, building batches and handing them on happen outside it. Nothing blocks. A request
 * that ejects many traces decides them {@value TraceDecider#DECISIONS_PER_LOCK} per hold of the lock, handing each
 * lot on before it takes the lock again, so other requests go through meanwhile; it returns once all are decided.
 */
public final class SamplingStage implements BatchConsumer, AutoCloseable {
    private static final Logger LOG = Logger.getLogger(SamplingStage.class.getName());
    /** Ticks missing this long mean the deciding thread has stopped. */
    private static final long DEAD_AFTER_NANOS = TimeUnit.SECONDS.toNanos(30);
    private volatile long lastTickNanos;

    /** How often deadlines are checked and outboxes retried. */
    static final Duration TICK = Duration.ofMillis(100);
    private static final long RETRY_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    private final List<Route> routes;
    private final RouteSamplers samplers;
    private final Outbox[] outboxes;
    private final BatchConsumer passthrough;
    private final LongSupplier nanoClock;
    private final long maxBufferBytes;

    /** Calls between their locked section and the end of their hand-off: {@link #stop} waits for them. */
    private final AtomicInteger handingOn = new AtomicInteger();

    private final Object lock = new Object();
    // Guarded by lock, with what they hold (the decider holds buffer and cache; outboxes lock themselves):
    private final TraceBuffer buffer;
    private final SamplingLedger ledger;
    private final TraceDecider decider;
    private boolean stopped;
    private ScheduledExecutorService ticker;

    /** One route's snapshot for the admin endpoint. */
    public record RouteStats(String name, long keptTraces, long droppedTraces, long forwardedSpans,
                             long sampledOutSpans, long outboxSpans, long outboxBytes, long droppedSpans) {
    }

    /** The stage's snapshot for the admin endpoint; see the class comment for how the numbers relate. */
    public record Stats(int liveTraces, long bufferedSpans, long bufferedBytes, long acceptedSpans,
                        List<RouteStats> routes) {
    }

    public SamplingStage(SamplingConfig config, List<Route> routes, BatchConsumer passthrough, RelayMetrics metrics) {
        this(config, routes, passthrough, metrics, System::nanoTime);
    }

    /**
     * @param config      the {@code sampling} section, as {@code ConfigLoader} checked it (every bound at least 1,
     *                    {@code trace_timeout} > 0): it is not checked again here
     * @param routes      the destinations, in order; each route's name must be unique
     * @param passthrough where metrics and logs go, unchanged
     * @param nanoClock   the clock of decision deadlines ({@link System#nanoTime()} semantics)
     */
    public SamplingStage(SamplingConfig config, List<Route> routes, BatchConsumer passthrough, RelayMetrics metrics,
                         LongSupplier nanoClock) {
        this.routes = List.copyOf(routes);
        this.passthrough = passthrough;
        this.nanoClock = nanoClock;
        this.maxBufferBytes = config.maxBufferBytes();
        this.buffer = new TraceBuffer(config.decisionWait().toNanos(), config.traceTimeout().toNanos());
        DecisionCache cache = new DecisionCache(config.keptCacheTraces(), config.droppedFilterTraces());
        this.ledger = new SamplingLedger(this.routes,
                new SamplerMetrics(metrics, this::liveTraces, this::bufferedSpans, this::bufferedBytes));
        this.outboxes = ledger.outboxes();
        this.samplers = new RouteSamplers(this.routes);
        this.decider = new TraceDecider(buffer, cache, samplers, ledger, config.maxSpansPerTrace(),
                config.maxLiveTraces());
    }

    /** Starts the thread that decides traces as their time comes and retries outboxes. */
    public void start() {
        synchronized (lock) {
            if (ticker != null || stopped) {
                return;
            }
            ticker = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "sampler-decide");
                t.setDaemon(true);
                return t;
            });
            lastTickNanos = nanoClock.getAsLong();
            ticker.scheduleWithFixedDelay(this::tickSafely, TICK.toNanos(), TICK.toNanos(), TimeUnit.NANOSECONDS);
        }
    }

    private void tickSafely() {
        lastTickNanos = nanoClock.getAsLong();
        try {
            tick();
        } catch (RuntimeException e) {
            // A failed tick must not end the schedule: the next one tries again.
            LOG.log(Level.WARNING, "sampling: deciding traces failed; retrying on the next tick", e);
        }
    }

    // ---- receiving side ------------------------------------------------------------------------------------

    @Override
    public Acceptance accept(Batch batch) {
        if (batch instanceof PassthroughBatch) {
            return passthrough.accept(batch);
        }
        TraceBatch traces = (TraceBatch) batch;
        boolean atRoot = samplers.everyRouteDecidesOnRoot();
        Arrivals arrivals = new Arrivals(traces, atRoot);
        Handoff handoff = new Handoff();
        long room;
        boolean more;
        synchronized (lock) {
            if (stopped) {
                return Acceptance.RETRY_LATER;
            }
            long decidedBytes = ledger.outboxBytes();
            if (decidedBytes + arrivals.bytes() > maxBufferBytes) {
                return Acceptance.RETRY_LATER;
            }
            ledger.accepted(arrivals.spans());
            long now = nanoClock.getAsLong();
            long lateKeptBytes = 0;
            for (Arrivals.Group group : arrivals.groups()) {
                lateKeptBytes += decider.arrive(group, traces.receivedNanos(), now, atRoot, handoff);
            }
            // The outboxes were measured before this request; what it added to them (late spans) counts once.
            room = maxBufferBytes - decidedBytes - lateKeptBytes;
            more = decider.eject(room, handoff);
            handingOn.incrementAndGet();
        }
        handOn(handoff, more, room);
        return Acceptance.ACCEPTED;
    }

    /**
     * Hands on what a request decided, outside the lock. A request that ejects many traces decides them a lock hold
     * at a time, as tick() does: the other event loops' requests are not kept waiting behind all of them. Returns
     * once all are decided.
     */
    private void handOn(Handoff first, boolean more, long room) {
        try {
            first.handTo(outboxes);
            while (more) {
                Handoff next = new Handoff();
                synchronized (lock) {
                    more = !stopped && decider.eject(room, next);
                }
                next.handTo(outboxes);
            }
        } finally {
            handingOn.decrementAndGet();
        }
    }

    // ---- deciding ------------------------------------------------------------------------------------------

    /**
     * Decides every trace whose time has come ({@code root_delay}, {@code timeout}) and offers every outbox to its
     * route again. Called by the stage's thread every {@link #TICK}; tests call it directly.
     */
    public void tick() {
        long now = nanoClock.getAsLong();
        boolean more = true;
        while (more) {
            Handoff handoff = new Handoff();
            synchronized (lock) {
                if (stopped) {
                    return;
                }
                more = decider.decideDue(now, handoff);
                handingOn.incrementAndGet();
            }
            try {
                handoff.handTo(outboxes);
            } finally {
                handingOn.decrementAndGet();
            }
        }
        for (Outbox outbox : outboxes) {
            outbox.drain();
        }
    }

    // ---- stopping ------------------------------------------------------------------------------------------

    /**
     * Stops taking batches (later ones are answered {@link Acceptance#RETRY_LATER}), decides every held trace
     * (reason {@code shutdown}) and offers the outboxes to their routes until they are empty or the timeout is up.
     * What is left then is counted in {@code otlp_relay_dropped_spans_total{exporter=<route>,reason="shutdown"}}.
     * Call it after the receivers have stopped and before the destinations drain (calls still handing spans on
     * are waited for, within the timeout). Returns the number of spans that were not handed on; a second call
     * does nothing and returns 0.
     */
    public long stop(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        ScheduledExecutorService running;
        synchronized (lock) {
            if (stopped) {
                return 0;
            }
            stopped = true;
            running = ticker;
        }
        if (running != null) {
            running.shutdown();
            try {
                // A tick in progress finishes its hand-offs before the last decisions are made.
                running.awaitTermination(Math.max(1, timeout.toMillis()), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        // Requests taken just before the stop may still be handing their spans to the outboxes.
        while (handingOn.get() > 0 && deadline - System.nanoTime() > 0) {
            LockSupport.parkNanos(RETRY_PAUSE_NANOS / 10);
        }
        Handoff handoff = new Handoff();
        synchronized (lock) {
            decider.decideAll(handoff);
        }
        handoff.handTo(outboxes);
        drainOutboxes(deadline);
        return discardOutboxes();
    }

    /** Offers the outboxes to their routes until they are empty, the deadline passes or the thread is interrupted. */
    private void drainOutboxes(long deadline) {
        while (true) {
            boolean empty = true;
            for (Outbox outbox : outboxes) {
                outbox.drain();
                empty &= outbox.spans() == 0;
            }
            long left = deadline - System.nanoTime();
            if (empty || left <= 0 || Thread.currentThread().isInterrupted()) {
                return;
            }
            LockSupport.parkNanos(Math.min(RETRY_PAUSE_NANOS, left));
        }
    }

    /** Gives up what the outboxes still hold, counted and logged per route; returns how many spans. */
    private long discardOutboxes() {
        long lost = 0;
        for (Outbox outbox : outboxes) {
            long l = outbox.discard(DropReason.SHUTDOWN);
            if (l > 0) {
                LOG.warning("sampling: " + l + " decided spans for " + outbox.name() + " could not be handed on "
                        + "before the shutdown deadline");
            }
            lost += l;
        }
        return lost;
    }

    /** {@link #stop} without waiting: decided spans a route does not take at once are counted as dropped. */
    @Override
    public void close() {
        stop(Duration.ZERO);
    }

    // ---- observing -----------------------------------------------------------------------------------------

    /** Why the stage can no longer decide traces (its ticks stopped, e.g. an Error ended them), or null. */
    public String deadReason() {
        synchronized (lock) {
            if (ticker == null || stopped) {
                return null;
            }
        }
        long silent = nanoClock.getAsLong() - lastTickNanos;
        return silent > DEAD_AFTER_NANOS ? "traces have not been decided for "
                + TimeUnit.NANOSECONDS.toSeconds(silent) + " s (the deciding thread has stopped)" : null;
    }

    /**
     * Why the relay should not be sent more traffic because of this stage, or null: decided spans waiting for
     * their routes hold most of {@code maxBufferBytes}, so requests are about to be answered RETRY_LATER.
     */
    public String notReadyReason() {
        long waiting = ledger.outboxBytes();
        return waiting >= maxBufferBytes * 0.9
                ? String.format("sampling: decided spans waiting for their destinations hold %.0f%% of "
                + "sampling.max_buffer_bytes (%d)", 100.0 * waiting / maxBufferBytes, maxBufferBytes)
                : null;
    }

    public Stats stats() {
        synchronized (lock) {
            return new Stats(buffer.traces(), buffer.spans(), buffer.bytes(), ledger.accepted(), ledger.routeStats());
        }
    }

    private int liveTraces() {
        synchronized (lock) {
            return buffer.traces();
        }
    }

    private long bufferedSpans() {
        synchronized (lock) {
            return buffer.spans();
        }
    }

    private long bufferedBytes() {
        synchronized (lock) {
            return buffer.bytes();
        }
    }

    public List<Route> routes() {
        return routes;
    }
}
