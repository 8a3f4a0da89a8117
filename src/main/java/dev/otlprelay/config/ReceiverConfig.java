package dev.otlprelay.config;

import java.time.Duration;
import java.util.Objects;

/**
 * The OTLP receivers (YAML section {@code receiver}).
 *
 * @param httpAddress         OTLP/HTTP listen address ({@code RELAY_HTTP_ADDRESS}, default 0.0.0.0:4318)
 * @param grpcAddress         OTLP/gRPC listen address ({@code RELAY_GRPC_ADDRESS}, default 0.0.0.0:4317)
 * @param maxRequestBytes     HTTP body limit after decompression ({@code RELAY_MAX_REQUEST_BYTES}, default 20 MiB)
 * @param maxGrpcMessageBytes gRPC message limit, RESOURCE_EXHAUSTED above it (default 4 MiB)
 * @param maxInflightBytes    process-wide admission budget in decompressed bytes
 *                            ({@code RELAY_MAX_INFLIGHT_BYTES}, default 64 MiB)
 * @param retryAfter          Retry-After given to clients when the relay sheds load (default 1s)
 * @param requestTimeout      an OTLP/HTTP request must arrive whole within this of its first line, or it is answered
 *                            408 and its connection closed ({@code RELAY_REQUEST_TIMEOUT}, default 30s)
 * @param cors                CORS for browser apps on the OTLP/HTTP port ({@code receiver.cors}, default off)
 */
public record ReceiverConfig(HostPort httpAddress, HostPort grpcAddress, long maxRequestBytes,
                             int maxGrpcMessageBytes, long maxInflightBytes, Duration retryAfter,
                             Duration requestTimeout, CorsConfig cors) {

    public ReceiverConfig {
        Objects.requireNonNull(httpAddress, "httpAddress");
        Objects.requireNonNull(grpcAddress, "grpcAddress");
        Objects.requireNonNull(retryAfter, "retryAfter");
        Objects.requireNonNull(requestTimeout, "requestTimeout");
        Objects.requireNonNull(cors, "cors");
    }

    /** The documented defaults. */
    public static ReceiverConfig defaults() {
        return new ReceiverConfig(new HostPort(HostPort.ANY_HOST, 4318), new HostPort(HostPort.ANY_HOST, 4317),
                MemoryBounds.maxRequest(MemoryBounds.maxHeap()), 4 * 1024 * 1024,
                MemoryBounds.inflight(MemoryBounds.maxHeap()), Duration.ofSeconds(1), Duration.ofSeconds(30),
                CorsConfig.off());
    }
}
