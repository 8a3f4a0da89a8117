package dev.otlprelay.sample;

/**
 * A fixed-size set of 64-bit fingerprints that forgets its oldest entries: the compact memory of trace ids
 * whose decision was "dropped" (8 bytes per id instead of a map entry), and of ids the relay has forgotten.
 *
 * <p>Slots are grouped in buckets of eight (one cache line); a fingerprint lives in the bucket its own bits
 * choose. When a bucket is full, the entry added longest ago in that bucket is replaced (FIFO per bucket), so an
 * id is remembered for roughly {@code capacity} later additions. A lookup compares eight whole fingerprints: a
 * different id is taken for a member only when its fingerprint equals a stored one in every bit, about
 * {@code 8 / 2^(64 - log2(buckets))} per lookup (below 10⁻¹² at two million entries).
 *
 * <p>Not thread-safe: the sampling stage guards it with its lock.
 */
final class FingerprintSet {
    private static final int WAYS = 8;

    private final long[] slots;
    private final byte[] next;
    private final int bucketMask;

    /** Room for at least {@code capacity} fingerprints (rounded up to a power of two). */
    FingerprintSet(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity: " + capacity + " (expected: >= 1)");
        }
        int buckets = Integer.highestOneBit(Math.max(1, (capacity + WAYS - 1) / WAYS));
        if (buckets * WAYS < capacity) {
            buckets <<= 1;
        }
        slots = new long[buckets * WAYS];
        next = new byte[buckets];
        bucketMask = buckets - 1;
    }

    int capacity() {
        return slots.length;
    }

    boolean contains(long fingerprint) {
        int base = bucket(fingerprint) * WAYS;
        for (int i = base; i < base + WAYS; i++) {
            if (slots[i] == fingerprint) {
                return true;
            }
        }
        return false;
    }

    /** Adds the fingerprint (non-zero); returns the fingerprint it replaced, or 0 when none was forgotten. */
    long add(long fingerprint) {
        int bucket = bucket(fingerprint);
        int base = bucket * WAYS;
        for (int i = base; i < base + WAYS; i++) {
            if (slots[i] == fingerprint) {
                return 0;
            }
        }
        int victim = base + next[bucket];
        next[bucket] = (byte) ((next[bucket] + 1) % WAYS);
        long evicted = slots[victim];
        slots[victim] = fingerprint;
        return evicted;
    }

    private int bucket(long fingerprint) {
        return (int) (fingerprint ^ (fingerprint >>> 32)) & bucketMask;
    }
}
