package dev.otlprelay.export.xray;

import static dev.otlprelay.export.xray.XraySpans.bool;
import static dev.otlprelay.export.xray.XraySpans.dbl;
import static dev.otlprelay.export.xray.XraySpans.num;
import static dev.otlprelay.export.xray.XraySpans.str;
import static dev.otlprelay.export.xray.XraySpans.strings;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonGenerator;
import io.opentelemetry.proto.common.v1.KeyValue;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Resource attributes written ahead are the bytes that writing them field by field gives. */
class ResourceMetadataTest {

    @Test
    void flaskResourceIsWrittenAheadAsFieldByField() throws IOException {
        assertWrittenAheadAsFieldByField(XraySpans.flask().getAttributesList());
    }

    @Test
    void valuesOfEveryKindAndOddKeysAfterTheFirstAreWrittenAheadAsFieldByField() throws IOException {
        assertWrittenAheadAsFieldByField(List.of(str("service.name", "backend-flask"), num("n", -3),
                dbl("d", 0.1), dbl("nan", Double.NaN), bool("b", true), strings("list", "a", "é\"\\\n"),
                str("rocket\uD83D\uDE80", "\uD83D\uDE80"), str("quote\"key", "\u0001\u2028</script>")));
    }

    @Test
    void repeatedKeysAreWrittenAheadAsFieldByField() throws IOException {
        assertWrittenAheadAsFieldByField(List.of(str("service.name", "a"), str("k", "first"),
                str("service.name", "b"), str("k", "last")));
    }

    @Test
    void aResourceWhoseFirstKeyIsNotPlainOrThatIsTooLargeIsWrittenFieldByField() throws IOException {
        List<KeyValue> notPlain = List.of(str("clé", "v"), str("service.name", "backend-flask"));
        List<KeyValue> large = List.of(str("service.name", "backend-flask"),
                str("blob", "x".repeat(ResourceMetadata.MAX_AHEAD_BYTES)));

        for (List<KeyValue> kvs : List.of(notPlain, large)) {
            Attributes attributes = Attributes.of(kvs);
            ResourceMetadata metadata = ResourceMetadata.of(attributes);
            assertThat(metadata.writtenAhead()).isFalse();
            assertThat(written(g -> metadata.write(g, Set.of(), Limits.FULL)))
                    .isEqualTo(written(g -> fieldByField(g, attributes, Set.of(), Limits.FULL)));
        }
    }

    @Test
    void annotatedAttributesAndCutStringsAreWrittenFieldByField() throws IOException {
        Attributes attributes = Attributes.of(List.of(str("service.name", "backend-flask"),
                str("cloud.platform", "aws_ecs"), str("host.name", "h".repeat(300))));
        ResourceMetadata metadata = ResourceMetadata.of(attributes);
        Set<String> annotated = Set.of("cloud.platform");

        assertThat(written(g -> metadata.write(g, annotated, Limits.FULL)))
                .isEqualTo(written(g -> fieldByField(g, attributes, annotated, Limits.FULL)))
                .doesNotContain("cloud.platform");
        Limits cut = new Limits(true, 100, 1, 1, 1, false, null);
        assertThat(written(g -> metadata.write(g, Set.of(), cut)))
                .isEqualTo(written(g -> fieldByField(g, attributes, Set.of(), cut)))
                .contains("\"" + "h".repeat(100) + "\"");
    }

    private static void assertWrittenAheadAsFieldByField(List<KeyValue> kvs) throws IOException {
        Attributes attributes = Attributes.of(kvs);
        ResourceMetadata metadata = ResourceMetadata.of(attributes);

        assertThat(metadata.writtenAhead()).isTrue();
        assertThat(written(g -> metadata.write(g, Set.of(), Limits.FULL)))
                .isEqualTo(written(g -> fieldByField(g, attributes, Set.of(), Limits.FULL)))
                .startsWith("{\"before\":0,\"otel.resource.").endsWith(",\"after\":1}");
    }

    private static void fieldByField(JsonGenerator g, Attributes attributes, Set<String> skip, Limits limits)
            throws IOException {
        SegmentDocument.writeAttributes(g, attributes, skip, ResourceMetadata.PREFIX, null, limits);
    }

    private interface Fields {
        void write(JsonGenerator g) throws IOException;
    }

    /** The fields between two others, as in a segment's metadata. */
    private static String written(Fields fields) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = DatagramEncoder.JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeNumberField("before", 0);
            fields.write(g);
            g.writeNumberField("after", 1);
            g.writeEndObject();
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
