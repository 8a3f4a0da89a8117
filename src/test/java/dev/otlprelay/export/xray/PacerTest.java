package dev.otlprelay.export.xray;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Token arithmetic on a fake clock: no real waiting, no timing assertions. */
class PacerTest {
    private long now = 5_000_000_000L;
    private long slept;

    private Pacer pacer(int perSecond) {
        return new Pacer(perSecond, () -> now, nanos -> {
            slept += nanos;
            now += nanos;
        });
    }

    @Test
    void letsABurstOfTenMillisecondsGoAtOnceThenWaits() {
        Pacer pacer = pacer(5_000);
        assertThat(pacer.burst()).isEqualTo(50);
        for (int i = 0; i < 50; i++) {
            pacer.acquire();
        }
        assertThat(slept).isZero();
        pacer.acquire();
        assertThat(slept).isEqualTo(200_000); // one interval at 5,000/s
    }

    @Test
    void sustainsAtMostTheConfiguredRate() {
        Pacer pacer = pacer(1_000);
        long start = now;
        for (int i = 0; i < 10_000; i++) {
            pacer.acquire();
        }
        // 10,000 datagrams at 1,000/s, of which the first burst (10) went at once.
        assertThat(now - start).isEqualTo((10_000 - 10) * 1_000_000L);
    }

    @Test
    void quietPeriodsDoNotBankMoreThanOneBurst() {
        Pacer pacer = pacer(1_000);
        now += 60_000_000_000L;
        for (int i = 0; i < 10; i++) {
            pacer.acquire();
        }
        assertThat(slept).isZero();
        pacer.acquire();
        assertThat(slept).isEqualTo(1_000_000);
    }

    @Test
    void zeroMeansUnpaced() {
        Pacer pacer = pacer(0);
        for (int i = 0; i < 100_000; i++) {
            pacer.acquire();
        }
        assertThat(slept).isZero();
        assertThatThrownBy(() -> pacer(-1)).hasMessageContaining("expected: >= 0");
    }
}
