package dev.otlprelay.export.honeycomb;

import static org.assertj.core.api.Assertions.assertThat;

import dev.otlprelay.support.Otlp;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import java.util.List;
import org.junit.jupiter.api.Test;

class EncodedResourceSpansTest {
    @Test
    void aRequestBuiltFromItsPiecesIsTheRequestsEncoding() {
        ExportTraceServiceRequest request = Otlp.twoServices();
        byte[] body = EncodedResourceSpans.request(List.of(request.getResourceSpans(0).toByteString(),
                request.getResourceSpans(1).toByteString()));
        assertThat(body).isEqualTo(request.toByteArray());
    }

    @Test
    void wireSizeCountsTagLengthAndBytes() {
        ResourceSpans rs = Otlp.twoServices().getResourceSpans(1);
        assertThat(EncodedResourceSpans.wireSize(rs.toByteString()))
                .isEqualTo(ExportTraceServiceRequest.newBuilder().addResourceSpans(rs).build().getSerializedSize());
    }
}
