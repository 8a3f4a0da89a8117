package dev.otlprelay.receive;

import dev.otlprelay.support.TestRelay;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.trace.export.SpanExporter;

/** OTLP/HTTP with protobuf bodies, gzip-compressed. */
class HttpGzipConformanceTest extends SdkConformanceSuite {
    @Override
    SpanExporter exporter(TestRelay relay) {
        return OtlpHttpSpanExporter.builder().setEndpoint(relay.httpUrl() + "/v1/traces").setCompression("gzip")
                .build();
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
