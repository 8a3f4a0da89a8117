package dev.otlprelay.export.xray;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

/** The checks every test document goes through refuse what X-Ray would: they are not a test that cannot fail. */
class XrayDocumentRulesTest {
    private static final String SEGMENT = """
            {"name": "backend-flask", "id": "53995c3f42cd8ad8", "trace_id": "1-5759e988-bd862e3fe1be46a994272793",
             "start_time": 1763888400.123456, "end_time": 1763888400.373456%s}""";

    private static JsonNode doc(String extra) throws Exception {
        return XrayDocumentRules.JSON.readTree(SEGMENT.formatted(extra));
    }

    @Test
    void acceptsASegmentWithANestedSubsegment() throws Exception {
        JsonNode d = doc(", \"subsegments\": [{\"name\": \"SELECT\", \"id\": \"a1b2c3d4e5f60718\", "
                + "\"start_time\": 1763888400.2, \"end_time\": 1763888400.3, \"namespace\": \"remote\"}]");
        assertThatCode(() -> XrayDocumentRules.valid(d)).doesNotThrowAnyException();
    }

    @Test
    void refusesWhatTheSchemaRefuses() throws Exception {
        JsonNode shortId = XrayDocumentRules.JSON.readTree(SEGMENT.formatted("").replace("53995c3f42cd8ad8", "5399"));
        assertThatThrownBy(() -> XrayDocumentRules.valid(shortId)).hasMessageContaining("schema");
        JsonNode metadataNotAnObject = doc(", \"metadata\": {\"default\": 3}");
        assertThatThrownBy(() -> XrayDocumentRules.valid(metadataNotAnObject)).hasMessageContaining("schema");
        JsonNode nestedWithoutStart = doc(", \"subsegments\": [{\"name\": \"x\", \"id\": \"a1b2c3d4e5f60718\"}]");
        assertThatThrownBy(() -> XrayDocumentRules.valid(nestedWithoutStart)).hasMessageContaining("schema");
    }

    @Test
    void refusesANestedSubsegmentThatNamesItsTraceOrParent() throws Exception {
        JsonNode d = doc(", \"subsegments\": [{\"name\": \"x\", \"id\": \"a1b2c3d4e5f60718\", "
                + "\"start_time\": 1, \"end_time\": 2, \"parent_id\": \"53995c3f42cd8ad8\"}]");
        assertThatThrownBy(() -> XrayDocumentRules.valid(d)).hasMessageContaining("nested subsegment");
    }
}
