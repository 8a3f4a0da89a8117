package dev.otlprelay.receive.http;

import dev.otlprelay.pipeline.ClientContext;
import dev.otlprelay.pipeline.OtlpEncoding;
import dev.otlprelay.pipeline.PassthroughBatch;
import dev.otlprelay.receive.Ingest;
import dev.otlprelay.receive.OtlpErrors;
import dev.otlprelay.receive.OtlpOutcome;
import java.util.concurrent.CompletableFuture;

/**
 * The three OTLP/HTTP paths, and where each hands its body: traces to the sampler, metrics and logs passed
 * through. A request's path is read without its query, and without scheme and host when it came in absolute form.
 */
enum OtlpPath {
    TRACES("/v1/traces", OtlpErrors.Service.TRACES, null),
    METRICS("/v1/metrics", OtlpErrors.Service.METRICS, PassthroughBatch.Signal.METRICS),
    LOGS("/v1/logs", OtlpErrors.Service.LOGS, PassthroughBatch.Signal.LOGS);

    final String path;
    /** Whose response message answers a request on this path. */
    final OtlpErrors.Service signal;
    private final PassthroughBatch.Signal passthrough;

    OtlpPath(String path, OtlpErrors.Service signal, PassthroughBatch.Signal passthrough) {
        this.path = path;
        this.signal = signal;
        this.passthrough = passthrough;
    }

    /** The OTLP path a request's path names; null when it is none of them. */
    static OtlpPath of(String path) {
        for (OtlpPath r : values()) {
            if (r.path.equals(path)) {
                return r;
            }
        }
        return null;
    }

    /** The path of a request target: without its query, and without scheme and host in absolute form. */
    static String pathOf(String uri) {
        int q = uri.indexOf('?');
        String path = q >= 0 ? uri.substring(0, q) : uri;
        if (path.startsWith("http://") || path.startsWith("https://")) {
            int slash = path.indexOf('/', path.indexOf("//") + 2);
            path = slash >= 0 ? path.substring(slash) : "/";
        }
        return path;
    }

    /** Hands a whole (inflated) body in {@code bytes[offset, offset + length)} to what serves this path. */
    CompletableFuture<OtlpOutcome> handOn(Ingest ingest, byte[] bytes, int offset, int length,
                                          OtlpEncoding encoding, ClientContext client) {
        if (this == TRACES) {
            return ingest.traces(bytes, offset, length, encoding, client);
        }
        return ingest.passthrough(passthrough, bytes, offset, length, encoding, client);
    }
}
