package dev.otlprelay.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Metadata;
import io.grpc.internal.TransportFrameUtil;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Third-party log records that quote a header value leave it out, through the relay's own log configuration. */
class HeaderRedactionTest {
    private static final String KEY = "hcaik_secretsecretsecret\u0001secretsecret";
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    @BeforeEach
    void configure() {
        Logging.configure(new PrintStream(out, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restore() throws Exception {
        LogManager.getLogManager().readConfiguration();
    }

    private String logged() {
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void grpcJavasWarningAboutAValueWithAControlByteDoesNotShowTheValue() {
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("x-honeycomb-team", Metadata.ASCII_STRING_MARSHALLER), KEY);

        TransportFrameUtil.toHttp2Headers(headers); // grpc-java logs its warning here, at WARNING

        assertThat(logged()).contains("TransportFrameUtil").contains("Metadata key=x-honeycomb-team, value=[redacted]")
                .doesNotContain("secret")
                .doesNotContain(Arrays.toString("secret".getBytes(StandardCharsets.US_ASCII)).replace("[", "")
                        .replace("]", ""));
    }

    @Test
    void anExceptionQuotingAHeaderIsShownByItsTypeOnly() {
        LogRecord r = new LogRecord(Level.WARNING, "send failed");
        r.setLoggerName("jdk.internal.httpclient.debug");
        r.setThrown(new IllegalArgumentException("invalid header value: \"" + KEY + "\""));
        Logger.getLogger("").log(r);

        assertThat(logged()).contains("send failed").contains("java.lang.IllegalArgumentException")
                .doesNotContain("secret");
    }

    @Test
    void theRelaysOwnRecordsAndOtherRecordsAreUnchanged() {
        Logger.getLogger("dev.otlprelay.export.honeycomb.HoneycombDestination")
                .warning("the x-honeycomb-team header of a request is missing; value=none");
        Logger.getLogger("io.netty.channel.DefaultChannelPipeline").warning("an exceptionCaught() event was fired");

        assertThat(logged()).contains("the x-honeycomb-team header of a request is missing; value=none")
                .contains("an exceptionCaught() event was fired");
    }

    @Test
    void redactsWhatFollowsTheHeaderOrItsValue() {
        assertThat(HeaderRedaction.redact("Metadata key=x-honeycomb-team, value=[1, 2] contains invalid ASCII"))
                .isEqualTo("Metadata key=x-honeycomb-team, value=[redacted]");
        assertThat(HeaderRedaction.redact("bad Authorization: Bearer abc")).isEqualTo("bad Authorization [redacted]");
        assertThat(HeaderRedaction.redact("connection reset")).isEqualTo("connection reset");
    }
}
