package dev.otlprelay.export.honeycomb;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.otlprelay.export.RetryAfter;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;

/**
 * One HTTP attempt against Honeycomb's OTLP endpoint, classified. Keep-alive connections are pooled by the JDK
 * client; HTTPS endpoints negotiate HTTP/2 where Honeycomb offers it.
 */
final class HoneycombClient {
    private static final int MAX_ERROR_BODY = 512;

    private final String endpoint;
    private final Duration attemptTimeout;
    private final HttpClient http;
    private final Clock clock;
    private final Set<Integer> retryOn;

    HoneycombClient(String endpoint, Duration attemptTimeout, Set<Integer> retryOn, Clock clock) {
        this.endpoint = endpoint;
        this.retryOn = Set.copyOf(retryOn);
        this.attemptTimeout = attemptTimeout;
        this.clock = clock;
        // h2c upgrade on plain http would cost a round trip and confuses some proxies: HTTP/2 only over TLS.
        HttpClient.Version version = endpoint.startsWith("https:") ? HttpClient.Version.HTTP_2
                : HttpClient.Version.HTTP_1_1;
        this.http = HttpClient.newBuilder().version(version).connectTimeout(attemptTimeout)
                // The client's own executor: the senders block in send(), so lending it their pool would deadlock.
                .build();
    }

    /** What an attempt came to. */
    record Response(Outcome outcome, int status, Duration retryAfter, long rejectedSpans, String message) {
        boolean delivered() {
            return outcome == Outcome.DELIVERED;
        }
    }

    enum Outcome {
        DELIVERED,
        /** A status of {@code honeycomb.retry_on} (429, 500, 502, 503, 504), a timeout or connection error. */
        RETRYABLE,
        /** 413: the batch is too large; halves may pass. */
        TOO_LARGE,
        /** Any other answer: retrying will not help. */
        PERMANENT
    }

    /**
     * @param path        {@code /v1/traces}, {@code /v1/metrics} or {@code /v1/logs}
     * @param contentType {@code application/x-protobuf} or {@code application/json}
     */
    Response send(String path, Tenant tenant, byte[] body, boolean gzipped, String contentType)
            throws InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(endpoint + path))
                .timeout(attemptTimeout)
                .header("Content-Type", contentType)
                .header("x-honeycomb-team", tenant.key().reveal())
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (tenant.dataset() != null) {
            request.header("x-honeycomb-dataset", tenant.dataset());
        }
        if (gzipped) {
            request.header("Content-Encoding", "gzip");
        }
        HttpResponse<byte[]> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (HttpTimeoutException e) {
            return new Response(Outcome.RETRYABLE, 0, null, 0, "timeout after " + attemptTimeout.toMillis() + "ms");
        } catch (IOException e) {
            return new Response(Outcome.RETRYABLE, 0, null, 0, "connection failed: " + e);
        }
        int status = response.statusCode();
        Duration retryAfter = RetryAfter.parse(response.headers().firstValue("Retry-After").orElse(null), clock);
        if (status >= 200 && status < 300) {
            return delivered(response, contentType);
        }
        String message = "HTTP " + status + ": " + errorText(response.body());
        if (status == 413) {
            return new Response(Outcome.TOO_LARGE, status, null, 0, message);
        }
        return retryOn.contains(status) ? new Response(Outcome.RETRYABLE, status, retryAfter, 0, message)
                : new Response(Outcome.PERMANENT, status, null, 0, message);
    }

    private static Response delivered(HttpResponse<byte[]> response, String contentType) {
        byte[] body = response.body();
        if (body.length == 0 || !contentType.equals("application/x-protobuf")) {
            return new Response(Outcome.DELIVERED, response.statusCode(), null, 0, "");
        }
        try {
            ExportTraceServiceResponse r = ExportTraceServiceResponse.parseFrom(body);
            if (r.hasPartialSuccess()) {
                return new Response(Outcome.DELIVERED, response.statusCode(), null,
                        r.getPartialSuccess().getRejectedSpans(), r.getPartialSuccess().getErrorMessage());
            }
        } catch (InvalidProtocolBufferException e) {
            // A 2xx whose body we cannot read is still a success: the spans were taken.
        }
        return new Response(Outcome.DELIVERED, response.statusCode(), null, 0, "");
    }

    private static String errorText(byte[] body) {
        String s = new String(body, 0, Math.min(body.length, MAX_ERROR_BODY), StandardCharsets.UTF_8).strip();
        return s.isEmpty() ? "(no body)" : s;
    }
}
