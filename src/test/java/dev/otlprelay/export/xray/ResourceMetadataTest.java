package dev.otlprelay.export.xray;

import static dev.otlprelay.export.xray.XraySpans.bool;
import static dev.otlprelay.export.xray.XraySpans.dbl;
import static dev.otlprelay.export.xray.XraySpans.num;
import static dev.otlprelay.export.xray.XraySpans.str;
import static dev.otlprelay.export.xray.XraySpans.strings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonGenerator;
import io.opentelemetry.proto.common.v1.KeyValue;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Resource attributes copied from the first segment are the bytes that writing them field by field gives. */
class ResourceMetadataTest {

    @Test
    void flaskResourceIsCopiedFromTheFirstSegmentIntoTheNext() {
        assertCopiedAsWrittenFieldByField(XraySpans.flask().getAttributesList());
    }

    @Test
    void valuesOfEveryKindAndOddKeysAfterTheFirstAreCopiedAsWritten() {
        assertCopiedAsWrittenFieldByField(List.of(str("service.name", "backend-flask"), num("n", -3),
                dbl("d", 0.1), dbl("nan", Double.NaN), bool("b", true), strings("list", "a", "é\"\\\n"),
                str("rocket\uD83D\uDE80", "\uD83D\uDE80"), str("quote\"key", "\u0001\u2028</script>")));
    }

    @Test
    void repeatedKeysAreCopiedAsWritten() {
        assertCopiedAsWrittenFieldByField(List.of(str("service.name", "a"), str("k", "first"),
                str("service.name", "b"), str("k", "last")));
    }

    @Test
    void aResourceWhoseFirstKeyIsNotPlainAsciiIsAlwaysWrittenFieldByField() {
        List<KeyValue> kvs = List.of(str("clé", "v"), str("service.name", "backend-flask"));
        ResourceMetadata metadata = metadata(kvs);

        assertThat(segments(metadata, Set.of(), Limits.FULL, true, 3)).containsOnly(
                fieldByField(kvs, Set.of(), Limits.FULL, true));
        assertThat(metadata.copied()).isFalse();
    }

    @Test
    void segmentsThatAnnotateOrCutWriteFieldByFieldAndKeepNothing() {
        List<KeyValue> kvs = List.of(str("service.name", "backend-flask"), str("cloud.platform", "aws_ecs"),
                str("host.name", "h".repeat(300)));
        ResourceMetadata metadata = metadata(kvs);
        Set<String> annotated = Set.of("cloud.platform");
        Limits cut = new Limits(true, 100, 1, 1, 1, false, null);

        assertThat(segments(metadata, annotated, Limits.FULL, true, 2)).containsOnly(
                fieldByField(kvs, annotated, Limits.FULL, true)).allMatch(s -> !s.contains("cloud.platform"));
        assertThat(segments(metadata, Set.of(), cut, true, 2)).containsOnly(
                fieldByField(kvs, Set.of(), cut, true)).allMatch(s -> s.contains("h".repeat(100) + "\""));
        assertThat(metadata.copied()).isFalse();
    }

    @Test
    void aSegmentThatFillsItsDatagramKeepsNothingAndTheNextOneKeeps() throws IOException {
        List<KeyValue> kvs = XraySpans.flask().getAttributesList();
        ResourceMetadata metadata = metadata(kvs);
        ByteSink small = new ByteSink(40);
        JsonGenerator g = DatagramEncoder.JSON.createGenerator(small);
        g.writeStartObject();

        assertThatThrownBy(() -> metadata.write(g, Set.of(), Limits.FULL)).isSameAs(ByteSink.Full.INSTANCE);
        assertThat(metadata.copied()).isFalse();
        assertThat(segments(metadata, Set.of(), Limits.FULL, true, 2)).containsOnly(
                fieldByField(kvs, Set.of(), Limits.FULL, true));
        assertThat(metadata.copied()).isTrue();
    }

    private static void assertCopiedAsWrittenFieldByField(List<KeyValue> kvs) {
        for (boolean fieldBefore : List.of(true, false)) {
            ResourceMetadata metadata = metadata(kvs);
            String expected = fieldByField(kvs, Set.of(), Limits.FULL, fieldBefore);

            assertThat(segments(metadata, Set.of(), Limits.FULL, fieldBefore, 3)).containsOnly(expected);
            assertThat(metadata.copied()).isTrue();
            assertThat(expected).startsWith(fieldBefore ? "{\"before\":0,\"otel.resource." : "{\"otel.resource.")
                    .endsWith(",\"after\":1}");
        }
    }

    private static ResourceMetadata metadata(List<KeyValue> kvs) {
        return ResourceMetadata.of(Attributes.of(kvs));
    }

    /** The resource's fields in {@code count} objects written one after another, as segments are. */
    private static List<String> segments(ResourceMetadata metadata, Set<String> annotated, Limits limits,
                                         boolean fieldBefore, int count) {
        ByteSink sink = new ByteSink(DatagramEncoder.MAX_DATAGRAM_BYTES);
        List<String> written = new ArrayList<>();
        try (JsonGenerator g = DatagramEncoder.JSON.createGenerator(sink)) {
            for (int i = 0; i < count; i++) {
                sink.reset();
                writeObject(g, fieldBefore, () -> metadata.write(g, annotated, limits));
                g.flush();
                written.add(new String(sink.copy(0, sink.size()), StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return written;
    }

    /** The same object with the fields written one by one, as without a ResourceMetadata. */
    private static String fieldByField(List<KeyValue> kvs, Set<String> annotated, Limits limits,
                                       boolean fieldBefore) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = DatagramEncoder.JSON.createGenerator(out)) {
            writeObject(g, fieldBefore, () -> SegmentDocument.writeAttributes(g, Attributes.of(kvs), annotated,
                    ResourceMetadata.PREFIX, null, limits));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private interface Fields {
        void write() throws IOException;
    }

    private static void writeObject(JsonGenerator g, boolean fieldBefore, Fields fields) throws IOException {
        g.writeStartObject();
        if (fieldBefore) {
            g.writeNumberField("before", 0);
        }
        fields.write();
        g.writeNumberField("after", 1);
        g.writeEndObject();
    }
}
