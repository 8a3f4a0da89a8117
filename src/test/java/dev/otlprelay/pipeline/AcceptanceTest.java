package dev.otlprelay.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** How the answers of several destinations combine into the one the client gets. */
class AcceptanceTest {

    @Test
    void anyRetryLaterMakesTheWholeRetryLater() {
        CompletableFuture<Boolean> durable = new CompletableFuture<>();
        assertThat(Acceptance.ACCEPTED.and(Acceptance.RETRY_LATER)).isSameAs(Acceptance.RETRY_LATER);
        assertThat(Acceptance.RETRY_LATER.and(Acceptance.ACCEPTED)).isSameAs(Acceptance.RETRY_LATER);
        assertThat(Acceptance.whenDurable(durable).and(Acceptance.RETRY_LATER)).isSameAs(Acceptance.RETRY_LATER);
    }

    @Test
    void aDurableAnswerWaitsForItsFutureWhateverItIsCombinedWith() {
        CompletableFuture<Boolean> durable = new CompletableFuture<>();
        Acceptance a = Acceptance.ACCEPTED.and(Acceptance.whenDurable(durable));
        Acceptance b = Acceptance.whenDurable(durable).and(Acceptance.ACCEPTED);

        assertThat(a.retryLater()).isFalse();
        assertThat(a.durable()).isSameAs(durable);
        assertThat(b.durable()).isSameAs(durable);
    }

    @Test
    void twoDurableAnswersAreTakenOnlyWhenBothAreDurable() {
        CompletableFuture<Boolean> first = new CompletableFuture<>();
        CompletableFuture<Boolean> second = new CompletableFuture<>();
        Acceptance both = Acceptance.whenDurable(first).and(Acceptance.whenDurable(second));

        first.complete(true);
        assertThat(both.durable()).isNotDone();
        second.complete(false);
        assertThat(both.durable()).isCompletedWithValue(false);

        CompletableFuture<Boolean> third = new CompletableFuture<>();
        CompletableFuture<Boolean> fourth = new CompletableFuture<>();
        Acceptance ok = Acceptance.whenDurable(third).and(Acceptance.whenDurable(fourth));
        third.complete(true);
        fourth.complete(true);
        assertThat(ok.durable()).isCompletedWithValue(true);
    }
}
