package dev.otlprelay.export.xray;

import static dev.otlprelay.export.xray.XraySpans.ROOT;
import static dev.otlprelay.export.xray.XraySpans.span;
import static dev.otlprelay.export.xray.XraySpans.str;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.opentelemetry.proto.trace.v1.Span.SpanKind;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class JsonFieldsTest {
    private final ExporterFixtures fixtures = new ExporterFixtures();

    @AfterEach
    void closeFixtures() {
        fixtures.close();
    }

    @Test
    void anEncodedNameIsWrittenAsTheGeneratorWritesTheSameString() throws IOException {
        String name = "otel.resource.service.name";

        assertThat(written(g -> g.writeFieldName(JsonFields.plainName(name))))
                .isEqualTo(written(g -> g.writeFieldName(name)))
                .isEqualTo("{\"" + name + "\":1}");
    }

    @Test
    void onlyPrintableAsciiWithoutQuotesOrBackslashesIsPlain() {
        assertThat(JsonFields.plainName("service.name_1 ~")).isNotNull();
        assertThat(JsonFields.plainName("quote\"d")).isNull();
        assertThat(JsonFields.plainName("back\\slash")).isNull();
        assertThat(JsonFields.plainName("tab\tbed")).isNull();
        assertThat(JsonFields.plainName("délai")).isNull();
        assertThat(JsonFields.plainName("rocket\uD83D\uDE80")).isNull();
    }

    @Test
    void resourceKeysThatAreNotPlainAsciiAreNamedAsTheGeneratorWritesThem() {
        CapturingSender sender = new CapturingSender();
        fixtures.open(XraySpans.config(), sender, DatagramEncoder.MAX_DATAGRAM_BYTES).export(
                XraySpans.resource(str("service.name", "backend-flask"), str("rocket\uD83D\uDE80", "x")),
                span("GET /", SpanKind.SPAN_KIND_SERVER, ROOT, null).build());

        String datagram = new String(sender.datagrams.get(0), StandardCharsets.UTF_8);
        assertThat(datagram).contains("\"otel.resource.service.name\":\"backend-flask\"")
                .contains("\"otel.resource.rocket\\uD83D\\uDE80\":\"x\"");
    }

    private interface Write {
        void to(JsonGenerator g) throws IOException;
    }

    private static String written(Write write) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = new JsonFactory().createGenerator(out)) {
            g.writeStartObject();
            write.to(g);
            g.writeNumber(1);
            g.writeEndObject();
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
