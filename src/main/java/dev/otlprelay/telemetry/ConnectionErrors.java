package dev.otlprelay.telemetry;

import java.io.IOException;
import java.time.Duration;
import java.util.logging.Logger;

/**
 * What a listener's handlers do with an exception that reaches them, before they close the connection: count it in
 * {@code otlp_relay_connection_errors_total{listener, reason}} and log it, at most once a minute per reason. The
 * reason is the kind of failure — {@code io} (the peer reset or the socket failed), {@code decoder} (bytes that do
 * not parse as the protocol), {@code internal} (anything else: a bug) — and the log names only the exception's type:
 * a decoder's message can quote what the client sent, headers included.
 */
public final class ConnectionErrors {
    private static final Logger LOG = Logger.getLogger(ConnectionErrors.class.getName());
    private static final RateLimitedLog WARNINGS = new RateLimitedLog(LOG, Duration.ofMinutes(1));

    private final RelayMetrics metrics;
    private final String listener;

    /** @param listener the {@code listener} tag: {@code http}, {@code grpc}, {@code admin} */
    public ConnectionErrors(RelayMetrics metrics, String listener) {
        this.metrics = metrics;
        this.listener = listener;
        // At zero from the start, so that a dashboard sees the series before the first error.
        for (String reason : new String[] {"io", "decoder", "internal"}) {
            metrics.connectionErrors(listener, reason);
        }
    }

    /** Counts and logs one error; the caller closes the connection. */
    public void caught(Throwable cause) {
        String reason = reason(cause);
        metrics.connectionErrors(listener, reason).increment();
        WARNINGS.warn(listener + "/" + reason, listener + " listener: a connection was closed after an error ("
                + reason + ": " + cause.getClass().getName() + "); counted in otlp_relay_connection_errors_total");
    }

    static String reason(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof IOException) {
                return "io";
            }
            String type = t.getClass().getSimpleName();
            if (type.endsWith("DecoderException") || type.contains("Http2Exception") || type.contains("Frame")) {
                return "decoder";
            }
        }
        return "internal";
    }
}
