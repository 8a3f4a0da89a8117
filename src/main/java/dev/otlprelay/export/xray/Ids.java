package dev.otlprelay.export.xray;

import com.google.protobuf.ByteString;

/**
 * OTLP ids in X-Ray's text forms. Span and trace ids are written into a caller's buffer, for the generator to copy
 * from, rather than into a new String per id: three per document.
 */
final class Ids {
    /** Characters of a trace id's text: {@code 1-} then 8 hex digits, {@code -}, 24 hex digits. */
    static final int TRACE_ID_CHARS = 35;
    /** Characters of a span id's text: 16 hex digits. */
    static final int SPAN_ID_CHARS = 16;
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private Ids() {
    }

    /** {@code id}, when it is a trace id (16 bytes). */
    static ByteString requireTraceId(ByteString id) {
        if (id.size() != 16) {
            throw new IllegalArgumentException("trace id: " + id.size() + " bytes (expected: 16)");
        }
        return id;
    }

    /** {@code id}, when it is a span id (8 bytes). */
    static ByteString requireSpanId(ByteString id) {
        if (id.size() != 8) {
            throw new IllegalArgumentException("span id: " + id.size() + " bytes (expected: 8)");
        }
        return id;
    }

    /**
     * Writes {@code 1-{first 8 hex}-{remaining 24 hex}} at the start of {@code out} and returns its length,
     * {@value #TRACE_ID_CHARS}. X-Ray ids carry the trace's start time in the first 32 bits; OpenTelemetry's random
     * ids do not, and are converted the same way rather than dropped (X-Ray accepts W3C-style ids; see
     * docs/xray.md).
     */
    static int traceId(ByteString id, char[] out) {
        requireTraceId(id);
        out[0] = '1';
        out[1] = '-';
        hex(id, 0, 4, out, 2);
        out[10] = '-';
        hex(id, 4, 16, out, 11);
        return TRACE_ID_CHARS;
    }

    /** Writes 16 lower-case hex digits at the start of {@code out} and returns their number. */
    static int spanId(ByteString id, char[] out) {
        requireSpanId(id);
        hex(id, 0, 8, out, 0);
        return SPAN_ID_CHARS;
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
