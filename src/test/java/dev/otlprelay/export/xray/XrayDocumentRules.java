package dev.otlprelay.export.xray;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.xray.entities.TraceID;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * X-Ray's rules for what the daemon accepts, checked on every document the tests produce: AWS's segment document
 * schema v1.0.0, the datagram format, id formats, name charset and length, times, annotation keys, values and
 * count, the datagram size, and the same rules (but trace, parent and type) for every nested subsegment.
 */
final class XrayDocumentRules {
    static final String HEADER = "{\"format\": \"json\", \"version\": 1}\n";
    static final JsonMapper JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();
    private static final Pattern TRACE_ID = Pattern.compile("^1-[0-9a-f]{8}-[0-9a-f]{24}$");
    private static final Pattern ID = Pattern.compile("^[0-9a-f]{16}$");
    private static final Pattern NAME = Pattern.compile("^[\\p{L}\\p{N} _.:/%&#=+\\\\\\-@]{1,200}$");
    private static final Pattern ANNOTATION_KEY = Pattern.compile("^[A-Za-z0-9_]{1,500}$");

    /** AWS's published schema, vendored under src/test/resources/xray (its README names the source). */
    private static final JsonSchema SCHEMA = schema();

    private XrayDocumentRules() {
    }

    private static JsonSchema schema() {
        try (InputStream in = XrayDocumentRules.class.getResourceAsStream(
                "/xray/xray-segmentdocument-schema-v1.0.0.json")) {
            return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4).getSchema(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Checks a whole datagram and returns its document. */
    static JsonNode valid(byte[] datagram) {
        assertThat(datagram.length).as("datagram size").isLessThanOrEqualTo(64_000);
        byte[] header = HEADER.getBytes(StandardCharsets.US_ASCII);
        assertThat(Arrays.copyOf(datagram, Math.min(header.length, datagram.length)))
                .as("header line").isEqualTo(header);
        JsonNode doc;
        try {
            doc = JSON.readTree(Arrays.copyOfRange(datagram, header.length, datagram.length));
        } catch (IOException e) {
            throw new UncheckedIOException("not one JSON document after the header", e);
        }
        valid(doc);
        return doc;
    }

    /** Checks a document that heads a datagram, and every subsegment nested in it. */
    static void valid(JsonNode d) {
        Set<ValidationMessage> problems = SCHEMA.validate(d);
        assertThat(problems).as("problems against X-Ray's segment document schema v1.0.0 in %s", d).isEmpty();
        assertThat(d.isObject()).isTrue();
        String traceId = d.path("trace_id").asText();
        assertThat(traceId).as("trace_id").matches(TRACE_ID);
        // The X-Ray SDK reads the id back to the same text.
        assertThat(TraceID.fromString(traceId).toString()).isEqualTo(traceId);
        if (d.has("type")) {
            assertThat(d.get("type").asText()).isEqualTo("subsegment");
            assertThat(d.has("parent_id")).as("a subsegment names its parent").isTrue();
        }
        fields(d);
        nestedIn(d);
    }

    /** Nested subsegments say neither their trace, nor their parent, nor their type: the document around them does. */
    private static void nestedIn(JsonNode d) {
        JsonNode nested = d.path("subsegments");
        if (nested.isMissingNode()) {
            return;
        }
        assertThat(nested.isArray() && !nested.isEmpty()).as("subsegments is a non-empty array").isTrue();
        for (JsonNode sub : nested) {
            assertThat(sub.has("trace_id") || sub.has("parent_id") || sub.has("type"))
                    .as("a nested subsegment names no trace, parent or type: %s", sub).isFalse();
            fields(sub);
            nestedIn(sub);
        }
    }

    private static void fields(JsonNode d) {
        assertThat(d.path("name").asText()).as("name").matches(NAME);
        assertThat(d.path("id").asText()).as("id").matches(ID);
        assertThat(d.path("start_time").isNumber()).as("start_time is a number").isTrue();
        assertThat(d.path("end_time").isNumber()).as("end_time is a number").isTrue();
        assertThat(d.path("end_time").decimalValue()).as("end_time >= start_time")
                .isGreaterThanOrEqualTo(d.path("start_time").decimalValue());
        assertThat(d.has("in_progress")).as("never in progress").isFalse();
        if (d.has("parent_id")) {
            assertThat(d.get("parent_id").asText()).matches(ID);
        }
        if (d.has("namespace")) {
            assertThat(d.get("namespace").asText()).isIn("aws", "remote");
        }
        JsonNode annotations = d.path("annotations");
        if (!annotations.isMissingNode()) {
            assertThat(annotations.size()).as("annotations").isBetween(1, 50);
            for (Map.Entry<String, JsonNode> e : annotations.properties()) {
                assertThat(e.getKey()).matches(ANNOTATION_KEY);
                JsonNode v = e.getValue();
                assertThat(v.isTextual() || v.isNumber() || v.isBoolean()).as("annotation %s", e.getKey()).isTrue();
                if (v.isTextual()) {
                    assertThat(v.asText().length()).isLessThanOrEqualTo(1000);
                }
            }
        }
        for (JsonNode e : d.path("cause").path("exceptions")) {
            assertThat(e.path("id").asText()).matches(ID);
        }
        for (JsonNode link : d.path("links")) {
            assertThat(link.path("trace_id").asText()).matches(TRACE_ID);
            assertThat(link.path("id").asText()).matches(ID);
        }
    }
}
