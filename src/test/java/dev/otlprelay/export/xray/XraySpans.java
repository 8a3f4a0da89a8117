package dev.otlprelay.export.xray;

import com.google.protobuf.ByteString;
import dev.otlprelay.config.DebugExporterConfig;
import dev.otlprelay.config.HostPort;
import dev.otlprelay.config.XrayConfig;
import dev.otlprelay.pipeline.ClientContext;
import dev.otlprelay.pipeline.TraceBatch;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.ArrayValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Span.SpanKind;
import java.util.HexFormat;
import java.util.List;

/** Spans, resources and batches for the X-Ray tests, built with the OTLP protobuf builders. */
final class XraySpans {
    static final String TRACE = "5759e988bd862e3fe1be46a994272793";
    static final String XRAY_TRACE = "1-5759e988-bd862e3fe1be46a994272793";
    static final String ROOT = "53995c3f42cd8ad8";
    static final long START = 1_763_888_400_123_456_789L;
    static final long END = START + 250_000_000L;
    static final String START_TEXT = "1763888400.123456";
    static final String END_TEXT = "1763888400.373456";

    private XraySpans() {
    }

    static ByteString id(String hex) {
        return ByteString.copyFrom(HexFormat.of().parseHex(hex));
    }

    static KeyValue str(String key, String value) {
        return KeyValue.newBuilder().setKey(key).setValue(AnyValue.newBuilder().setStringValue(value)).build();
    }

    static KeyValue num(String key, long value) {
        return KeyValue.newBuilder().setKey(key).setValue(AnyValue.newBuilder().setIntValue(value)).build();
    }

    static KeyValue dbl(String key, double value) {
        return KeyValue.newBuilder().setKey(key).setValue(AnyValue.newBuilder().setDoubleValue(value)).build();
    }

    static KeyValue bool(String key, boolean value) {
        return KeyValue.newBuilder().setKey(key).setValue(AnyValue.newBuilder().setBoolValue(value)).build();
    }

    static KeyValue strings(String key, String... values) {
        ArrayValue.Builder array = ArrayValue.newBuilder();
        for (String v : values) {
            array.addValues(AnyValue.newBuilder().setStringValue(v));
        }
        return KeyValue.newBuilder().setKey(key).setValue(AnyValue.newBuilder().setArrayValue(array)).build();
    }

    /** A span of {@link #TRACE} from {@link #START} to {@link #END}; {@code parentHex} null for a root. */
    static Span.Builder span(String name, SpanKind kind, String spanHex, String parentHex, KeyValue... attributes) {
        Span.Builder b = Span.newBuilder().setName(name).setKind(kind).setTraceId(id(TRACE)).setSpanId(id(spanHex))
                .setStartTimeUnixNano(START).setEndTimeUnixNano(END).addAllAttributes(List.of(attributes));
        if (parentHex != null) {
            b.setParentSpanId(id(parentHex));
        }
        return b;
    }

    /** The Flask backend of the seeds, as the OpenTelemetry Python SDK describes it. */
    static Resource flask() {
        return resource(str("service.name", "backend-flask"), str("telemetry.sdk.language", "python"),
                str("telemetry.sdk.name", "opentelemetry"), str("telemetry.sdk.version", "1.21.0"));
    }

    static Resource resource(KeyValue... attributes) {
        return Resource.newBuilder().addAllAttributes(List.of(attributes)).build();
    }

    static TraceBatch batch(Resource resource, Span... spans) {
        ScopeSpans.Builder scope = ScopeSpans.newBuilder();
        for (Span s : spans) {
            scope.addSpans(s);
        }
        ExportTraceServiceRequest request = ExportTraceServiceRequest.newBuilder()
                .addResourceSpans(ResourceSpans.newBuilder().setResource(resource).addScopeSpans(scope)).build();
        return new TraceBatch(request, spans.length, request.getSerializedSize(),
                new ClientContext("http", null, null), System.nanoTime());
    }

    static XrayConfig config(List<String> indexed, boolean indexAll, boolean annotateSampling) {
        return new XrayConfig(DebugExporterConfig.Mode.ON, new HostPort("127.0.0.1", 2000), true, indexed,
                indexAll, annotateSampling, 0, 1L << 20, XrayConfig.Documents.NESTED,
                XrayConfig.DEFAULT_MAX_SUBSEGMENTS);
    }

    static XrayConfig config() {
        return config(List.of(), false, false);
    }

    /** {@link #config()} with one document per span, as before nesting. */
    static XrayConfig perSpan() {
        return config().withDocuments(XrayConfig.Documents.PER_SPAN, XrayConfig.DEFAULT_MAX_SUBSEGMENTS);
    }

    static XrayConfig daemonAt(int port, int perSecond) {
        return new XrayConfig(DebugExporterConfig.Mode.ON, new HostPort("127.0.0.1", port), true, List.of(),
                false, false, perSecond, 1L << 20, XrayConfig.Documents.NESTED, XrayConfig.DEFAULT_MAX_SUBSEGMENTS);
    }
}
