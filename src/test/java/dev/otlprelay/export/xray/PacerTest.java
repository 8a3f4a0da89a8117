package dev.otlprelay.export.xray;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Token arithmetic on a fake clock: no real waiting, no timing assertions. */
class PacerTest {
    private long now = 5_000_000_000L;
    private long slept;
    private int sleeps;
    /** What each fake sleep oversleeps by, as a real timed park does. */
    private long oversleep;

    private Pacer pacer(int perSecond) {
        return new Pacer(perSecond, () -> now, nanos -> {
            sleeps++;
            slept += nanos;
            now += nanos + oversleep;
        });
    }

    /** Acquires {@code datagrams} tokens; returns the fake time that took. */
    private long acquire(Pacer pacer, int datagrams) {
        long start = now;
        for (int i = 0; i < datagrams; i++) {
            pacer.acquire();
        }
        return now - start;
    }

    @Test
    void letsAFullBucketGoAtOnceThenSleepsOnceForHalfABucket() {
        Pacer pacer = pacer(10_000);
        assertThat(pacer.burst()).isEqualTo(Pacer.MAX_BURST);
        assertThat(pacer.refill()).isEqualTo(Pacer.MAX_BURST / 2);
        for (int i = 0; i < Pacer.MAX_BURST; i++) {
            pacer.acquire();
        }
        assertThat(sleeps).isZero();
        pacer.acquire();
        assertThat(sleeps).isEqualTo(1);
        assertThat(slept).isEqualTo(Pacer.MAX_BURST / 2 * 100_000L); // 32 tokens at 10,000/s
        for (int i = 1; i < Pacer.MAX_BURST / 2; i++) {
            pacer.acquire();
        }
        assertThat(sleeps).isEqualTo(1);
        pacer.acquire();
        assertThat(sleeps).isEqualTo(2);
    }

    @Test
    void sustainsTheConfiguredRateWithOneSleepPerHalfBucket() {
        int datagrams = 100_000;
        long elapsed = acquire(pacer(10_000), datagrams);
        // The first bucket went at once; every other datagram waited for its token, in sleeps of 32 tokens.
        long paced = (datagrams - Pacer.MAX_BURST) * 100_000L;
        assertThat(elapsed).isBetween(paced, paced + Pacer.MAX_BURST / 2 * 100_000L);
        assertThat(sleeps).isEqualTo((datagrams - Pacer.MAX_BURST + Pacer.MAX_BURST / 2 - 1) / (Pacer.MAX_BURST / 2));
    }

    @Test
    void tryAcquireTakesATokenOnlyWhenOneIsThereAndNeverSleeps() {
        Pacer pacer = pacer(10_000);
        for (int i = 0; i < Pacer.MAX_BURST; i++) {
            assertThat(pacer.tryAcquire()).isTrue();
        }
        assertThat(pacer.tryAcquire()).as("the bucket is empty").isFalse();
        assertThat(sleeps).isZero();
        now += 100_000; // one token's worth at 10,000/s
        assertThat(pacer.tryAcquire()).isTrue();
        assertThat(pacer.tryAcquire()).isFalse();
        assertThat(Pacer.perSecond(0).tryAcquire()).as("unpaced").isTrue();
    }

    @Test
    void drainingMakesTheNextDatagramWaitAsAfterAFullBucket() {
        Pacer pacer = pacer(10_000);
        pacer.acquire();
        pacer.drain();
        assertThat(pacer.tryAcquire()).isFalse();
        pacer.acquire();
        assertThat(sleeps).isEqualTo(1);
        assertThat(slept).as("half a bucket's worth").isEqualTo(Pacer.MAX_BURST / 2 * 100_000L);
    }

    @Test
    void oversleepingDoesNotLowerTheRate() {
        oversleep = 1_000_000; // 1 ms late every time: ten tokens' worth at 10,000/s
        int datagrams = 100_000;
        long elapsed = acquire(pacer(10_000), datagrams);
        // Each late wake-up finds more than half a bucket and sends it all: fewer sleeps, the same rate.
        long paced = (datagrams - Pacer.MAX_BURST) * 100_000L;
        assertThat(elapsed).isBetween(paced, paced + Pacer.MAX_BURST * 100_000L + oversleep);
        assertThat(sleeps).isLessThan((datagrams - Pacer.MAX_BURST) / (Pacer.MAX_BURST / 2));
    }

    @Test
    void quietPeriodsDoNotBankMoreThanOneBucket() {
        Pacer pacer = pacer(10_000);
        for (int i = 0; i < Pacer.MAX_BURST; i++) {
            pacer.acquire();
        }
        now += 60_000_000_000L;
        for (int i = 0; i < Pacer.MAX_BURST; i++) {
            pacer.acquire();
        }
        assertThat(sleeps).isZero();
        pacer.acquire();
        assertThat(sleeps).isEqualTo(1);
    }

    @Test
    void lowRatesBurstTenMillisecondsWorthAndAtLeastOne() {
        Pacer hundred = pacer(1_000);
        assertThat(hundred.burst()).isEqualTo(10);
        assertThat(hundred.refill()).isEqualTo(5);
        Pacer one = pacer(50);
        assertThat(one.burst()).isEqualTo(1);
        assertThat(one.refill()).isEqualTo(1);
        one.acquire();
        assertThat(sleeps).isZero();
        one.acquire();
        assertThat(slept).isEqualTo(20_000_000L); // one token at 50/s
    }

    @Test
    void anInterruptedSenderIsNotHeldBack() {
        Pacer pacer = pacer(100);
        pacer.acquire();
        Thread.currentThread().interrupt();
        try {
            for (int i = 0; i < 10; i++) {
                pacer.acquire();
            }
            assertThat(sleeps).isZero();
        } finally {
            Thread.interrupted();
        }
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
