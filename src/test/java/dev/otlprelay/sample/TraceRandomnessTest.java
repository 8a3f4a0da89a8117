package dev.otlprelay.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.google.protobuf.ByteString;
import dev.otlprelay.sample.xrayrules.Traces;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TraceRandomnessTest {

    private static List<ByteString> ids(int n, long seed) {
        Random random = new Random(seed);
        List<ByteString> ids = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            ids.add(Traces.randomId(random));
        }
        return ids;
    }

    @Test
    void randomnessIsTheLow56BitsOfTheTraceIdBigEndian() {
        ByteString id = ByteString.fromHex("ffffffffffffffffff0102030405060a");
        assertThat(TraceRandomness.randomness(id)).isEqualTo(0x0102030405060aL);
        assertThat(TraceRandomness.randomness(ByteString.fromHex("00000000000000000000000000000000"))).isZero();
        assertThat(TraceRandomness.randomness(ByteString.fromHex("000000000000000000ffffffffffffff")))
                .isEqualTo(TraceRandomness.NEVER - 1);
    }

    @Test
    void thresholdIsTheRoundedRejectionShareOf2To56() {
        assertThat(TraceRandomness.threshold(1)).isZero();
        assertThat(TraceRandomness.threshold(0)).isEqualTo(TraceRandomness.NEVER);
        assertThat(TraceRandomness.threshold(0.5)).isEqualTo(1L << 55);
        assertThat(TraceRandomness.threshold(0.25)).isEqualTo(3L << 54);
        assertThat(TraceRandomness.threshold(0.1)).isEqualTo(0xe6666666666666L);
        assertThatThrownBy(() -> TraceRandomness.threshold(1.5)).hasMessage("p: 1.5 (expected: 0 to 1)");
    }

    @Test
    void thresholdHexIs14DigitsWithoutTrailingZeros() {
        assertThat(TraceRandomness.thresholdHex(0)).isEqualTo("0");
        assertThat(TraceRandomness.thresholdHex(1L << 55)).isEqualTo("8");
        assertThat(TraceRandomness.thresholdHex(3L << 54)).isEqualTo("c");
        assertThat(TraceRandomness.thresholdHex(TraceRandomness.threshold(0.1))).isEqualTo("e6666666666666");
        assertThat(TraceRandomness.thresholdHex(1)).isEqualTo("00000000000001");
        assertThatThrownBy(() -> TraceRandomness.thresholdHex(TraceRandomness.NEVER))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void keepsIffRandomnessReachesTheThreshold() {
        long t = TraceRandomness.threshold(0.5);
        assertThat(TraceRandomness.keeps(Traces.idWithRandomness(t, (byte) 0), t)).isTrue();
        assertThat(TraceRandomness.keeps(Traces.idWithRandomness(t - 1, (byte) 0), t)).isFalse();
        assertThat(TraceRandomness.keeps(Traces.idWithRandomness(TraceRandomness.NEVER - 1, (byte) 0),
                TraceRandomness.NEVER)).isFalse();
    }

    @Test
    void sameTraceIdGetsTheSameDecisionEverywhere() {
        long t = TraceRandomness.threshold(0.3);
        for (ByteString id : ids(1000, 1)) {
            ByteString copy = ByteString.copyFrom(id.toByteArray());
            assertThat(TraceRandomness.keeps(copy, t)).isEqualTo(TraceRandomness.keeps(id, t));
            assertThat(TraceRandomness.roundWeight(copy, 3.3)).isEqualTo(TraceRandomness.roundWeight(id, 3.3));
        }
    }

    @Test
    void aLowerProbabilityKeepsASubsetOfAHigherOne() {
        List<ByteString> ids = ids(20_000, 2);
        long low = TraceRandomness.threshold(0.05);
        long high = TraceRandomness.threshold(0.2);
        List<ByteString> keptLow = ids.stream().filter(id -> TraceRandomness.keeps(id, low)).toList();
        List<ByteString> keptHigh = ids.stream().filter(id -> TraceRandomness.keeps(id, high)).toList();
        assertThat(keptHigh).containsAll(keptLow);
        assertThat(keptLow.size()).isBetween(800, 1200);
        assertThat(keptHigh.size()).isBetween(3600, 4400);
    }

    @Test
    void roundedWeightsAreFloorOrCeilingWithTheExactMean() {
        List<ByteString> ids = ids(100_000, 3);
        long sum = 0;
        for (ByteString id : ids) {
            long w = TraceRandomness.roundWeight(id, 2.25);
            assertThat(w).isIn(2L, 3L);
            sum += w;
        }
        assertThat(sum / (double) ids.size()).isCloseTo(2.25, within(0.01));
        assertThat(TraceRandomness.roundWeight(ids.get(0), 7)).isEqualTo(7);
        assertThat(TraceRandomness.roundWeight(ids.get(0), TraceRandomness.adjustedCount(
                TraceRandomness.threshold(0.1)))).isEqualTo(10);
    }

    @Test
    void roundingDoesNotDependOnTheKeepDecision() {
        // Among the traces a rate of 0.3 keeps, the mean rounded weight must still be 1/0.3: rounding uses other bits.
        long t = TraceRandomness.threshold(0.3);
        double weight = TraceRandomness.adjustedCount(t);
        long sum = 0;
        int kept = 0;
        for (ByteString id : ids(100_000, 4)) {
            if (TraceRandomness.keeps(id, t)) {
                sum += TraceRandomness.roundWeight(id, weight);
                kept++;
            }
        }
        assertThat(sum / (double) kept).isCloseTo(1 / 0.3, within(0.02));
    }

    @Test
    void xrayTraceIdsWithATimestampPrefixStillRoundEvenly() {
        // X-Ray ids start with 4 bytes of epoch seconds: equal for every trace in a second.
        Random random = new Random(5);
        long sum = 0;
        int n = 50_000;
        for (int i = 0; i < n; i++) {
            byte[] id = new byte[16];
            random.nextBytes(id);
            id[0] = 0x65;
            id[1] = 0x12;
            id[2] = 0x34;
            id[3] = 0x56;
            sum += TraceRandomness.roundWeight(ByteString.copyFrom(id), 1.5);
        }
        assertThat(sum / (double) n).isCloseTo(1.5, within(0.01));
    }
}
