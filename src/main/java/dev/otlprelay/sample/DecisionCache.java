package dev.otlprelay.sample;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the stage remembers of traces it has decided, so that spans arriving late follow the decision instead
 * of starting a new trace.
 *
 * <ul>
 *   <li><b>Kept</b> traces (kept for at least one route) are remembered exactly: trace id → each route's
 *       {@link Decision}, the {@code keptCacheTraces} most recently decided (insertion order; the oldest is
 *       forgotten first). A late span is never taken for kept by mistake.</li>
 *   <li><b>Dropped</b> traces (dropped for every route) are remembered as 64-bit fingerprints in a
 *       {@link FingerprintSet} of {@code droppedFilterTraces} slots: 8 bytes per trace, so it can be sized far
 *       beyond the live traces. A false hit (a new trace taken for a dropped one) needs a full 64-bit fingerprint
 *       collision in one bucket: below 10⁻¹² per new trace at the default size.</li>
 *   <li><b>Forgotten</b>: ids pushed out of either are put into a third fingerprint set, so that a late span
 *       whose decision is gone can be counted as {@code forgotten}. Such a span starts a new trace, which is
 *       held and decided again on its own (the samplers then see only the late spans). This set forgets too:
 *       an id forgotten long ago is indistinguishable from a new trace.</li>
 * </ul>
 * Not thread-safe: the sampling stage guards it with its lock.
 */
final class DecisionCache {
    private final Map<TraceKey, Decision[]> kept;
    private final FingerprintSet dropped;
    private final FingerprintSet forgotten;

    DecisionCache(int keptCapacity, int droppedCapacity) {
        if (keptCapacity < 1) {
            throw new IllegalArgumentException("keptCacheTraces: " + keptCapacity + " (expected: >= 1)");
        }
        dropped = new FingerprintSet(droppedCapacity);
        // Forgetting is rarer than deciding; a quarter of the dropped filter (or the kept cache, if larger)
        // remembers forgotten ids for as long as late spans are plausible.
        forgotten = new FingerprintSet(Math.max(keptCapacity, Math.max(1, droppedCapacity / 4)));
        kept = new LinkedHashMap<>(Math.min(keptCapacity, 1 << 16), 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<TraceKey, Decision[]> eldest) {
                if (size() > keptCapacity) {
                    forgotten.add(eldest.getKey().fingerprint());
                    return true;
                }
                return false;
            }
        };
    }

    /** Remembers a trace's decisions, one per route. */
    void record(TraceKey key, Decision[] decisions) {
        for (Decision d : decisions) {
            if (d.keep()) {
                kept.put(key, decisions);
                return;
            }
        }
        long evicted = dropped.add(key.fingerprint());
        if (evicted != 0) {
            forgotten.add(evicted);
        }
    }

    /** The decisions of a trace kept for some route, or null. */
    Decision[] kept(TraceKey key) {
        return kept.get(key);
    }

    /** Whether the trace was dropped for every route (subject to the rare false hit described above). */
    boolean dropped(TraceKey key) {
        return dropped.contains(key.fingerprint());
    }

    /** Whether the trace was decided once and its decision has since been forgotten. */
    boolean forgotten(TraceKey key) {
        return forgotten.contains(key.fingerprint());
    }

    int keptSize() {
        return kept.size();
    }
}
