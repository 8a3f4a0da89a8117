package dev.otlprelay.sample;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The compact dropped-id filter: remembers the most recent additions, forgets the oldest, no false hits. */
class FingerprintSetTest {

    @Test
    void roundsItsCapacityUpToWholeBuckets() {
        assertThat(new FingerprintSet(1).capacity()).isEqualTo(8);
        assertThat(new FingerprintSet(100).capacity()).isEqualTo(128);
        assertThat(new FingerprintSet(2_000_000).capacity()).isEqualTo(2_097_152);
    }

    @Test
    void aFullBucketForgetsItsOldestEntryFirst() {
        FingerprintSet set = new FingerprintSet(8);
        for (long fp = 1; fp <= 8; fp++) {
            assertThat(set.add(fp)).isZero();
        }
        assertThat(set.add(3)).as("already there: nothing replaced").isZero();

        assertThat(set.add(9)).isEqualTo(1);
        assertThat(set.add(10)).isEqualTo(2);
        assertThat(set.contains(1)).isFalse();
        assertThat(set.contains(3)).isTrue();
        assertThat(set.contains(10)).isTrue();
    }

    @Test
    void remembersRecentIdsAndTakesNoNewIdForAMember() {
        FingerprintSet set = new FingerprintSet(1 << 16);
        SplittableRandom random = new SplittableRandom(42);
        long[] members = new long[1 << 15];
        for (int i = 0; i < members.length; i++) {
            members[i] = new TraceKey(random.nextLong(), random.nextLong()).fingerprint();
            set.add(members[i]);
        }

        int remembered = 0;
        for (long m : members) {
            remembered += set.contains(m) ? 1 : 0;
        }
        int falseHits = 0;
        for (int i = 0; i < 1_000_000; i++) {
            falseHits += set.contains(new TraceKey(random.nextLong(), random.nextLong()).fingerprint()) ? 1 : 0;
        }

        // Half full: only buckets that received more than eight of the entries forget any.
        assertThat(remembered).isGreaterThan(members.length * 99 / 100);
        assertThat(falseHits).isZero();
    }
}
