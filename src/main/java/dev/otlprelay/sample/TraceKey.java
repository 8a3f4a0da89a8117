package dev.otlprelay.sample;

import com.google.protobuf.ByteString;

/**
 * A 16-byte trace id as two longs: a compact map key (no copy of the id's bytes) and the source of the 64-bit
 * fingerprint the dropped-id filter stores. Ids of other lengths (the receiver lets none through) still work:
 * their bytes are folded in, so distinct odd ids may share a key.
 */
record TraceKey(long hi, long lo) {

    static TraceKey of(ByteString id) {
        long hi = 0;
        long lo = 0;
        int n = id.size();
        for (int i = 0; i < n; i++) {
            long b = id.byteAt(i) & 0xff;
            if (i % 16 < 8) {
                hi = hi << 8 | b;
            } else {
                lo = lo << 8 | b;
            }
        }
        return new TraceKey(hi, lo);
    }

    /**
     * A well-mixed 64-bit fingerprint, never 0 (0 marks an empty slot). Trace ids are random, but not every SDK
     * fills all 16 bytes randomly (X-Ray ids start with a timestamp), so both halves go through a full mix.
     */
    long fingerprint() {
        long h = mix(hi * 0x9E3779B97F4A7C15L + lo);
        return h == 0 ? 1 : h;
    }

    @Override
    public int hashCode() {
        long h = mix(hi ^ Long.rotateLeft(lo, 29));
        return (int) (h ^ (h >>> 32));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TraceKey k && k.hi == hi && k.lo == lo;
    }

    /** MurmurHash3's 64-bit finaliser. */
    private static long mix(long h) {
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }
}
