package dev.otlprelay.export.xray;

import static dev.otlprelay.export.xray.XraySpans.ROOT;
import static dev.otlprelay.export.xray.XraySpans.span;
import static dev.otlprelay.export.xray.XraySpans.str;
import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.proto.trace.v1.Span.SpanKind;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** One encoder writes document after document; each datagram is as a new encoder would write it. */
class DatagramEncoderTest {
    private static final String CHILD = "a1b2c3d4e5f60718";
    private static final int BOUND = 400;
    /** Longer than the generator's own buffer, so that the bound is reached in the middle of a document. */
    private static final String LONG = "y".repeat(20_000);

    private final SegmentTranslator translator = new SegmentTranslator(new Annotations(List.of(), false, false));
    private final ResourceView resource = ResourceView.of(XraySpans.flask());
    private final SegmentDocument small = translator.translate(span("work", SpanKind.SPAN_KIND_INTERNAL, CHILD, ROOT,
            str("app.x", "y")).build(), resource);

    @Test
    void documentsOneAfterAnotherCarryNothingOfTheOneBefore() {
        DatagramEncoder encoder = new DatagramEncoder(BOUND);
        String first = encode(encoder, small);
        String second = encode(encoder, small);

        assertThat(second).isEqualTo(first).isEqualTo(encode(new DatagramEncoder(BOUND), small));
        assertThat(first).startsWith(new String(DatagramEncoder.HEADER, StandardCharsets.US_ASCII) + "{\"name\"")
                .endsWith("}");
    }

    @Test
    void aDocumentAfterOneThatWasShrunkIsWrittenWhole() {
        DatagramEncoder encoder = new DatagramEncoder(BOUND);
        SegmentDocument large = translator.translate(span("work", SpanKind.SPAN_KIND_INTERNAL, CHILD, ROOT,
                str("app.x", LONG)).build(), resource);

        assertThat(encoder.encode(large)).isEqualTo(DatagramEncoder.Fit.TRUNCATED);
        assertThat(encode(encoder, small)).isEqualTo(encode(new DatagramEncoder(BOUND), small));
    }

    @Test
    void aDocumentAfterOneThatCouldNotFitIsWrittenWhole() {
        DatagramEncoder encoder = new DatagramEncoder(BOUND);
        SegmentDocument tooLarge = translator.translate(span("w".repeat(Names.MAX_LENGTH),
                SpanKind.SPAN_KIND_INTERNAL, CHILD, ROOT, str("app.x", LONG)).build(), resource);

        assertThat(encoder.encode(tooLarge)).isEqualTo(DatagramEncoder.Fit.TOO_LARGE);
        assertThat(encode(encoder, small)).isEqualTo(encode(new DatagramEncoder(BOUND), small));
    }

    private static String encode(DatagramEncoder encoder, SegmentDocument doc) {
        assertThat(encoder.encode(doc)).isEqualTo(DatagramEncoder.Fit.WHOLE);
        ByteBuffer datagram = encoder.datagram();
        byte[] bytes = new byte[datagram.remaining()];
        datagram.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
