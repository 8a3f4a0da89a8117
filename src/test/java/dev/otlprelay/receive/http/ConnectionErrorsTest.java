package dev.otlprelay.receive.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.otlprelay.pipeline.Acceptance;
import dev.otlprelay.receive.Admission;
import dev.otlprelay.config.CorsConfig;
import dev.otlprelay.receive.Ingest;
import dev.otlprelay.support.TestRelay;
import dev.otlprelay.telemetry.ConnectionErrors;
import dev.otlprelay.telemetry.RelayMetrics;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** An exception that reaches a listener's handler closes the connection, counted and logged by its kind. */
class ConnectionErrorsTest {

    private static double errors(RelayMetrics metrics, String listener, String reason) {
        return TestRelay.Scrape.value(metrics.scrape(), "otlp_relay_connection_errors_total", "listener", listener,
                "reason", reason);
    }

    @Test
    void theOtlpHttpHandlerCountsAnExceptionByKindAndClosesTheConnection() {
        try (RelayMetrics metrics = new RelayMetrics()) {
            Ingest ingest = new Ingest(batch -> Acceptance.ACCEPTED, metrics, Duration.ofSeconds(1));
            EmbeddedChannel ch = new EmbeddedChannel(new OtlpHttpHandler(ingest, new Admission(1 << 20), metrics,
                    1 << 20, Duration.ofSeconds(30), new Cors(CorsConfig.off())));
            assertThat(errors(metrics, "http", "io")).as("registered at zero").isZero();

            ch.pipeline().fireExceptionCaught(new IOException("Connection reset by peer"));

            assertThat(ch.isOpen()).isFalse();
            assertThat(errors(metrics, "http", "io")).isEqualTo(1);
            assertThat(errors(metrics, "http", "internal")).isZero();
        }
    }

    @Test
    void theKindIsIoDecoderOrInternal() {
        try (RelayMetrics metrics = new RelayMetrics()) {
            ConnectionErrors errors = new ConnectionErrors(metrics, "admin");
            errors.caught(new DecoderException(new IllegalArgumentException("bad header: secret")));
            errors.caught(new IllegalStateException("a bug"));
            errors.caught(new RuntimeException(new IOException("broken pipe")));

            assertThat(errors(metrics, "admin", "decoder")).isEqualTo(1);
            assertThat(errors(metrics, "admin", "internal")).isEqualTo(1);
            assertThat(errors(metrics, "admin", "io")).isEqualTo(1);
        }
    }
}
