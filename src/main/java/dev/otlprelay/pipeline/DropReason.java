package dev.otlprelay.pipeline;

import java.util.List;

/**
 * Why a destination gave up on spans (or data points, or log records) it had accepted. Each is a {@code reason} tag
 * of {@code otlp_relay_dropped_spans_total{exporter,reason}} (and of the data-point and log-record counters); a span
 * is counted under exactly one reason. Every reason is a constant here, but a destination's permanent refusal by
 * HTTP status, which carries the status ({@link #refusedWith}).
 */
public final class DropReason {
    /** The destination's queue was full and the destination sheds rather than pushes back. */
    public static final DropReason QUEUE_FULL = new DropReason("queue_full");
    /** The relay shut down before the destination could send them. */
    public static final DropReason SHUTDOWN = new DropReason("shutdown");
    /** The exporter failed on them (or could not translate them). */
    public static final DropReason EXPORT_FAILED = new DropReason("export_failed");
    /**
     * Too large for the destination even after shrinking or splitting: an X-Ray span whose smallest document does
     * not fit a UDP datagram, a Honeycomb request refused with 413 that cannot be split further.
     */
    public static final DropReason TOO_LARGE = new DropReason("too_large");
    /**
     * Handed to a best-effort transport that reported a failure, with no retry: X-Ray datagrams the network
     * refused (e.g. nothing listens on the daemon port). A lower bound: UDP does not report every loss.
     */
    public static final DropReason SEND_FAILED = new DropReason("send_failed");
    /** No Honeycomb key to send them with ({@code honeycomb.key_mode} client and the request carried none). */
    public static final DropReason NO_API_KEY = new DropReason("no_api_key");
    /** A span with an event over Honeycomb's 1 MB event limit. */
    public static final DropReason EVENT_TOO_LARGE = new DropReason("event_too_large");
    /** Rejected one by one in a destination's OTLP {@code partial_success} answer. */
    public static final DropReason PARTIAL_SUCCESS = new DropReason("partial_success");
    /** Retried for {@code retry_max_elapsed} without success. */
    public static final DropReason RETRIES_EXHAUSTED = new DropReason("retries_exhausted");
    /** A permanent failure without an HTTP status (e.g. a request the HTTP client refused to send). */
    public static final DropReason ERROR = new DropReason("error");

    /** Every constant, for documentation checks. */
    public static final List<DropReason> CONSTANTS = List.of(QUEUE_FULL, SHUTDOWN, EXPORT_FAILED, TOO_LARGE,
            SEND_FAILED, NO_API_KEY, EVENT_TOO_LARGE, PARTIAL_SUCCESS, RETRIES_EXHAUSTED, ERROR);

    private final String tag;

    private DropReason(String tag) {
        this.tag = tag;
    }

    /** A destination's permanent refusal: {@code http_400} and the like, or {@link #ERROR} without a status. */
    public static DropReason refusedWith(int httpStatus) {
        return httpStatus == 0 ? ERROR : new DropReason("http_" + httpStatus);
    }

    public String tag() {
        return tag;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DropReason other && other.tag.equals(tag);
    }

    @Override
    public int hashCode() {
        return tag.hashCode();
    }

    @Override
    public String toString() {
        return tag;
    }
}
