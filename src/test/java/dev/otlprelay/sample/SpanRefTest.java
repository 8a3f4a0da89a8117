package dev.otlprelay.sample;

import static org.assertj.core.api.Assertions.assertThat;

import dev.otlprelay.pipeline.ClientContext;
import dev.otlprelay.pipeline.TraceBatch;
import dev.otlprelay.support.Otlp;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import java.util.List;
import org.junit.jupiter.api.Test;

class SpanRefTest {
    private static final ClientContext CLIENT = new ClientContext("http", null, null);

    private static Span server500() {
        return Otlp.span("GET /api", "0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331").toBuilder()
                .setParentSpanId(Otlp.id("00f067aa0ba902b7")).setKind(Span.SpanKind.SPAN_KIND_SERVER)
                .setStartTimeUnixNano(1_000).setEndTimeUnixNano(5_000)
                .addAttributes(KeyValue.newBuilder().setKey("http.response.status_code")
                        .setValue(AnyValue.newBuilder().setIntValue(503)))
                .build();
    }

    @Test
    void aSpanHeldAsItsEncodingAnswersWhatDecisionsReadAndDecodesToTheSameSpan() {
        Span span = server500();
        SpanRef ref = SpanRef.encoded(Resource.getDefaultInstance(), InstrumentationScope.getDefaultInstance(), "",
                "", span, span.toByteString(), true);
        assertThat(ref.isEncoded()).isTrue();
        assertThat(ref.parentless()).isFalse();
        assertThat(ref.remoteChild()).isTrue();
        assertThat(ref.error()).isTrue();
        assertThat(ref.startNanos()).isEqualTo(1_000);
        assertThat(ref.endNanos()).isEqualTo(5_000);
        assertThat(ref.span()).isEqualTo(span);
        assertThat(ref.span()).as("decoded once, then reused").isSameAs(ref.span());
    }

    @Test
    void errorsAreTheStatusOrAServerHttpStatusInEitherConvention() {
        Span ok = Otlp.span("a", "0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331");
        Span status = ok.toBuilder().setStatus(Status.newBuilder().setCode(Status.StatusCode.STATUS_CODE_ERROR))
                .build();
        Span old404 = ok.toBuilder().addAttributes(KeyValue.newBuilder().setKey("http.status_code")
                .setValue(AnyValue.newBuilder().setStringValue("404"))).build();
        Span old500 = ok.toBuilder().addAttributes(KeyValue.newBuilder().setKey("http.status_code")
                .setValue(AnyValue.newBuilder().setStringValue("500"))).build();
        assertThat(List.of(ok, status, old404, old500)).extracting(s -> new SpanRef(Resource.getDefaultInstance(),
                InstrumentationScope.getDefaultInstance(), "", "", s).error())
                .containsExactly(false, true, false, true);
    }

    @Test
    void aReceivedRequestsSpansAreBufferedAsBytesAndABuiltOnesDecoded() {
        ExportTraceServiceRequest request = Otlp.validRequest(3);
        TraceBatch received = new TraceBatch(request, 3, request.getSerializedSize(), CLIENT, 0,
                request.toByteString());
        TraceBatch built = new TraceBatch(request, 3, request.getSerializedSize(), CLIENT, 0);

        List<SpanRef> fromBytes = new Arrivals(received, false).groups().stream().flatMap(g -> g.spans().stream()).toList();
        List<SpanRef> fromMessages = new Arrivals(built, false).groups().stream().flatMap(g -> g.spans().stream()).toList();

        assertThat(fromBytes).hasSize(3).allSatisfy(r -> assertThat(r.isEncoded()).isTrue());
        assertThat(fromMessages).hasSize(3).allSatisfy(r -> assertThat(r.isEncoded()).isFalse());
        assertThat(fromBytes).extracting(SpanRef::span).containsExactlyElementsOf(
                fromMessages.stream().map(SpanRef::span).toList());
        assertThat(new Arrivals(received, false).bytes()).isEqualTo(new Arrivals(built, false).bytes());
    }

    @Test
    void aTrueRootAboutToBeDecidedKeepsTheSpanItWasDecodedFromAndOtherSpansDoNot() {
        Span root = Otlp.span("root", "0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331");
        Span child = root.toBuilder().setSpanId(Otlp.span("c", "0af7651916cd43dd8448eb211c80319c",
                "00f067aa0ba902b7").getSpanId()).setParentSpanId(root.getSpanId()).build();
        SpanRef keptRoot = SpanRef.encoded(Resource.getDefaultInstance(), InstrumentationScope.getDefaultInstance(),
                "", "", root, root.toByteString(), true);
        SpanRef keptChild = SpanRef.encoded(Resource.getDefaultInstance(), InstrumentationScope.getDefaultInstance(),
                "", "", child, child.toByteString(), true);
        SpanRef plainRoot = SpanRef.encoded(Resource.getDefaultInstance(), InstrumentationScope.getDefaultInstance(),
                "", "", root, root.toByteString(), false);

        assertThat(keptRoot.span()).as("not decoded again").isSameAs(root);
        assertThat(keptChild.span()).as("a child is held as bytes and decoded when asked").isEqualTo(child)
                .isNotSameAs(child);
        assertThat(plainRoot.span()).isEqualTo(root).isNotSameAs(root);
    }
}
