package dev.otlprelay.export.honeycomb;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.otlprelay.support.Otlp;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.Span;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A request as the Honeycomb queue takes it: within Honeycomb's limits and a batch's size. */
class BatchPiecesTest {
    private final Counter truncated = new SimpleMeterRegistry().counter("truncated");
    private final AtomicInteger eventsTooLarge = new AtomicInteger();

    private BatchPieces pieces(int maxSpans, long maxBytes) {
        return new BatchPieces(maxSpans, maxBytes, truncated, eventsTooLarge::incrementAndGet);
    }

    private static Span[] spans(int n) {
        Span[] spans = new Span[n];
        for (int i = 0; i < n; i++) {
            spans[i] = Otlp.span("s" + i, "5b8efff798038103d269b633813fc60c", String.format("%016x", i + 1));
        }
        return spans;
    }

    @Test
    void aResourceSpansWithinTheLimitsIsQueuedAsTheBytesItArrivedIn() {
        ExportTraceServiceRequest request = Otlp.request("svc", spans(3));
        ByteString encoded = request.toByteString();

        List<BatchPieces.Piece> out = pieces(100, 1 << 20).of(request, encoded);

        assertThat(out).singleElement().satisfies(p -> {
            assertThat(p.spans()).isEqualTo(3);
            assertThat(p.bytes()).isEqualTo(request.getResourceSpans(0).toByteString());
        });
        assertThat(truncated.count()).isZero();
    }

    @Test
    void aResourceSpansOverTheBatchSizeIsSplitIntoPiecesThatEachFit() {
        ExportTraceServiceRequest request = Otlp.request("svc", spans(10));

        List<BatchPieces.Piece> out = pieces(4, 1 << 20).of(request, request.toByteString());

        assertThat(out).extracting(BatchPieces.Piece::spans).containsExactly(4, 4, 2);
    }

    @Test
    void aStringOverHoneycombsLimitIsTruncatedAndCounted() {
        Span big = spans(1)[0].toBuilder().addAttributes(KeyValue.newBuilder().setKey("sql")
                .setValue(AnyValue.newBuilder().setStringValue("x".repeat(HoneycombLimits.MAX_STRING_BYTES + 10))))
                .build();
        ExportTraceServiceRequest request = Otlp.request("svc", big);

        List<BatchPieces.Piece> out = pieces(100, 4 << 20).of(request, request.toByteString());

        assertThat(out).singleElement().satisfies(p -> assertThat(p.bytes().size())
                .isLessThan(request.getResourceSpans(0).getSerializedSize()));
        assertThat(truncated.count()).isEqualTo(1.0);
    }

    @Test
    void aSpanWhoseEventIsOverTheEventLimitIsDroppedAndReported() {
        Span.Builder huge = spans(1)[0].toBuilder();
        for (int i = 0; i < 20; i++) {
            huge.addAttributes(KeyValue.newBuilder().setKey("a" + i)
                    .setValue(AnyValue.newBuilder().setStringValue("y".repeat(60_000))));
        }
        ExportTraceServiceRequest request = Otlp.request("svc", huge.build(), spans(2)[1]);

        List<BatchPieces.Piece> out = pieces(100, 4 << 20).of(request, request.toByteString());

        assertThat(eventsTooLarge).hasValue(1);
        assertThat(out).singleElement().satisfies(p -> assertThat(p.spans()).isEqualTo(1));
    }
}
