package dev.otlprelay.export.xray;

import static dev.otlprelay.export.xray.XraySpans.ROOT;
import static dev.otlprelay.export.xray.XraySpans.flask;
import static dev.otlprelay.export.xray.XraySpans.num;
import static dev.otlprelay.export.xray.XraySpans.span;
import static dev.otlprelay.export.xray.XraySpans.str;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Span.SpanKind;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Documents too large for one datagram are shrunk in order, marked, counted, and never sent broken. */
class DatagramSizePolicyTest {

    private final ExporterFixtures fixtures = new ExporterFixtures();

    @AfterEach
    void closeFixtures() {
        fixtures.close();
    }
    private static final String CHILD = "a1b2c3d4e5f60718";

    @Test
    void annotationsAreDroppedLargestFirstAfterMetadata() {
        List<KeyValue> attributes = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            attributes.add(str(key(i), "v".repeat(600 + 10 * i)));
        }
        attributes.add(XraySpans.strings("app.list", "x".repeat(5_000)));
        ExporterFixture fixture = fixtures.open(XraySpans.config(List.of(), true, false));

        JsonNode doc = fixture.one(flask(), span("work", SpanKind.SPAN_KIND_INTERNAL, CHILD, ROOT,
                attributes.toArray(KeyValue[]::new)).build());

        JsonNode annotations = doc.get("annotations");
        assertThat(annotations.get(Annotations.TRUNCATED).asBoolean()).isTrue();
        assertThat(doc.at("/metadata/otlp_relay/truncated").asText()).isEqualTo("metadata,annotations");
        assertThat(doc.at("/metadata/default").isMissingNode()).isTrue();
        int keptLargest = 0;
        List<Integer> kept = new ArrayList<>();
        for (Iterator<String> it = annotations.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!k.equals(Annotations.TRUNCATED)) {
                int size = k.length() + annotations.get(k).asText().length();
                kept.add(size);
                keptLargest = Math.max(keptLargest, size);
            }
        }
        assertThat(kept).hasSizeBetween(40, 49);
        int smallestDropped = Integer.MAX_VALUE;
        for (int i = 0; i < 50; i++) {
            if (!annotations.has(Annotations.key(key(i)))) {
                smallestDropped = Math.min(smallestDropped, key(i).length() + Math.min(1000, 600 + 10 * i));
            }
        }
        assertThat(keptLargest).isLessThanOrEqualTo(smallestDropped);
        assertThat(fixture.metric("otlp_relay_xray_datagrams_total", "result", "truncated")).isEqualTo(1);
    }

    @Test
    void hugeExceptionIsCutToCompactStringsAndFewerFrames() {
        StringBuilder trace = new StringBuilder("java.lang.StackOverflowError\n");
        for (int i = 0; i < 5_000; i++) {
            trace.append("\tat com.example.Recursive.call(Recursive.java:").append(i + 1).append(")\n");
        }
        Span span = span("work", SpanKind.SPAN_KIND_INTERNAL, CHILD, ROOT).addEvents(Span.Event.newBuilder()
                .setName("exception").addAttributes(str("exception.type", "java.lang.StackOverflowError"))
                .addAttributes(str("exception.message", "m".repeat(200_000)))
                .addAttributes(str("exception.stacktrace", trace.toString()))).build();
        ExporterFixture fixture = fixtures.open(XraySpans.config());

        JsonNode doc = fixture.one(flask(), span);

        JsonNode exception = doc.at("/cause/exceptions/0");
        assertThat(exception.get("message").asText()).hasSize(1024);
        assertThat(exception.get("stack")).hasSize(20);
        assertThat(exception.get("truncated").asInt()).isEqualTo(4_980);
        assertThat(doc.at("/metadata/otlp_relay/truncated").asText()).isEqualTo("metadata,annotations,strings");
        assertThat(doc.at("/annotations/" + Annotations.TRUNCATED).asBoolean()).isTrue();
    }

    @Test
    void documentThatCannotFitIsDroppedAsTooLargeAndNothingIsSent() {
        CapturingSender sender = new CapturingSender();
        ExporterFixture fixture = fixtures.open(XraySpans.config(), sender, 120);

        List<JsonNode> docs = fixture.export(flask(), span("work", SpanKind.SPAN_KIND_INTERNAL, CHILD, ROOT).build());

        assertThat(docs).isEmpty();
        assertThat(fixture.metric("otlp_relay_dropped_spans_total", "exporter", "xray", "reason", "too_large"))
                .isEqualTo(1);
        assertThat(fixture.metric("otlp_relay_xray_datagrams_total", "result", "sent")).isZero();
    }

    @Test
    void indexAllAnnotatesAtMostFiftyScalarsWithSanitisedKeysAndKeepsTheRestInMetadata() {
        List<KeyValue> attributes = new ArrayList<>();
        for (int i = 0; i < 80; i++) {
            attributes.add(num("app.n-" + i, i));
        }
        attributes.add(XraySpans.strings("app.tags", "a", "b"));
        ExporterFixture fixture = fixtures.open(XraySpans.config(List.of(), true, false));

        JsonNode doc = fixture.one(flask(), span("work", SpanKind.SPAN_KIND_INTERNAL, CHILD, ROOT,
                attributes.toArray(KeyValue[]::new)).build());

        assertThat(doc.get("annotations")).hasSize(50);
        assertThat(doc.at("/annotations/app_n_0").asInt()).isZero();
        assertThat(doc.at("/annotations/app_n_49").asInt()).isEqualTo(49);
        assertThat(doc.at("/metadata/default/app.n-50").asInt()).isEqualTo(50);
        assertThat(doc.at("/metadata/default").has("app.n-0")).isFalse();
        assertThat(doc.at("/metadata/default/app.tags")).hasSize(2);
    }

    private static String key(int i) {
        return String.format("k%02d", i) + "_".repeat(477);
    }
}
