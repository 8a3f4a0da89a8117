package dev.otlprelay.export.xray;

import com.google.protobuf.ByteString;

/** OTLP ids in X-Ray's text forms. */
final class Ids {
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private Ids() {
    }

    /**
     * {@code 1-{first 8 hex}-{remaining 24 hex}}. X-Ray ids carry the trace's start time in the first 32 bits;
     * OpenTelemetry's random ids do not, and are converted the same way rather than dropped (X-Ray accepts
     * W3C-style ids; see docs/xray.md).
     */
    static String traceId(ByteString id) {
        if (id.size() != 16) {
            throw new IllegalArgumentException("trace id: " + id.size() + " bytes (expected: 16)");
        }
        char[] out = new char[35];
        out[0] = '1';
        out[1] = '-';
        hex(id, 0, 4, out, 2);
        out[10] = '-';
        hex(id, 4, 16, out, 11);
        return new String(out);
    }

    /** 16 lower-case hex digits. */
    static String spanId(ByteString id) {
        if (id.size() != 8) {
            throw new IllegalArgumentException("span id: " + id.size() + " bytes (expected: 8)");
        }
        char[] out = new char[16];
        hex(id, 0, 8, out, 0);
        return new String(out);
    }

    /** Whether a parent span id is set (8 bytes, not all zero). */
    static boolean present(ByteString id) {
        if (id.size() != 8) {
            return false;
        }
        for (int i = 0; i < 8; i++) {
            if (id.byteAt(i) != 0) {
                return true;
            }
        }
        return false;
    }

    /**
     * An exception id derived from the span id and the exception's position, so that the same span always yields
     * the same document (retries and golden tests alike) and ids differ across the trace's spans.
     */
    static String exceptionId(ByteString spanId, int index) {
        long x = 0;
        for (int i = 0; i < spanId.size() && i < 8; i++) {
            x = (x << 8) | (spanId.byteAt(i) & 0xff);
        }
        x += 0x9E3779B97F4A7C15L * (index + 1);
        // SplitMix64 finaliser: a bijection, so distinct inputs give distinct ids.
        x = (x ^ (x >>> 30)) * 0xBF58476D1CE4E5B9L;
        x = (x ^ (x >>> 27)) * 0x94D049BB133111EBL;
        x = x ^ (x >>> 31);
        char[] out = new char[16];
        for (int i = 15; i >= 0; i--) {
            out[i] = HEX[(int) (x & 0xf)];
            x >>>= 4;
        }
        return new String(out);
    }

    private static void hex(ByteString id, int from, int to, char[] out, int at) {
        for (int i = from; i < to; i++) {
            int b = id.byteAt(i) & 0xff;
            out[at++] = HEX[b >>> 4];
            out[at++] = HEX[b & 0xf];
        }
    }
}
