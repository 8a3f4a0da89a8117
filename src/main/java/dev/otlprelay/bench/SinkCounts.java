package dev.otlprelay.bench;

import java.util.Locale;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the sink has received since it started, as {@code GET /counts} shows it. Spans are counted only after
 * their batch decoded, and datagrams only after their header and JSON checked, so a relay that sends nothing,
 * or garbage, cannot look fast.
 */
final class SinkCounts {
    final LongAdder honeycombSpans = new LongAdder();
    final LongAdder honeycombRequests = new LongAdder();
    /** Bytes of trace batches after decompression. */
    final LongAdder honeycombBytes = new LongAdder();
    /** Bodies that did not decode (answered 400). */
    final LongAdder honeycombBadRequests = new LongAdder();
    /** Requests without an {@code x-honeycomb-team} key (answered 401, as Honeycomb does). */
    final LongAdder honeycombNoKey = new LongAdder();
    /** Metrics and logs forwarded to {@code /v1/metrics} and {@code /v1/logs}. */
    final LongAdder passthroughRequests = new LongAdder();
    final LongAdder xrayDatagrams = new LongAdder();
    final LongAdder xraySegments = new LongAdder();
    final LongAdder xraySubsegments = new LongAdder();
    /** Spans in valid datagrams: each document's head and every subsegment nested in it. */
    final LongAdder xraySpans = new LongAdder();
    final LongAdder xrayInvalid = new LongAdder();
    final LongAdder nullRelayRequests = new LongAdder();
    final LongAdder nullRelayBytes = new LongAdder();

    String json() {
        return String.format(Locale.ROOT, "{\"honeycomb_spans\":%d,\"honeycomb_requests\":%d,\"honeycomb_bytes\":%d,"
                        + "\"honeycomb_bad_requests\":%d,\"honeycomb_no_key\":%d,\"passthrough_requests\":%d,"
                        + "\"xray_datagrams\":%d,\"xray_segments\":%d,\"xray_subsegments\":%d,\"xray_spans\":%d,"
                        + "\"xray_invalid\":%d,"
                        + "\"null_relay_requests\":%d,\"null_relay_bytes\":%d}",
                honeycombSpans.sum(), honeycombRequests.sum(), honeycombBytes.sum(), honeycombBadRequests.sum(),
                honeycombNoKey.sum(), passthroughRequests.sum(), xrayDatagrams.sum(), xraySegments.sum(),
                xraySubsegments.sum(), xraySpans.sum(), xrayInvalid.sum(), nullRelayRequests.sum(), nullRelayBytes.sum());
    }
}
