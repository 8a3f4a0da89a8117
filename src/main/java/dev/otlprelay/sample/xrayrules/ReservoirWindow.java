package dev.otlprelay.sample.xrayrules;

/**
 * One rule's current one-second window (whole seconds of the relay's nano clock): how many traces the reservoir
 * has taken in it, so that no window ever holds more than the reservoir; and how many traces matched and were
 * kept, so that when the window closes its measured weight (matched ÷ kept) is known. The weight a window reports
 * is that of the last complete window that kept a trace (1 before any): the current one is not finished while its
 * traces are decided.
 */
final class ReservoirWindow {
    private long second = Long.MIN_VALUE;
    private long matched;
    private long kept;
    private long taken;
    private double measuredWeight = 1;

    /** Counts a matching trace at {@code now} and whether the reservoir takes it. */
    synchronized boolean take(long now, int capacity) {
        roll(now);
        matched++;
        if (taken < capacity) {
            taken++;
            kept++;
            return true;
        }
        return false;
    }

    /** Counts a trace the fixed rate kept beyond the reservoir. */
    synchronized void countKept(long now) {
        roll(now);
        kept++;
    }

    /** The last complete window's matched ÷ kept, as of the last call that counted. */
    synchronized double measuredWeight() {
        return measuredWeight;
    }

    /** Whether {@link #take} would take a trace at {@code now}, without counting it. */
    synchronized boolean wouldTake(long now, int capacity) {
        return now > second ? capacity > 0 : taken < capacity;
    }

    /** The measured weight a trace arriving at {@code now} would get, without counting it. */
    synchronized double measuredWeightAt(long now) {
        return now > second ? closing() : measuredWeight;
    }

    /** A clock that does not advance keeps the current window: a window only ever moves forward. */
    private void roll(long now) {
        if (now > second) {
            measuredWeight = closing();
            second = now;
            matched = 0;
            kept = 0;
            taken = 0;
        }
    }

    /** The weight once the current window closes; a window that kept nothing does not change it. */
    private double closing() {
        return kept > 0 ? (double) matched / kept : measuredWeight;
    }
}
