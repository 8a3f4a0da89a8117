package dev.otlprelay.sample;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A trace id as the buffer and the decision cache key it: two ids are one trace exactly when their bytes are equal,
 * and keys spread over hash buckets even when ids share most of their bytes (X-Ray ids start with a timestamp).
 */
class TraceKeyTest {
    private static ByteString id(long hi, long lo) {
        byte[] b = new byte[16];
        for (int i = 0; i < 8; i++) {
            b[i] = (byte) (hi >>> (56 - 8 * i));
            b[8 + i] = (byte) (lo >>> (56 - 8 * i));
        }
        return ByteString.copyFrom(b);
    }

    @Test
    void theKeyHoldsBothHalvesOfTheIdInOrder() {
        TraceKey k = TraceKey.of(id(0x0102030405060708L, 0x090a0b0c0d0e0f10L));
        assertThat(k.hi()).isEqualTo(0x0102030405060708L);
        assertThat(k.lo()).isEqualTo(0x090a0b0c0d0e0f10L);
    }

    @Test
    void idsThatDifferInAnyOneBitAreDifferentTraces() {
        ByteString base = id(0x5b8efff798038103L, 0xd269b633813fc60cL);
        TraceKey baseKey = TraceKey.of(base);
        for (int bit = 0; bit < 128; bit++) {
            byte[] b = base.toByteArray();
            b[bit / 8] ^= (byte) (1 << (bit % 8));
            TraceKey other = TraceKey.of(ByteString.copyFrom(b));
            assertThat(other).as("bit %d", bit).isNotEqualTo(baseKey);
            assertThat(other.fingerprint()).as("bit %d", bit).isNotEqualTo(baseKey.fingerprint());
        }
        assertThat(TraceKey.of(ByteString.copyFrom(base.toByteArray()))).isEqualTo(baseKey)
                .hasSameHashCodeAs(baseKey);
    }

    @Test
    void idsSharingATimestampPrefixSpreadOverHashBuckets() {
        // X-Ray style: the same first 4 bytes (epoch seconds), the rest counting up.
        int n = 16_384;
        int[] buckets = new int[256];
        Set<Integer> hashes = new HashSet<>();
        Set<Long> fingerprints = new HashSet<>();
        for (int i = 0; i < n; i++) {
            TraceKey k = TraceKey.of(id(0x6575a6b2_00000000L, i));
            buckets[k.hashCode() & 255]++;
            hashes.add(k.hashCode());
            fingerprints.add(k.fingerprint());
        }
        assertThat(hashes.size()).as("32-bit hashes: a collision or two is chance").isGreaterThanOrEqualTo(n - 2);
        assertThat(fingerprints).hasSize(n);
        // 64 per bucket on average; a well-mixed hash keeps every bucket within a few dozen of it.
        assertThat(Arrays.stream(buckets).min().orElseThrow()).isGreaterThanOrEqualTo(24);
        assertThat(Arrays.stream(buckets).max().orElseThrow()).isLessThanOrEqualTo(104);
    }

    @Test
    void idsThatDifferOnlyInTheHighHalfSpreadToo() {
        int[] buckets = new int[256];
        for (int i = 0; i < 16_384; i++) {
            buckets[TraceKey.of(id((long) i << 32, 42)).hashCode() & 255]++;
        }
        assertThat(Arrays.stream(buckets).min().orElseThrow()).isGreaterThanOrEqualTo(24);
        assertThat(Arrays.stream(buckets).max().orElseThrow()).isLessThanOrEqualTo(104);
    }
}
