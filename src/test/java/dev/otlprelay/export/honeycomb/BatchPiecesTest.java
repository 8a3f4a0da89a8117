package dev.otlprelay.export.honeycomb;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.otlprelay.support.Otlp;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
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

    private static Span withString(Span span, int bytes) {
        return span.toBuilder().addAttributes(KeyValue.newBuilder().setKey("blob")
                .setValue(AnyValue.newBuilder().setStringValue("x".repeat(bytes)))).build();
    }

    private static List<String> names(BatchPieces.Piece piece) {
        ResourceSpans rs = EncodedResourceSpans.decode(piece.bytes());
        List<String> out = new java.util.ArrayList<>();
        rs.getScopeSpansList().forEach(ss -> ss.getSpansList().forEach(span -> out.add(
                rs.getResource().getAttributes(0).getValue().getStringValue() + "/" + span.getName())));
        return out;
    }

    @Test
    void aPieceHoldsAtMostBatchMaxSpansAndExactlyThatManyFillOne() {
        ExportTraceServiceRequest request = Otlp.request("svc", spans(6));

        assertThat(pieces(6, 1 << 20).of(request, request.toByteString())).singleElement()
                .satisfies(p -> assertThat(p.spans()).isEqualTo(6));
        List<BatchPieces.Piece> split = pieces(3, 1 << 20).of(request, request.toByteString());
        assertThat(split).extracting(BatchPieces.Piece::spans).containsExactly(3, 3);
        assertThat(names(split.get(0))).containsExactly("svc/s0", "svc/s1", "svc/s2");
        assertThat(names(split.get(1))).containsExactly("svc/s3", "svc/s4", "svc/s5");
    }

    @Test
    void aResourceSpansOverBatchMaxBytesIsSplitIntoPiecesUnderIt() {
        Span[] spans = spans(6);
        for (int i = 0; i < spans.length; i++) {
            spans[i] = withString(spans[i], 1000);
        }
        ExportTraceServiceRequest request = Otlp.request("svc", spans);
        int maxBytes = 2500;

        List<BatchPieces.Piece> out = pieces(100, maxBytes).of(request, request.toByteString());

        assertThat(out).extracting(BatchPieces.Piece::spans).containsExactly(2, 2, 2);
        assertThat(out).allSatisfy(p -> assertThat(p.bytes().size()).isLessThanOrEqualTo(maxBytes));
        assertThat(out.stream().flatMap(p -> names(p).stream())).containsExactly("svc/s0", "svc/s1", "svc/s2",
                "svc/s3", "svc/s4", "svc/s5");
    }

    @Test
    void aSplitStartsAPieceAtEachScopeAndKeepsEveryResource() {
        ExportTraceServiceRequest one = Otlp.request("svc", spans(3));
        ResourceSpans twoScopes = one.getResourceSpans(0).toBuilder().addScopeSpans(one.getResourceSpans(0)
                .getScopeSpans(0)).build();
        ExportTraceServiceRequest request = ExportTraceServiceRequest.newBuilder().addResourceSpans(twoScopes)
                .addResourceSpans(Otlp.request("other", spans(1)).getResourceSpans(0)).build();

        List<BatchPieces.Piece> out = pieces(4, 1 << 20).of(request, request.toByteString());

        assertThat(out).extracting(BatchPieces.Piece::spans).containsExactly(3, 3, 1);
        assertThat(names(out.get(2))).containsExactly("other/s0");
    }

    @Test
    void spansAroundATruncatedOneKeepTheirPlaceAndTheRequestIsEncodedWithoutReceivedBytes() {
        Span[] spans = spans(3);
        spans[1] = withString(spans[1], HoneycombLimits.MAX_STRING_BYTES + 1);
        ExportTraceServiceRequest request = Otlp.request("svc", spans);

        for (ByteString encoded : java.util.Arrays.asList(request.toByteString(), null)) {
            List<BatchPieces.Piece> out = pieces(100, 4 << 20).of(request, encoded);
            assertThat(out).singleElement().satisfies(p -> {
                assertThat(p.spans()).isEqualTo(3);
                assertThat(names(p)).containsExactly("svc/s0", "svc/s1", "svc/s2");
            });
        }
        assertThat(truncated.count()).isEqualTo(2.0);
    }

    @Test
    void aRequestWithoutItsReceivedBytesIsEncodedHere() {
        ExportTraceServiceRequest request = Otlp.request("svc", spans(2));

        assertThat(pieces(100, 1 << 20).of(request, null)).singleElement().satisfies(p -> {
            assertThat(p.bytes()).isEqualTo(request.getResourceSpans(0).toByteString());
            assertThat(p.spans()).isEqualTo(2);
        });
    }

    @Test
    void aResourceSpansWhoseEverySpanIsTooLargeBecomesNoPiece() {
        Span.Builder huge = spans(1)[0].toBuilder();
        for (int i = 0; i < 20; i++) {
            huge.addAttributes(KeyValue.newBuilder().setKey("a" + i)
                    .setValue(AnyValue.newBuilder().setStringValue("y".repeat(60_000))));
        }
        ExportTraceServiceRequest request = ExportTraceServiceRequest.newBuilder()
                .addResourceSpans(Otlp.request("gone", huge.build(), huge.build()).getResourceSpans(0))
                .addResourceSpans(Otlp.request("kept", spans(1)).getResourceSpans(0)).build();

        List<BatchPieces.Piece> out = pieces(100, 4 << 20).of(request, request.toByteString());

        assertThat(eventsTooLarge).hasValue(2);
        assertThat(out).singleElement().satisfies(p -> assertThat(names(p)).containsExactly("kept/s0"));
    }

    @Test
    void aLongResourceAttributeIsTruncatedAndCounted() {
        ResourceSpans rs = Otlp.request("svc", spans(1)).getResourceSpans(0);
        rs = rs.toBuilder().setResource(rs.getResource().toBuilder().addAttributes(KeyValue.newBuilder()
                .setKey("host.description").setValue(AnyValue.newBuilder().setStringValue("h".repeat(70_000)))))
                .build();
        ExportTraceServiceRequest request = ExportTraceServiceRequest.newBuilder().addResourceSpans(rs).build();

        List<BatchPieces.Piece> out = pieces(100, 4 << 20).of(request, request.toByteString());

        assertThat(truncated.count()).isEqualTo(1.0);
        ResourceSpans sent = EncodedResourceSpans.decode(out.get(0).bytes());
        assertThat(sent.getResource().getAttributes(1).getValue().getStringValue()).hasSize(65_535);
        assertThat(names(out.get(0))).containsExactly("svc/s0");
    }

    @Test
    void aSpanLargerThanBatchMaxBytesIsAPieceOfItsOwnAndAnEmptyScopeMakesNone() {
        Span[] spans = spans(3);
        spans[0] = withString(spans[0], 3000);
        ResourceSpans rs = Otlp.request("svc", spans).getResourceSpans(0);
        rs = rs.toBuilder().addScopeSpans(io.opentelemetry.proto.trace.v1.ScopeSpans.newBuilder()).build();
        ExportTraceServiceRequest request = ExportTraceServiceRequest.newBuilder().addResourceSpans(rs).build();

        List<BatchPieces.Piece> out = pieces(100, 2048).of(request, request.toByteString());

        assertThat(out).extracting(BatchPieces.Piece::spans).containsExactly(1, 2);
        assertThat(out.stream().flatMap(p -> names(p).stream())).containsExactly("svc/s0", "svc/s1", "svc/s2");
    }
}
