package dev.otlprelay.pipeline;

/**
 * Why a destination gave up on spans it had accepted. Each value is a {@code reason} tag of
 * {@code otlp_relay_dropped_spans_total{exporter,reason}}; a span is counted under exactly one reason.
 */
public enum DropReason {
    /** The destination's queue was full and the destination sheds rather than pushes back. */
    QUEUE_FULL("queue_full"),
    /** The relay shut down before the destination could send them. */
    SHUTDOWN("shutdown"),
    /** The destination refused them permanently (e.g. HTTP 400) or the exporter failed on them. */
    EXPORT_FAILED("export_failed"),
    /**
     * Too large for the destination even after shrinking: X-Ray takes one document per UDP datagram, so a span
     * whose smallest document does not fit is not sent.
     */
    TOO_LARGE("too_large"),
    /**
     * Handed to a best-effort transport that reported a failure, with no retry: X-Ray datagrams the network
     * refused (e.g. nothing listens on the daemon port). A lower bound: UDP does not report every loss.
     */
    SEND_FAILED("send_failed");

    private final String tag;

    DropReason(String tag) {
        this.tag = tag;
    }

    public String tag() {
        return tag;
    }
}
