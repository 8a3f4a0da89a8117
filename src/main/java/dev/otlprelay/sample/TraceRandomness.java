package dev.otlprelay.sample;

import com.google.protobuf.ByteString;

/**
 * The trace id as a source of randomness, as OpenTelemetry's consistent probability sampling reads it: the 56 low
 * bits of the id (bytes 9..15, big-endian) are the randomness R, a probability p becomes the rejection threshold
 * T = round((1 − p) · 2^56), and a trace is kept iff R ≥ T. Every replica that sees the same trace id with the same
 * p makes the same decision, and a lower p keeps a subset of what a higher p keeps.
 *
 * <p>Weights that are not whole numbers (1/p) are rounded stochastically but deterministically, from the bits the
 * decision does not use (bytes 0..7, hashed: X-Ray trace ids start with a timestamp), so that the expected weight
 * is exact and the rounding does not correlate with the keep decision.
 */
public final class TraceRandomness {
    /** 2^56: the threshold that keeps nothing, and the number of distinct randomness values. */
    public static final long NEVER = 1L << 56;

    private static final int TRACE_ID_BYTES = 16;
    private static final double TWO_POW_56 = 0x1.0p56;
    /** A weight this close to a whole number is that number: 1/0.1 computed through a threshold is 10.000000000000002. */
    private static final double WHOLE = 1e-9;

    private TraceRandomness() {
    }

    /** R: the 56 low bits of the 16-byte trace id. */
    public static long randomness(ByteString traceId) {
        checkLength(traceId);
        long r = 0;
        for (int i = 9; i < TRACE_ID_BYTES; i++) {
            r = (r << 8) | (traceId.byteAt(i) & 0xff);
        }
        return r;
    }

    /** T for a keep probability p in [0, 1]: 0 keeps every trace, {@link #NEVER} keeps none. */
    public static long threshold(double p) {
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException("p: " + p + " (expected: 0 to 1)");
        }
        // 2^56 − round(p · 2^56) is round((1 − p) · 2^56) computed without the error of 1 − p in doubles: p · 2^56
        // only shifts p's exponent, so p = 0.1 gives the th:e6666666666666 the OpenTelemetry tools expect.
        return NEVER - Math.round(p * TWO_POW_56);
    }

    /**
     * The tracestate {@code ot=th:} value for T: 14 hex digits without trailing zeros, "0" when T is 0. T ==
     * {@link #NEVER} has no encoding: such a decision never keeps a trace, so nothing carries it.
     */
    public static String thresholdHex(long threshold) {
        if (threshold < 0 || threshold >= NEVER) {
            throw new IllegalArgumentException("threshold: " + threshold + " (expected: 0 to 2^56 - 1)");
        }
        if (threshold == 0) {
            return "0";
        }
        // Per kept span (WeightStamp), so no Formatter: the digits, left-padded to 14, trailing zeros dropped.
        String digits = Long.toHexString(threshold);
        String hex = "0".repeat(14 - digits.length()) + digits;
        int end = hex.length();
        while (hex.charAt(end - 1) == '0') {
            end--;
        }
        return hex.substring(0, end);
    }

    /** Whether the trace passes threshold T: R ≥ T. */
    public static boolean keeps(ByteString traceId, long threshold) {
        return randomness(traceId) >= threshold;
    }

    /** How many traces one kept at threshold T stands for: 2^56 / (2^56 − T), i.e. 1/p for the exact p of T. */
    public static double adjustedCount(long threshold) {
        if (threshold < 0 || threshold >= NEVER) {
            throw new IllegalArgumentException("threshold: " + threshold + " (expected: 0 to 2^56 - 1)");
        }
        return TWO_POW_56 / (TWO_POW_56 - threshold);
    }

    /**
     * A weight ≥ 1 rounded to a whole number: up with probability frac(weight), else down, decided by the trace id's
     * bytes 0..7 (hashed), so that the expectation over traces is the weight itself and the same trace always gets
     * the same rounding.
     */
    public static long roundWeight(ByteString traceId, double weight) {
        if (!(weight >= 1) || Double.isInfinite(weight)) {
            throw new IllegalArgumentException("weight: " + weight + " (expected: a finite number >= 1)");
        }
        long whole = (long) Math.floor(weight);
        double fraction = weight - whole;
        if (fraction < WHOLE) {
            return whole;
        }
        if (1 - fraction < WHOLE) {
            return whole + 1;
        }
        return uniform(traceId) < fraction ? whole + 1 : whole;
    }

    /** A number in [0, 1) from bytes 0..7 of the trace id, independent of {@link #randomness}. */
    static double uniform(ByteString traceId) {
        checkLength(traceId);
        long high = 0;
        for (int i = 0; i < 8; i++) {
            high = (high << 8) | (traceId.byteAt(i) & 0xff);
        }
        return (mix(high) >>> 11) * 0x1.0p-53;
    }

    /** SplitMix64's finaliser: every input bit affects every output bit. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    private static void checkLength(ByteString traceId) {
        if (traceId.size() != TRACE_ID_BYTES) {
            throw new IllegalArgumentException("traceId: " + traceId.size() + " bytes (expected: 16)");
        }
    }
}
