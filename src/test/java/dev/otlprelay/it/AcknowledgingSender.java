package dev.otlprelay.it;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/** The OpenTelemetry SDK's OTLP/HTTP exporter, driven so that the test knows which spans the relay acknowledged. */
final class AcknowledgingSender {
    private AcknowledgingSender() {
    }

    /** Exports batches of 50 spans, one at a time, recording the ids of every batch the relay acknowledged. */
    static void sendUntilStopped(int httpPort, Set<String> acknowledged, AtomicBoolean sending) {
        List<SpanData> ended = new ArrayList<>();
        SdkTracerProvider provider = SdkTracerProvider.builder()
                .setResource(Resource.create(Attributes.of(AttributeKey.stringKey("service.name"), "backend-flask")))
                .addSpanProcessor(new Collecting(ended)).build();
        Tracer tracer = provider.get("spool-it");
        OtlpHttpSpanExporter exporter = OtlpHttpSpanExporter.builder()
                .setEndpoint("http://127.0.0.1:" + httpPort + "/v1/traces")
                .setTimeout(Duration.ofSeconds(5)).build();
        try {
            while (sending.get()) {
                ended.clear();
                for (int i = 0; i < 50; i++) {
                    tracer.spanBuilder("GET /api/activities/home").startSpan().end();
                }
                List<SpanData> batch = List.copyOf(ended);
                CompletableResultCode result = exporter.export(batch).join(10, TimeUnit.SECONDS);
                if (result.isSuccess()) {
                    for (SpanData s : batch) {
                        acknowledged.add(s.getSpanId());
                    }
                }
            }
        } finally {
            exporter.shutdown().join(5, TimeUnit.SECONDS);
            provider.shutdown().join(5, TimeUnit.SECONDS);
        }
    }

    static Set<String> spanIds(List<Span> spans) {
        Set<String> ids = new HashSet<>();
        for (Span s : spans) {
            ids.add(HexFormat.of().formatHex(s.getSpanId().toByteArray()));
        }
        return ids;
    }

    /** Hands every ended span to the test, which exports them itself so that it sees each export's result. */
    private record Collecting(List<SpanData> ended) implements SpanProcessor {
        @Override
        public void onStart(Context parentContext, ReadWriteSpan span) {
        }

        @Override
        public boolean isStartRequired() {
            return false;
        }

        @Override
        public void onEnd(ReadableSpan span) {
            ended.add(span.toSpanData());
        }

        @Override
        public boolean isEndRequired() {
            return true;
        }
    }
}
