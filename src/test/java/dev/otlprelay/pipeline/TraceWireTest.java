package dev.otlprelay.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import dev.otlprelay.support.Otlp;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

class TraceWireTest {
    @Test
    void slicesAreTheEncodedResourceSpansInOrder() {
        ExportTraceServiceRequest request = Otlp.twoServices();
        List<ByteString> slices = TraceWire.resourceSpans(request.toByteString(), 2);
        assertThat(slices).containsExactly(request.getResourceSpans(0).toByteString(),
                request.getResourceSpans(1).toByteString());
    }

    @Test
    void unknownTopLevelFieldsAreSkippedNotCounted() throws IOException {
        ExportTraceServiceRequest request = Otlp.twoServices();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        CodedOutputStream out = CodedOutputStream.newInstance(bytes);
        out.writeString(7, "a field from a newer schema");
        out.writeBytes(1, request.getResourceSpans(0).toByteString());
        out.writeUInt64(9, 42);
        out.writeBytes(1, request.getResourceSpans(1).toByteString());
        out.flush();
        List<ByteString> slices = TraceWire.resourceSpans(ByteString.copyFrom(bytes.toByteArray()), 2);
        assertThat(slices).hasSize(2);
        assertThat(ResourceSpans.parseFrom(slices.get(1))).isEqualTo(request.getResourceSpans(1));
    }

    @Test
    void aCountThatDoesNotMatchTheDecodedRequestGivesNoSlices() {
        assertThat(TraceWire.resourceSpans(Otlp.twoServices().toByteString(), 3)).isNull();
        assertThat(TraceWire.resourceSpans(ByteString.copyFrom(new byte[] {0x0a, 0x7f, 1}), 1)).isNull();
    }

    @Test
    void largestPartIsTheLongestResourceOrSpanEncoding() {
        ResourceSpans rs = Otlp.twoServices().getResourceSpans(1).toBuilder()
                .setResource(Resource.newBuilder().addAttributes(
                        KeyValue.newBuilder().setKey("k").setValue(
                                AnyValue.newBuilder().setStringValue("x".repeat(300)))))
                .build();
        int longestSpan = rs.getScopeSpans(0).getSpansList().stream()
                .mapToInt(Span::getSerializedSize).max().orElseThrow();
        assertThat(TraceWire.largestPart(rs.toByteString())).isEqualTo(rs.getResource().getSerializedSize());
        ResourceSpans smallResource = rs.toBuilder().clearResource().build();
        assertThat(TraceWire.largestPart(smallResource.toByteString())).isEqualTo(longestSpan);
        assertThat(TraceWire.largestPart(ByteString.copyFrom(new byte[] {0x12, 0x7f, 1}))).isEqualTo(-1);
    }

    @Test
    void spansAreEachSpanEncodingInTheDecodedOrder() {
        ExportTraceServiceRequest request = Otlp.twoServices();
        List<ByteString> spans = TraceWire.spans(request.toByteString(), 3);
        assertThat(spans).containsExactly(
                request.getResourceSpans(0).getScopeSpans(0).getSpans(0).toByteString(),
                request.getResourceSpans(1).getScopeSpans(0).getSpans(0).toByteString(),
                request.getResourceSpans(1).getScopeSpans(0).getSpans(1).toByteString());
        assertThat(TraceWire.spans(request.toByteString(), 2)).isNull();
        assertThat(TraceWire.spans(ByteString.copyFrom(new byte[] {0x0a, 0x05, 0x12, 0x7f}), 1)).isNull();
    }

    @Test
    void aSpanAcceptedAtTheDeepestNestingDecodesAgain() {
        AnyValue value = AnyValue.newBuilder().setStringValue("leaf").build();
        for (int i = 0; i < Nesting.MAX_VALUE_DEPTH; i++) {
            value = AnyValue.newBuilder().setKvlistValue(io.opentelemetry.proto.common.v1.KeyValueList.newBuilder()
                    .addValues(KeyValue.newBuilder().setKey("k").setValue(value))).build();
        }
        Span span = Otlp.span("deep", "0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331").toBuilder()
                .addEvents(Span.Event.newBuilder().addAttributes(KeyValue.newBuilder().setKey("deep").setValue(value)))
                .build();
        // Buffered spans (sampling) and spooled requests are decoded again: past protobuf's default limit of 100.
        assertThat(TraceWire.decodeAgain(Span.parser(), span.toByteString(), "a buffered span")).isEqualTo(span);
    }
}
