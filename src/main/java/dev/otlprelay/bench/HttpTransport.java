package dev.otlprelay.bench;

import com.google.protobuf.InvalidProtocolBufferException;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * OTLP/HTTP as the SDK exporters speak it: {@code POST /v1/traces}, HTTP/1.1 keep-alive connections (one per load
 * thread), protobuf or JSON bodies without compression (the Python SDK's default).
 */
final class HttpTransport implements Transport {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final URI uri;
    private final String contentType;
    private final boolean protobuf;
    private final ExecutorService executor;
    private final HttpClient client;

    HttpTransport(URI endpoint, boolean protobuf, int concurrency) {
        String base = endpoint.toString();
        this.uri = URI.create(base.endsWith("/v1/traces") ? base
                : (base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + "/v1/traces");
        this.protobuf = protobuf;
        this.contentType = protobuf ? "application/x-protobuf" : "application/json";
        // A small executor of its own: the JDK's default is an unbounded pool.
        this.executor = Executors.newFixedThreadPool(Math.max(2, concurrency), r -> {
            Thread t = new Thread(r, "loadgen-http");
            t.setDaemon(true);
            return t;
        });
        this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(TIMEOUT)
                .executor(executor).build();
    }

    @Override
    public Reply send(byte[] body) throws InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(TIMEOUT).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        HttpResponse<byte[]> response;
        try {
            response = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (HttpTimeoutException e) {
            return new Reply(false, "timeout", 0);
        } catch (ConnectException e) {
            return new Reply(false, "connect_failed", 0);
        } catch (IOException e) {
            return new Reply(false, "io_error", 0);
        }
        int status = response.statusCode();
        if (status != 200) {
            return new Reply(false, "http_" + status, 0);
        }
        return new Reply(true, "http_200", protobuf ? rejected(response.body()) : 0);
    }

    private static long rejected(byte[] body) {
        try {
            return ExportTraceServiceResponse.parseFrom(body).getPartialSuccess().getRejectedSpans();
        } catch (InvalidProtocolBufferException e) {
            return 0;
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
