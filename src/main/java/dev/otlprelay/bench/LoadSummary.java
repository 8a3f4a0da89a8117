package dev.otlprelay.bench;

import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What a load run came to. Spans count as sent when the relay acknowledged their request (HTTP 200 / gRPC OK);
 * {@code rejectedSpans} are those the relay reported back as rejected in a partial success.
 *
 * @param errors failed requests by status: {@code http_503}, {@code grpc_UNAVAILABLE}, {@code timeout}, …
 */
record LoadSummary(double seconds, long requests, long spansOk, long spansFailed, long rejectedSpans,
                   double p50Millis, double p99Millis, double maxMillis, Map<String, Long> errors) {

    double spansPerSecond() {
        return seconds <= 0 ? 0 : spansOk / seconds;
    }

    long failedRequests() {
        return errors.values().stream().mapToLong(Long::longValue).sum();
    }

    String text(LoadgenOptions o) {
        return String.format(Locale.ROOT, """
                loadgen summary: %s %s, rate %s, %d in flight, %.1fs
                  spans sent:     %,d acknowledged (%,.0f spans/s) in %,d requests; %,d in failed requests; \
                %,d rejected by the relay (partial success)
                  ack latency:    p50 %.2f ms, p99 %.2f ms, max %.2f ms
                  errors:         %s
                """, o.protocol().word, o.endpoint(), o.rate() == 0 ? "max" : o.rate() + " spans/s",
                o.concurrency(), seconds, spansOk, spansPerSecond(), requests, spansFailed, rejectedSpans,
                p50Millis, p99Millis, maxMillis, errors.isEmpty() ? "none" : errors.entrySet().stream()
                        .map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", ")));
    }

    /** Flat, one key per line, so that {@code bench/run} can read it with grep and sed. */
    String json(LoadgenOptions o) {
        String errorsJson = errors.entrySet().stream().map(e -> "\"" + e.getKey() + "\": " + e.getValue())
                .collect(Collectors.joining(", ", "{", "}"));
        return String.format(Locale.ROOT, """
                {
                "protocol": "%s",
                "endpoint": "%s",
                "target_rate": %s,
                "concurrency": %d,
                "spans_per_request": %d,
                "seconds": %.3f,
                "requests": %d,
                "spans_sent": %d,
                "spans_failed": %d,
                "spans_rejected": %d,
                "spans_per_second": %.1f,
                "ack_p50_ms": %.3f,
                "ack_p99_ms": %.3f,
                "ack_max_ms": %.3f,
                "failed_requests": %d,
                "errors": %s
                }
                """, o.protocol().word, o.endpoint(), o.rate() == 0 ? "\"max\"" : Long.toString(o.rate()),
                o.concurrency(), o.spansPerRequest(), seconds, requests, spansOk, spansFailed, rejectedSpans,
                spansPerSecond(), p50Millis, p99Millis, maxMillis, failedRequests(), errorsJson);
    }
}
