package dev.otlprelay.receive;

import dev.otlprelay.support.TestRelay;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporter;
import io.opentelemetry.sdk.trace.export.SpanExporter;

/** OTLP/gRPC. */
class GrpcConformanceTest extends SdkConformanceSuite {
    @Override
    SpanExporter exporter(TestRelay relay) {
        return OtlpGrpcSpanExporter.builder().setEndpoint(relay.grpcUrl()).build();
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
