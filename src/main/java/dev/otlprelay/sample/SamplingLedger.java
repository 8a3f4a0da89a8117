package dev.otlprelay.sample;

import dev.otlprelay.telemetry.SamplerMetrics;
import io.micrometer.core.instrument.Counter;
import java.util.ArrayList;
import java.util.List;

/**
 * The sampling stage's accounts, one per route: what it took, what each route sampled out, and each route's
 * {@link Outbox}, where its kept spans are reserved from the moment their trace is decided until the route takes
 * them. With the spans held undecided ({@link TraceBuffer}), these are the terms of the identity in
 * {@link SamplingStage}'s class comment:
 * <pre>
 *   accepted = forwarded{route} + sampledOut{route} + buffered + outbox{route} + dropped{route}
 * </pre>
 * Every decision and every late span is counted here once per route, kept or sampled out, in the same call that
 * reserves kept spans in the outbox, so the identity holds whenever it is read under the stage's lock. The meters
 * are created once, here, in route order (each route's outbox gauges, then its span counters).
 *
 * <p>Not thread-safe: the sampling stage guards the counts with its lock. The outboxes are thread-safe.
 */
final class SamplingLedger {
    private final List<Route> routes;
    private final SamplerMetrics metrics;
    private final Outbox[] outboxes;
    private final Counter[] keptSpansCounters;
    private final Counter[] droppedSpansCounters;
    private final Counter[] sampledOutCounters;
    private final Counter[] triggerCounters;
    private final Counter lateKept;
    private final Counter lateDropped;
    private final Counter lateForgotten;
    private final long[] keptTraces;
    private final long[] droppedTraces;
    private final long[] sampledOut;
    private long accepted;

    /** @param routes the stage's routes, in order; each route's name must be unique (it names the metrics) */
    SamplingLedger(List<Route> routes, SamplerMetrics metrics) {
        this.routes = routes;
        this.metrics = metrics;
        int n = routes.size();
        outboxes = new Outbox[n];
        keptTraces = new long[n];
        droppedTraces = new long[n];
        sampledOut = new long[n];
        keptSpansCounters = new Counter[n];
        droppedSpansCounters = new Counter[n];
        sampledOutCounters = new Counter[n];
        for (int i = 0; i < n; i++) {
            Route route = routes.get(i);
            for (int j = 0; j < i; j++) {
                if (routes.get(j).name().equals(route.name())) {
                    throw new IllegalArgumentException("route name: " + route.name()
                            + " (expected: unique; it names the destination's metrics)");
                }
            }
            outboxes[i] = new Outbox(route.name(), route.consumer(), metrics);
            keptSpansCounters[i] = metrics.spans(route.name(), true);
            droppedSpansCounters[i] = metrics.spans(route.name(), false);
            sampledOutCounters[i] = metrics.sampledOut(route.name());
        }
        triggerCounters = new Counter[DecisionTrigger.values().length];
        for (DecisionTrigger t : DecisionTrigger.values()) {
            triggerCounters[t.ordinal()] = metrics.earlyDecisions(t.tag());
        }
        lateKept = metrics.lateSpans(SamplerMetrics.KEPT);
        lateDropped = metrics.lateSpans(SamplerMetrics.DROPPED);
        lateForgotten = metrics.lateSpans(SamplerMetrics.FORGOTTEN);
    }

    /** Each route's outbox, in route order (the array itself: the stage hands on and drains through it). */
    Outbox[] outboxes() {
        return outboxes;
    }

    /** Bytes of decided spans waiting in the outboxes for their routes. Thread-safe: the outboxes lock themselves. */
    long outboxBytes() {
        long sum = 0;
        for (Outbox o : outboxes) {
            sum += o.bytes();
        }
        return sum;
    }

    /** Spans of a request the stage took. */
    void accepted(int spans) {
        accepted += spans;
        metrics.acceptedSpans().increment(spans);
    }

    /**
     * Counts a trace just decided, for every route: kept spans are reserved in the route's outbox, dropped ones
     * sampled out. Returns whether any route keeps it.
     */
    boolean decided(DecisionTrigger trigger, Decision[] decisions, int spans, long bytes) {
        triggerCounters[trigger.ordinal()].increment();
        boolean anyKept = false;
        for (int i = 0; i < decisions.length; i++) {
            Decision d = decisions[i];
            anyKept |= d.keep();
            metrics.traces(routes.get(i).name(), d.rule(), d.keep()).increment();
            if (d.keep()) {
                keptTraces[i]++;
                keptSpansCounters[i].increment(spans);
                outboxes[i].reserve(spans, bytes);
            } else {
                droppedTraces[i]++;
                sampleOut(i, spans);
            }
        }
        return anyKept;
    }

    /** Counts late spans of a trace kept for some route, as {@link #decided} counts the trace's own. */
    void lateKept(Decision[] decisions, int spans, long bytes) {
        lateKept.increment(spans);
        for (int i = 0; i < decisions.length; i++) {
            if (decisions[i].keep()) {
                keptSpansCounters[i].increment(spans);
                outboxes[i].reserve(spans, bytes);
            } else {
                sampleOut(i, spans);
            }
        }
    }

    /** Counts late spans of a trace dropped for every route: sampled out everywhere. */
    void lateDropped(int spans) {
        lateDropped.increment(spans);
        for (int i = 0; i < outboxes.length; i++) {
            sampleOut(i, spans);
        }
    }

    /** Counts spans whose trace's decision was forgotten; they start a new trace, counted when it is decided. */
    void lateForgotten(int spans) {
        lateForgotten.increment(spans);
    }

    private void sampleOut(int route, int spans) {
        droppedSpansCounters[route].increment(spans);
        sampledOutCounters[route].increment(spans);
        sampledOut[route] += spans;
    }

    long accepted() {
        return accepted;
    }

    /** Each route's accounts, read together with its outbox's. Under the stage's lock. */
    List<SamplingStage.RouteStats> routeStats() {
        List<SamplingStage.RouteStats> perRoute = new ArrayList<>(routes.size());
        for (int i = 0; i < routes.size(); i++) {
            Outbox.Snapshot o = outboxes[i].snapshot();
            perRoute.add(new SamplingStage.RouteStats(routes.get(i).name(), keptTraces[i], droppedTraces[i],
                    o.forwarded(), sampledOut[i], o.spans(), o.bytes(), o.dropped()));
        }
        return List.copyOf(perRoute);
    }
}
