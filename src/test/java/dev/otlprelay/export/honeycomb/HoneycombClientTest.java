package dev.otlprelay.export.honeycomb;

import static org.assertj.core.api.Assertions.assertThat;

import dev.otlprelay.config.HoneycombConfig;
import dev.otlprelay.config.Secret;
import dev.otlprelay.support.FakeHoneycomb;
import dev.otlprelay.support.FakeHoneycomb.Behaviour;
import dev.otlprelay.support.Otlp;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** One attempt against Honeycomb, classified: what is delivered, retried, halved or refused, and with what. */
class HoneycombClientTest {
    private static final String KEY = "hcaik_01jclienttestclienttestclienttestclienttestclienttestcli";
    private static final Tenant TENANT = new Tenant(Secret.of(KEY), null);
    private static final String PROTOBUF = "application/x-protobuf";

    private FakeHoneycomb honeycomb;
    private HoneycombClient client;
    private final byte[] body = Otlp.validRequest(3).toByteArray();

    @BeforeEach
    void start() {
        honeycomb = FakeHoneycomb.start().acceptKeys(KEY);
        client = new HoneycombClient(honeycomb.url(), Duration.ofSeconds(5),
                HoneycombConfig.RetryConfig.DEFAULT_RETRY_ON, Clock.systemUTC());
    }

    @AfterEach
    void stop() {
        honeycomb.close();
    }

    private HoneycombClient.Response send() throws Exception {
        return client.send("/v1/traces", TENANT, body, false, PROTOBUF);
    }

    @Test
    void a200IsDeliveredWithNothingRejected() throws Exception {
        HoneycombClient.Response r = send();

        assertThat(r.outcome()).isEqualTo(HoneycombClient.Outcome.DELIVERED);
        assertThat(r.delivered()).isTrue();
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.rejectedSpans()).isZero();
        assertThat(honeycomb.requests()).singleElement().satisfies(req -> {
            assertThat(req.team()).isEqualTo(KEY);
            assertThat(req.dataset()).isNull();
            assertThat(req.contentType()).isEqualTo(PROTOBUF);
            assertThat(req.contentEncoding()).isNull();
            assertThat(req.spanCount()).isEqualTo(3);
        });
    }

    @Test
    void aGzippedBodyForADatasetCarriesBothHeaders() throws Exception {
        HoneycombClient.Response r = client.send("/v1/traces", new Tenant(Secret.of(KEY), "checkout"),
                Gzip.compress(body), true, PROTOBUF);

        assertThat(r.delivered()).isTrue();
        assertThat(honeycomb.requests()).singleElement().satisfies(req -> {
            assertThat(req.dataset()).isEqualTo("checkout");
            assertThat(req.contentEncoding()).isEqualTo("gzip");
            assertThat(req.spanCount()).isEqualTo(3);
        });
    }

    @Test
    void aPartialSuccessReportsTheRejectedSpansAndHoneycombsMessage() throws Exception {
        honeycomb.answer(Behaviour.partialSuccess(2, "2 spans had no trace id"));

        HoneycombClient.Response r = send();

        assertThat(r.outcome()).isEqualTo(HoneycombClient.Outcome.DELIVERED);
        assertThat(r.rejectedSpans()).isEqualTo(2);
        assertThat(r.message()).isEqualTo("2 spans had no trace id");
    }

    @Test
    void aJsonRequestsSuccessIsDeliveredWithoutReadingItsBody() throws Exception {
        honeycomb.answer(Behaviour.partialSuccess(2, "ignored for json"));

        HoneycombClient.Response r = client.send("/v1/logs", TENANT, "{}".getBytes(), false, "application/json");

        assertThat(r.delivered()).isTrue();
        assertThat(r.rejectedSpans()).isZero();
    }

    @Test
    void aRetryOnStatusIsRetryableWithItsRetryAfter() throws Exception {
        honeycomb.answer(Behaviour.tooManyRequests(Duration.ofSeconds(7)));

        HoneycombClient.Response r = send();

        assertThat(r.outcome()).isEqualTo(HoneycombClient.Outcome.RETRYABLE);
        assertThat(r.delivered()).isFalse();
        assertThat(r.status()).isEqualTo(429);
        assertThat(r.retryAfter()).isEqualTo(Duration.ofSeconds(7));
        assertThat(r.message()).startsWith("HTTP 429: {");
    }

    @Test
    void aStatusOutsideRetryOnIsPermanentAndCarriesHoneycombsErrorText() throws Exception {
        HoneycombClient narrow = new HoneycombClient(honeycomb.url(), Duration.ofSeconds(5), Set.of(503),
                Clock.systemUTC());
        honeycomb.answer(Behaviour.status(500));

        HoneycombClient.Response r = narrow.send("/v1/traces", TENANT, body, false, PROTOBUF);

        assertThat(r.outcome()).isEqualTo(HoneycombClient.Outcome.PERMANENT);
        assertThat(r.status()).isEqualTo(500);
        assertThat(r.retryAfter()).isNull();
        assertThat(send().outcome()).as("500 is in the default retry_on").isEqualTo(
                HoneycombClient.Outcome.RETRYABLE);
    }

    @Test
    void anUnknownKeyIsPermanentWithHoneycombsExplanation() throws Exception {
        HoneycombClient.Response r = client.send("/v1/traces", new Tenant(Secret.of("hcaik_wrong"), null), body,
                false, PROTOBUF);

        assertThat(r.outcome()).isEqualTo(HoneycombClient.Outcome.PERMANENT);
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.message()).isEqualTo("HTTP 401: {\"error\":\"unknown API key - check your credentials\"}");
    }

    @Test
    void a413IsTooLargeAndNotRetried() throws Exception {
        honeycomb.limitBytes(10);

        HoneycombClient.Response r = send();

        assertThat(r.outcome()).isEqualTo(HoneycombClient.Outcome.TOO_LARGE);
        assertThat(r.status()).isEqualTo(413);
        assertThat(r.retryAfter()).isNull();
    }

    @Test
    void successIsAnyTwoHundredAndNothingOutsideIt() throws Exception {
        honeycomb.answer(Behaviour.status(202));
        assertThat(send().outcome()).isEqualTo(HoneycombClient.Outcome.DELIVERED);
        honeycomb.answer(Behaviour.status(299));
        assertThat(send().outcome()).isEqualTo(HoneycombClient.Outcome.DELIVERED);
        honeycomb.answer(Behaviour.status(300));
        assertThat(send().outcome()).isEqualTo(HoneycombClient.Outcome.PERMANENT);
    }

    @Test
    void noAnswerWithinTheAttemptTimeoutIsARetryableTimeout() throws Exception {
        honeycomb.answer(Behaviour.hang());
        HoneycombClient impatient = new HoneycombClient(honeycomb.url(), Duration.ofMillis(100),
                HoneycombConfig.RetryConfig.DEFAULT_RETRY_ON, Clock.systemUTC());

        HoneycombClient.Response r = impatient.send("/v1/traces", TENANT, body, false, PROTOBUF);

        assertThat(r.outcome()).isEqualTo(HoneycombClient.Outcome.RETRYABLE);
        assertThat(r.status()).isZero();
        assertThat(r.message()).isEqualTo("timeout after 100ms");
    }

    @Test
    void aRefusedConnectionIsRetryable() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        HoneycombClient nowhere = new HoneycombClient("http://127.0.0.1:" + port, Duration.ofSeconds(2),
                HoneycombConfig.RetryConfig.DEFAULT_RETRY_ON, Clock.systemUTC());

        HoneycombClient.Response r = nowhere.send("/v1/traces", TENANT, body, false, PROTOBUF);

        assertThat(r.outcome()).isEqualTo(HoneycombClient.Outcome.RETRYABLE);
        assertThat(r.status()).isZero();
        assertThat(r.message()).startsWith("connection failed: ");
    }

    @Test
    void aRetryAfterDateIsReadAgainstTheClientsClock() throws Exception {
        Instant now = Instant.parse("2026-12-04T09:00:00Z");
        HoneycombClient fixed = new HoneycombClient(honeycomb.url(), Duration.ofSeconds(5),
                HoneycombConfig.RetryConfig.DEFAULT_RETRY_ON, Clock.fixed(now, ZoneOffset.UTC));
        honeycomb.answer(Behaviour.tooManyRequestsUntil(now.plusSeconds(45).atZone(ZoneOffset.UTC)));

        assertThat(fixed.send("/v1/traces", TENANT, body, false, PROTOBUF).retryAfter())
                .isEqualTo(Duration.ofSeconds(45));
    }
}
