package dev.otlprelay.receive;

import dev.otlprelay.support.TestRelay;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporter;
import io.opentelemetry.sdk.trace.export.SpanExporter;

/** OTLP/gRPC with gzip message compression. */
class GrpcGzipConformanceTest extends SdkConformanceSuite {
    @Override
    SpanExporter exporter(TestRelay relay) {
        return OtlpGrpcSpanExporter.builder().setEndpoint(relay.grpcUrl()).setCompression("gzip").build();
    }

    @Override
    String transport() {
        return "grpc";
    }

    @Override
    String okCode() {
        return "OK";
    }
}
