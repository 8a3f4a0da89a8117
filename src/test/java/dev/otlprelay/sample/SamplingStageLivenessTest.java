package dev.otlprelay.sample;

import static dev.otlprelay.sample.BufferFixtures.batch;
import static dev.otlprelay.sample.BufferFixtures.keepAll;
import static dev.otlprelay.sample.BufferFixtures.root;
import static dev.otlprelay.sample.BufferFixtures.trace;
import static org.assertj.core.api.Assertions.assertThat;

import dev.otlprelay.pipeline.Acceptance;
import dev.otlprelay.pipeline.BatchConsumer;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * {@code /healthz} asks the stage whether it still decides traces: an Error that ends the deciding thread's
 * ticks leaves every trace buffered forever, which only a restart repairs.
 */
class SamplingStageLivenessTest extends SamplingStageHarness {

    private SamplingStage started(BatchConsumer route) {
        BufferFixtures.Settings quick = BufferFixtures.settings();
        quick.decisionWait = Duration.ZERO;
        SamplingStage stage = stage(quick, new Route("all", keepAll(), route));
        stage.start();
        return stage;
    }

    @Test
    void aStageWhoseTicksWereEndedByAnErrorReportsItselfDead() throws Exception {
        CountDownLatch thrown = new CountDownLatch(1);
        SamplingStage stage = started(batch -> {
            if (thrown.getCount() == 1) {
                thrown.countDown();
                throw new StackOverflowError("a bug on the deciding thread");
            }
            return Acceptance.ACCEPTED;
        });
        try {
            stage.accept(batch(root(trace(1), 1)));
            assertThat(thrown.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(stage.deadReason()).isNull();

            clock.advance(Duration.ofSeconds(31));
            // A live stage would tick within TICK and clear it; a silent one is reported as soon as it is asked.
            org.awaitility.Awaitility.await().atMost(10, TimeUnit.SECONDS).until(() -> stage.deadReason() != null);

            assertThat(stage.deadReason()).contains("not been decided for 31 s");
        } finally {
            stage.close();
        }
    }

    @Test
    void aStageThatStillTicksIsAliveHoweverMuchTimePasses() {
        AtomicInteger delivered = new AtomicInteger();
        SamplingStage stage = started(batch -> {
            delivered.addAndGet(batch.spanCount());
            return Acceptance.ACCEPTED;
        });
        try {
            stage.accept(batch(root(trace(1), 1)));
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> delivered.get() == 1);

            clock.advance(Duration.ofSeconds(31));

            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> stage.deadReason() == null);
        } finally {
            stage.close();
        }
    }

    @Test
    void aStoppedStageIsNotReportedDead() {
        SamplingStage stage = started(batch -> Acceptance.ACCEPTED);
        stage.close();
        clock.advance(Duration.ofMinutes(5));

        assertThat(stage.deadReason()).isNull();
    }
}
