package dev.otlprelay.export.honeycomb;

import static org.assertj.core.api.Assertions.assertThat;

import dev.otlprelay.support.Otlp;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import java.util.List;
import org.junit.jupiter.api.Test;

class EncodedResourceSpansTest {
    private static ExportTraceServiceRequest twoResources() {
        ExportTraceServiceRequest a = Otlp.request("backend-flask",
                Otlp.span("a", "0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331"));
        ExportTraceServiceRequest b = Otlp.request("frontend",
                Otlp.span("b", "0af7651916cd43dd8448eb211c80319d", "b7ad6b7169203332"),
                Otlp.span("c", "0af7651916cd43dd8448eb211c80319d", "b7ad6b7169203333"));
        return a.toBuilder().addAllResourceSpans(b.getResourceSpansList()).build();
    }

    @Test
    void aRequestBuiltFromItsPiecesIsTheRequestsEncoding() {
        ExportTraceServiceRequest request = twoResources();
        byte[] body = EncodedResourceSpans.request(List.of(request.getResourceSpans(0).toByteString(),
                request.getResourceSpans(1).toByteString()));
        assertThat(body).isEqualTo(request.toByteArray());
    }

    @Test
    void wireSizeCountsTagLengthAndBytes() {
        ResourceSpans rs = twoResources().getResourceSpans(1);
        assertThat(EncodedResourceSpans.wireSize(rs.toByteString()))
                .isEqualTo(ExportTraceServiceRequest.newBuilder().addResourceSpans(rs).build().getSerializedSize());
    }
}
