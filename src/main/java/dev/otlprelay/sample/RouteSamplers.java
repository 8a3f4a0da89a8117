package dev.otlprelay.sample;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Every route's {@link Sampler}, asked for one decision per route and trace. Routes that share one sampler instance
 * share its decision: it is asked for the first of them only. A sampler that throws or answers null costs the trace
 * nothing: that route keeps it as {@link #SAMPLER_FAILED}, and a warning is logged at most once per 10 s.
 *
 * <p>{@link #decide} is called under the sampling stage's lock, so each sampler sees one trace at a time;
 * {@link #everyRouteDecidesOnRoot} is called outside it (the routes never change).
 */
final class RouteSamplers {
    /** The stage's logger: the warning's line ({@code SamplingStage: sampling: a sampler failed ...}) is a contract. */
    private static final Logger LOG = Logger.getLogger(SamplingStage.class.getName());
    private static final long WARN_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);
    /** What a route gets when its sampler fails: keeping loses nothing, and the rule name says why. */
    static final Decision SAMPLER_FAILED = Decision.keep(1, "sampler_error", "sampler_error");

    private final List<Route> routes;
    /** For each route, the first route with the same sampler instance (itself if none before it). */
    private final int[] decidedBy;
    private final AtomicLong lastSamplerWarning = new AtomicLong(System.nanoTime() - WARN_INTERVAL_NANOS);

    RouteSamplers(List<Route> routes) {
        this.routes = routes;
        decidedBy = new int[routes.size()];
        for (int i = 0; i < decidedBy.length; i++) {
            decidedBy[i] = i;
            for (int j = i - 1; j >= 0; j--) {
                if (routes.get(j).sampler() == routes.get(i).sampler()) {
                    decidedBy[i] = j;
                }
            }
        }
    }

    /**
     * Whether no span still to come can change any route's decision once a trace's true root (no parent) is held:
     * every route's sampler decides from the root alone ({@link Sampler#decidesOnRoot()}). Asked once per request.
     */
    boolean everyRouteDecidesOnRoot() {
        for (Route route : routes) {
            if (!route.sampler().decidesOnRoot()) {
                return false;
            }
        }
        return true;
    }

    /** Each route's decision on the trace, in route order. Called under the stage's lock. */
    Decision[] decide(BufferedTrace trace) {
        Decision[] decisions = new Decision[routes.size()];
        for (int i = 0; i < decisions.length; i++) {
            decisions[i] = decidedBy[i] < i ? decisions[decidedBy[i]] : ask(routes.get(i).sampler(), trace);
        }
        return decisions;
    }

    private Decision ask(Sampler sampler, BufferedTrace trace) {
        Decision d;
        try {
            d = sampler.decide(trace);
        } catch (RuntimeException e) {
            warnSamplerFailed(e);
            return SAMPLER_FAILED;
        }
        if (d == null) {
            warnSamplerFailed(new NullPointerException(sampler.getClass().getName() + " returned no decision"));
            return SAMPLER_FAILED;
        }
        return d;
    }

    private void warnSamplerFailed(RuntimeException e) {
        long now = System.nanoTime();
        long last = lastSamplerWarning.get();
        if (now - last >= WARN_INTERVAL_NANOS && lastSamplerWarning.compareAndSet(last, now)) {
            LOG.log(Level.WARNING, "sampling: a sampler failed; keeping the trace (sampling.rule=sampler_error); "
                    + "further failures within 10s are not logged", e);
        }
    }
}
