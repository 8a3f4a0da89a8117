package dev.otlprelay.support;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HexFormat;
import java.util.zip.GZIPOutputStream;

/** Builders for OTLP requests used across tests. */
public final class Otlp {
    private Otlp() {
    }

    public static ByteString id(String hex) {
        return ByteString.copyFrom(HexFormat.of().parseHex(hex));
    }

    public static Span span(String name, String traceHex, String spanHex) {
        return Span.newBuilder().setName(name).setTraceId(id(traceHex)).setSpanId(id(spanHex))
                .setKind(Span.SpanKind.SPAN_KIND_SERVER)
                .setStartTimeUnixNano(1_700_000_000_000_000_000L).setEndTimeUnixNano(1_700_000_000_500_000_000L)
                .addAttributes(KeyValue.newBuilder().setKey("http.method")
                        .setValue(AnyValue.newBuilder().setStringValue("GET")))
                .build();
    }

    public static ExportTraceServiceRequest request(String service, Span... spans) {
        ScopeSpans.Builder scope = ScopeSpans.newBuilder();
        for (Span s : spans) {
            scope.addSpans(s);
        }
        return ExportTraceServiceRequest.newBuilder().addResourceSpans(ResourceSpans.newBuilder()
                .setResource(Resource.newBuilder().addAttributes(KeyValue.newBuilder().setKey("service.name")
                        .setValue(AnyValue.newBuilder().setStringValue(service))))
                .addScopeSpans(scope)).build();
    }

    /** A request of {@code count} valid spans, each in its own trace. */
    public static ExportTraceServiceRequest validRequest(int count) {
        Span[] spans = new Span[count];
        for (int i = 0; i < count; i++) {
            spans[i] = span("span-" + i, String.format("%032x", i + 1L), String.format("%016x", i + 1L));
        }
        return request("backend-flask", spans);
    }

    /** A request from two services: one span from the first, two spans of one trace from the second. */
    public static ExportTraceServiceRequest twoServices() {
        ExportTraceServiceRequest a = request("backend-flask",
                span("a", "0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331"));
        ExportTraceServiceRequest b = request("frontend",
                span("b", "0af7651916cd43dd8448eb211c80319d", "b7ad6b7169203332"),
                span("c", "0af7651916cd43dd8448eb211c80319d", "b7ad6b7169203333"));
        return a.toBuilder().addAllResourceSpans(b.getResourceSpansList()).build();
    }

    public static byte[] gzip(byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** A gzip stream of {@code zeros} zero bytes, built without ever holding them in memory. */
    public static byte[] gzipBomb(long zeros) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] chunk = new byte[1 << 20];
        try (GZIPOutputStream gz = new GZIPOutputStream(out, 1 << 16) {
            {
                def.setLevel(java.util.zip.Deflater.BEST_COMPRESSION);
            }
        }) {
            for (long left = zeros; left > 0; left -= chunk.length) {
                gz.write(chunk, 0, (int) Math.min(chunk.length, left));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** A gauge with {@code first} data points and a sum with {@code second}. */
    public static io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest metrics(int first,
                                                                                                    int second) {
        var gauge = io.opentelemetry.proto.metrics.v1.Gauge.newBuilder();
        for (int i = 0; i < first; i++) {
            gauge.addDataPoints(io.opentelemetry.proto.metrics.v1.NumberDataPoint.newBuilder().setAsInt(i));
        }
        var sum = io.opentelemetry.proto.metrics.v1.Sum.newBuilder().setIsMonotonic(true);
        for (int i = 0; i < second; i++) {
            sum.addDataPoints(io.opentelemetry.proto.metrics.v1.NumberDataPoint.newBuilder().setAsDouble(i));
        }
        return io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest.newBuilder()
                .addResourceMetrics(io.opentelemetry.proto.metrics.v1.ResourceMetrics.newBuilder()
                        .addScopeMetrics(io.opentelemetry.proto.metrics.v1.ScopeMetrics.newBuilder()
                                .addMetrics(io.opentelemetry.proto.metrics.v1.Metric.newBuilder().setName("queue.depth")
                                        .setGauge(gauge))
                                .addMetrics(io.opentelemetry.proto.metrics.v1.Metric.newBuilder().setName("requests")
                                        .setSum(sum))))
                .build();
    }

    public static io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest logs(int records) {
        var scope = io.opentelemetry.proto.logs.v1.ScopeLogs.newBuilder();
        for (int i = 0; i < records; i++) {
            scope.addLogRecords(io.opentelemetry.proto.logs.v1.LogRecord.newBuilder().setSeverityText("INFO"));
        }
        return io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest.newBuilder()
                .addResourceLogs(io.opentelemetry.proto.logs.v1.ResourceLogs.newBuilder().addScopeLogs(scope)).build();
    }
}
