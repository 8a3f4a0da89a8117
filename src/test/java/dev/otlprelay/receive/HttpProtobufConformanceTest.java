package dev.otlprelay.receive;

import dev.otlprelay.support.TestRelay;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.trace.export.SpanExporter;

/** OTLP/HTTP with protobuf bodies, uncompressed: the Python SDK's default (http/protobuf). */
class HttpProtobufConformanceTest extends SdkConformanceSuite {
    @Override
    SpanExporter exporter(TestRelay relay) {
        return OtlpHttpSpanExporter.builder().setEndpoint(relay.httpUrl() + "/v1/traces").build();
    }

    @Override
    String transport() {
        return "http";
    }

    @Override
    String okCode() {
        return "200";
    }
}
