package dev.otlprelay.export.xray;

import static dev.otlprelay.export.xray.XraySpans.ROOT;
import static dev.otlprelay.export.xray.XraySpans.bool;
import static dev.otlprelay.export.xray.XraySpans.flask;
import static dev.otlprelay.export.xray.XraySpans.num;
import static dev.otlprelay.export.xray.XraySpans.span;
import static dev.otlprelay.export.xray.XraySpans.str;
import static dev.otlprelay.export.xray.XraySpans.strings;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Span.SpanKind;
import io.opentelemetry.proto.trace.v1.Status;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Each span, built with the protobuf builders, against the X-Ray document it must become. */
class GoldenDocumentsTest {

    private final ExporterFixtures fixtures = new ExporterFixtures();

    @AfterEach
    void closeFixtures() {
        fixtures.close();
    }
    private static final String CHILD = "a1b2c3d4e5f60718";

    private static final KeyValue[] FLASK_OLD_SEMCONV = {
        str("http.method", "GET"), str("http.server_name", "0.0.0.0"), str("http.scheme", "http"),
        num("net.host.port", 4567), str("http.host", "localhost:4567"), str("http.target", "/api/activities/home"),
        str("net.peer.ip", "127.0.0.1"), str("http.user_agent", "curl/8.5.0"), num("net.peer.port", 52314),
        str("http.flavor", "1.1"), str("http.route", "/api/activities/home"), num("http.status_code", 200)};

    private static final KeyValue[] FLASK_NEW_SEMCONV = {
        str("http.request.method", "GET"), str("url.scheme", "http"), str("server.address", "localhost"),
        num("server.port", 4567), str("url.path", "/api/activities/home"), str("client.address", "127.0.0.1"),
        str("network.peer.address", "127.0.0.1"), num("network.peer.port", 52314),
        str("user_agent.original", "curl/8.5.0"), str("network.protocol.version", "1.1"),
        str("http.route", "/api/activities/home"), num("http.response.status_code", 200)};

    /** What every segment of the Flask resource carries besides the span's own data. */
    private static final String FLASK_AWS = """
            "aws": {"xray": {"sdk": "opentelemetry for python", "sdk_version": "1.21.0"}}""";
    private static final String FLASK_RESOURCE = """
            "otel.resource.service.name": "backend-flask",
            "otel.resource.telemetry.sdk.language": "python",
            "otel.resource.telemetry.sdk.name": "opentelemetry",
            "otel.resource.telemetry.sdk.version": "1.21.0\"""";

    private final ExporterFixture fixture = fixtures.open(XraySpans.config());

    @Test
    void flaskServerSpanWithOldSemanticConventionsBecomesTheServicesSegment() {
        JsonNode doc = fixture.one(flask(),
                span("/api/activities/home", SpanKind.SPAN_KIND_SERVER, ROOT, null, FLASK_OLD_SEMCONV).build());

        assertThat(doc).isEqualTo(json("""
                {
                  "name": "backend-flask", "id": "53995c3f42cd8ad8", "trace_id": "$TRACE",
                  "start_time": $START, "end_time": $END,
                  "http": {
                    "request": {"method": "GET", "url": "http://localhost:4567/api/activities/home",
                                "user_agent": "curl/8.5.0", "client_ip": "127.0.0.1"},
                    "response": {"status": 200}
                  },
                  $AWS,
                  "metadata": {"default": {
                    "otel.span.name": "/api/activities/home",
                    "http.method": "GET", "http.server_name": "0.0.0.0", "http.scheme": "http",
                    "net.host.port": 4567, "http.host": "localhost:4567", "http.target": "/api/activities/home",
                    "net.peer.ip": "127.0.0.1", "http.user_agent": "curl/8.5.0", "net.peer.port": 52314,
                    "http.flavor": "1.1", "http.route": "/api/activities/home", "http.status_code": 200,
                    $RESOURCE
                  }}
                }"""));
    }

    @Test
    void flaskServerSpanWithNewSemanticConventionsGetsTheSameHttpBlock() {
        JsonNode old = fixture.one(flask(),
                span("/api/activities/home", SpanKind.SPAN_KIND_SERVER, ROOT, null, FLASK_OLD_SEMCONV).build());
        JsonNode current = fixture.one(flask(),
                span("GET /api/activities/home", SpanKind.SPAN_KIND_SERVER, ROOT, null, FLASK_NEW_SEMCONV).build());

        assertThat(current.get("http")).isEqualTo(old.get("http"));
        assertThat(withoutMetadata(current)).isEqualTo(withoutMetadata(old));
        assertThat(current.at("/metadata/default/otel.span.name").asText()).isEqualTo("GET /api/activities/home");
        assertThat(current.at("/metadata/default/url.path").asText()).isEqualTo("/api/activities/home");
    }

    @Test
    void forwardedClientAddressIsMarkedXForwardedFor() {
        JsonNode doc = fixture.one(flask(), span("GET /", SpanKind.SPAN_KIND_SERVER, ROOT, null,
                str("http.request.method", "GET"), str("client.address", "203.0.113.9"),
                str("network.peer.address", "10.0.0.2"), num("http.response.status_code", 200)).build());

        assertThat(doc.at("/http/request")).isEqualTo(json("""
                {"method": "GET", "client_ip": "203.0.113.9", "x_forwarded_for": true}"""));
    }

    @Test
    void internalChildSpanWithTheSeedAttributesBecomesASubsegmentWithAnAnnotation() {
        ExporterFixture indexing = fixtures.open(XraySpans.config(List.of("app.result_length"), false, false));
        JsonNode doc = indexing.one(flask(), span("home-activities-mock-data", SpanKind.SPAN_KIND_INTERNAL, CHILD, ROOT,
                str("app.now", "2026-11-23T09:00:00+00:00"), num("app.result_length", 3)).build());

        assertThat(doc).isEqualTo(json("""
                {
                  "name": "home-activities-mock-data", "id": "a1b2c3d4e5f60718", "trace_id": "$TRACE",
                  "parent_id": "53995c3f42cd8ad8", "type": "subsegment",
                  "start_time": $START, "end_time": $END,
                  "annotations": {"app_result_length": 3},
                  "metadata": {"default": {"app.now": "2026-11-23T09:00:00+00:00"}}
                }"""));
    }

    @Test
    void outgoingHttpCallIsARemoteSubsegmentNamedAfterTheHost() {
        JsonNode doc = fixture.one(flask(), span("GET", SpanKind.SPAN_KIND_CLIENT, CHILD, ROOT,
                str("http.method", "GET"), str("http.url", "https://api.example.com:8443/v1/users?id=7"),
                num("http.status_code", 200)).build());

        assertThat(doc).isEqualTo(json("""
                {
                  "name": "api.example.com", "id": "a1b2c3d4e5f60718", "trace_id": "$TRACE",
                  "parent_id": "53995c3f42cd8ad8", "type": "subsegment",
                  "start_time": $START, "end_time": $END, "namespace": "remote",
                  "http": {"request": {"method": "GET", "url": "https://api.example.com:8443/v1/users?id=7"},
                           "response": {"status": 200}},
                  "metadata": {"default": {
                    "otel.span.name": "GET", "http.method": "GET",
                    "http.url": "https://api.example.com:8443/v1/users?id=7", "http.status_code": 200
                  }}
                }"""));
    }

    @Test
    void status404IsAnError() {
        JsonNode doc = fixture.one(flask(), statusSpan(404).build());

        assertThat(flags(doc)).isEqualTo(json("{\"error\": true}"));
        assertThat(doc.at("/http/response")).isEqualTo(json("{\"status\": 404}"));
        assertThat(doc.has("cause")).isFalse();
    }

    @Test
    void status429IsAThrottleAndAnError() {
        JsonNode doc = fixture.one(flask(), statusSpan(429).build());

        assertThat(flags(doc)).isEqualTo(json("{\"error\": true, \"throttle\": true}"));
        assertThat(doc.at("/http/response")).isEqualTo(json("{\"status\": 429}"));
        assertThat(doc.has("cause")).isFalse();
    }

    @Test
    void status500IsAFaultEvenWhenTheSpanStatusSaysError() {
        JsonNode doc = fixture.one(flask(), statusSpan(500)
                .setStatus(Status.newBuilder().setCode(Status.StatusCode.STATUS_CODE_ERROR)).build());

        assertThat(flags(doc)).isEqualTo(json("{\"fault\": true}"));
        assertThat(doc.at("/http/response")).isEqualTo(json("{\"status\": 500}"));
    }

    @Test
    void errorStatusWithoutHttpStatusIsAFaultWithTheStatusMessageAsCause() {
        Span span = span("work", SpanKind.SPAN_KIND_INTERNAL, CHILD, ROOT)
                .setStatus(Status.newBuilder().setCode(Status.StatusCode.STATUS_CODE_ERROR).setMessage("boom"))
                .build();
        JsonNode doc = fixture.one(flask(), span);

        assertThat(flags(doc)).isEqualTo(json("{\"fault\": true}"));
        assertThat(doc.get("cause")).isEqualTo(json("""
                {"exceptions": [{"id": "%s", "message": "boom"}]}""".formatted(exceptionId(0))));
    }

    @Test
    void pythonExceptionEventBecomesACauseWithParsedFramesInnermostFirst() {
        String traceback = """
                Traceback (most recent call last):
                  File "/app/services/home_activities.py", line 12, in run
                    results = data['handle']
                  File "/app/lib/db.py", line 40, in query_object
                    return self.fetch(sql)
                KeyError: 'handle'
                """;
        Span span = span("home-activities-mock-data", SpanKind.SPAN_KIND_INTERNAL, CHILD, ROOT)
                .setStatus(Status.newBuilder().setCode(Status.StatusCode.STATUS_CODE_ERROR))
                .addEvents(exception("KeyError", "'handle'", traceback)).build();
        JsonNode doc = fixture.one(flask(), span);

        assertThat(doc).isEqualTo(json("""
                {
                  "name": "home-activities-mock-data", "id": "a1b2c3d4e5f60718", "trace_id": "$TRACE",
                  "parent_id": "53995c3f42cd8ad8", "type": "subsegment",
                  "start_time": $START, "end_time": $END,
                  "fault": true,
                  "cause": {"exceptions": [{
                    "id": "%s", "type": "KeyError", "message": "'handle'",
                    "stack": [
                      {"path": "/app/lib/db.py", "line": 40, "label": "query_object"},
                      {"path": "/app/services/home_activities.py", "line": 12, "label": "run"}
                    ]
                  }]}
                }""".formatted(exceptionId(0))));
    }

    @Test
    void javaStackTraceBecomesFramesAndItsCausedByAChainedException() {
        String trace = "java.lang.IllegalStateException: boom\n"
                + "\tat com.example.Handler.handle(Handler.java:42)\n"
                + "\tat java.base/java.lang.Thread.run(Thread.java:833)\n"
                + "Caused by: java.io.IOException: disk full\n"
                + "\tat com.example.Store.write(Store.java:7)\n"
                + "\tat com.example.Store.flush(Native Method)\n"
                + "\t... 2 more\n";
        Span span = span("GET", SpanKind.SPAN_KIND_CLIENT, CHILD, ROOT, str("peer.service", "store"))
                .addEvents(exception("java.lang.IllegalStateException", "boom", trace)).build();
        JsonNode doc = fixture.one(flask(), span);

        assertThat(doc.get("cause")).isEqualTo(json("""
                {"exceptions": [
                  {"id": "%1$s", "type": "java.lang.IllegalStateException", "message": "boom", "remote": true,
                   "cause": "%2$s",
                   "stack": [{"path": "Handler.java", "line": 42, "label": "com.example.Handler.handle"},
                             {"path": "Thread.java", "line": 833, "label": "java.lang.Thread.run"}]},
                  {"id": "%2$s", "type": "java.io.IOException", "message": "disk full", "remote": true,
                   "stack": [{"path": "Store.java", "line": 7, "label": "com.example.Store.write"},
                             {"path": "Native Method", "label": "com.example.Store.flush"}]}
                ]}""".formatted(exceptionId(0), exceptionId(1))));
        assertThat(doc.get("name").asText()).isEqualTo("store");
    }

    @Test
    void unparseableStackIsKeptAsTextInMetadata() {
        Span span = span("work", SpanKind.SPAN_KIND_INTERNAL, CHILD, ROOT)
                .addEvents(exception("Error", "bad", "Error: bad\n    at f (/app/x.js:10:5)")).build();
        JsonNode doc = fixture.one(flask(), span);

        assertThat(doc.at("/cause/exceptions/0").has("stack")).isFalse();
        assertThat(doc.at("/metadata/default/exception.stacktraces").get(exceptionId(0)).asText())
                .isEqualTo("Error: bad\n    at f (/app/x.js:10:5)");
    }

    @Test
    void dynamoDbCallIsAnAwsSubsegmentWithTableAndOperation() {
        JsonNode doc = fixture.one(flask(), span("DynamoDB.PutItem", SpanKind.SPAN_KIND_CLIENT, CHILD, ROOT,
                str("rpc.system", "aws-api"), str("rpc.service", "DynamoDB"), str("rpc.method", "PutItem"),
                strings("aws.dynamodb.table_names", "activities"), str("aws.request_id", "UBQNSO5AEM8T4FDA4RQDEB94"),
                str("server.address", "dynamodb.us-east-1.amazonaws.com"), str("db.system", "dynamodb"),
                num("http.status_code", 200)).build());

        assertThat(withoutMetadata(doc)).isEqualTo(json("""
                {
                  "name": "DynamoDB", "id": "a1b2c3d4e5f60718", "trace_id": "$TRACE",
                  "parent_id": "53995c3f42cd8ad8", "type": "subsegment",
                  "start_time": $START, "end_time": $END, "namespace": "aws",
                  "http": {"response": {"status": 200}},
                  "aws": {"operation": "PutItem", "request_id": "UBQNSO5AEM8T4FDA4RQDEB94", "table_name": "activities"}
                }"""));
    }

    @Test
    void databaseQueryIsARemoteSubsegmentWithAnSqlBlock() {
        JsonNode doc = fixture.one(flask(), span("SELECT cruddur", SpanKind.SPAN_KIND_CLIENT, CHILD, ROOT,
                str("db.system", "postgresql"), str("db.name", "cruddur"),
                str("db.statement", "SELECT * FROM activities WHERE uuid = %s"), str("db.user", "postgres"),
                str("server.address", "db.internal"), num("server.port", 5432)).build());

        assertThat(withoutMetadata(doc)).isEqualTo(json("""
                {
                  "name": "cruddur@db.internal", "id": "a1b2c3d4e5f60718", "trace_id": "$TRACE",
                  "parent_id": "53995c3f42cd8ad8", "type": "subsegment",
                  "start_time": $START, "end_time": $END, "namespace": "remote",
                  "sql": {"url": "db.internal:5432/cruddur",
                          "sanitized_query": "SELECT * FROM activities WHERE uuid = %s",
                          "database_type": "postgresql", "user": "postgres"}
                }"""));
    }

    @Test
    void spanWithATenMegabyteAttributeIsShrunkUnderTheDatagramLimitAndCounted() {
        ExporterFixture indexing = fixtures.open(XraySpans.config(List.of("app.result_length"), false, false));
        Span span = span("home-activities-mock-data", SpanKind.SPAN_KIND_INTERNAL, CHILD, ROOT,
                str("app.payload", "x".repeat(10 * 1024 * 1024)), num("app.result_length", 3)).build();

        List<JsonNode> docs = indexing.export(flask(), span);

        assertThat(docs).hasSize(1);
        assertThat(indexing.sender.datagrams.get(0).length).isLessThanOrEqualTo(64_000);
        assertThat(docs.get(0)).isEqualTo(json("""
                {
                  "name": "home-activities-mock-data", "id": "a1b2c3d4e5f60718", "trace_id": "$TRACE",
                  "parent_id": "53995c3f42cd8ad8", "type": "subsegment",
                  "start_time": $START, "end_time": $END,
                  "annotations": {"app_result_length": 3, "otlp_relay_truncated": true},
                  "metadata": {"otlp_relay": {"truncated": "metadata"}}
                }"""));
        assertThat(indexing.metric("otlp_relay_xray_datagrams_total", "result", "truncated")).isEqualTo(1);
        assertThat(indexing.metric("otlp_relay_xray_datagrams_total", "result", "sent")).isEqualTo(1);
    }

    @Test
    void openTelemetryRandomTraceIdIsConvertedNotDropped() {
        Span span = span("GET /", SpanKind.SPAN_KIND_SERVER, ROOT, null)
                .setTraceId(XraySpans.id("4bf92f3577b34da6a3ce929d0e0e4736")).build();

        assertThat(fixture.one(flask(), span).get("trace_id").asText())
                .isEqualTo("1-4bf92f35-77b34da6a3ce929d0e0e4736");
    }

    @Test
    void rootInternalSpanIsASegmentNamedAfterTheService() {
        JsonNode doc = fixture.one(flask(), span("nightly-report", SpanKind.SPAN_KIND_INTERNAL, ROOT, null).build());

        assertThat(doc.get("name").asText()).isEqualTo("backend-flask");
        assertThat(doc.has("type")).isFalse();
        assertThat(doc.has("parent_id")).isFalse();
        assertThat(doc.at("/metadata/default/otel.span.name").asText()).isEqualTo("nightly-report");
    }

    @Test
    void consumerSpanWithAParentIsASegmentThatNamesItsParent() {
        JsonNode doc = fixture.one(flask(), span("orders process", SpanKind.SPAN_KIND_CONSUMER, CHILD, ROOT).build());

        assertThat(doc.get("name").asText()).isEqualTo("backend-flask");
        assertThat(doc.has("type")).isFalse();
        assertThat(doc.get("parent_id").asText()).isEqualTo(ROOT);
    }

    @Test
    void ec2ResourceGivesOriginAwsBlockServiceVersionAndUser() {
        JsonNode doc = fixture.one(XraySpans.resource(str("service.name", "backend-flask"),
                        str("service.version", "1.4.2"), str("cloud.provider", "aws"), str("cloud.platform", "aws_ec2"),
                        str("cloud.account.id", "123456789012"), str("cloud.region", "us-east-1"),
                        str("cloud.availability_zone", "us-east-1c"), str("host.id", "i-0b5a4678fc325bg98")),
                span("GET /", SpanKind.SPAN_KIND_SERVER, ROOT, null, str("enduser.id", "andrew")).build());

        assertThat(withoutMetadata(doc)).isEqualTo(json("""
                {
                  "name": "backend-flask", "id": "53995c3f42cd8ad8", "trace_id": "$TRACE",
                  "start_time": $START, "end_time": $END,
                  "origin": "AWS::EC2::Instance", "user": "andrew", "service": {"version": "1.4.2"},
                  "aws": {"account_id": "123456789012",
                          "ec2": {"instance_id": "i-0b5a4678fc325bg98", "availability_zone": "us-east-1c"},
                          "region": "us-east-1"}
                }"""));
    }

    @Test
    void resourceOnAnotherCloudGetsNoOriginNorAwsBlock() {
        JsonNode doc = fixture.one(XraySpans.resource(str("service.name", "api"), str("cloud.provider", "gcp"),
                str("cloud.platform", "gcp_compute_engine")),
                span("GET /", SpanKind.SPAN_KIND_SERVER, ROOT, null).build());

        assertThat(doc.has("origin")).isFalse();
        assertThat(doc.has("aws")).isFalse();
    }

    @Test
    void spanLinksBecomeLinksWithXrayTraceIds() {
        Span span = span("orders process", SpanKind.SPAN_KIND_CONSUMER, ROOT, null)
                .addLinks(Span.Link.newBuilder().setTraceId(XraySpans.id("4bf92f3577b34da6a3ce929d0e0e4736"))
                        .setSpanId(XraySpans.id("00f067aa0ba902b7"))
                        .addAttributes(str("messaging.operation", "receive")))
                .build();

        assertThat(fixture.one(flask(), span).get("links")).isEqualTo(json("""
                [{"trace_id": "1-4bf92f35-77b34da6a3ce929d0e0e4736", "id": "00f067aa0ba902b7",
                  "attributes": {"messaging.operation": "receive"}}]"""));
    }

    @Test
    void samplingAttributesBecomeAnnotationsWhenAsked() {
        ExporterFixture sampling = fixtures.open(XraySpans.config(List.of(), false, true));
        JsonNode doc = sampling.one(flask(), span("GET /", SpanKind.SPAN_KIND_SERVER, ROOT, null,
                num("SampleRate", 20), str("sampling.rule", "errors"), bool("app.cached", true)).build());

        assertThat(doc.get("annotations")).isEqualTo(json("{\"sample_rate\": 20, \"sampling_rule\": \"errors\"}"));
        assertThat(doc.at("/metadata/default").has("SampleRate")).isFalse();
        assertThat(doc.at("/metadata/default/app.cached").asBoolean()).isTrue();
    }

    // ---- helpers ----

    private static Span.Builder statusSpan(long status) {
        return span("GET /api/activities/home", SpanKind.SPAN_KIND_SERVER, ROOT, null, str("http.method", "GET"),
                num("http.status_code", status));
    }

    private static Span.Event exception(String type, String message, String stacktrace) {
        return Span.Event.newBuilder().setName("exception").setTimeUnixNano(XraySpans.START + 1000)
                .addAttributes(str("exception.type", type)).addAttributes(str("exception.message", message))
                .addAttributes(str("exception.stacktrace", stacktrace)).build();
    }

    /** Exception ids are derived from the span id, so the documents are reproducible. */
    private static String exceptionId(int index) {
        String id = Ids.exceptionId(XraySpans.id(CHILD), index);
        assertThat(id).matches("[0-9a-f]{16}").isNotEqualTo(Ids.exceptionId(XraySpans.id(CHILD), index + 1));
        return id;
    }

    private static JsonNode flags(JsonNode doc) {
        ObjectNode flags = XrayDocumentRules.JSON.createObjectNode();
        for (String f : new String[] {"error", "throttle", "fault"}) {
            if (doc.has(f)) {
                flags.set(f, doc.get(f));
            }
        }
        return flags;
    }

    private static JsonNode withoutMetadata(JsonNode doc) {
        ObjectNode copy = doc.deepCopy();
        copy.remove("metadata");
        return copy;
    }

    private static JsonNode json(String text) {
        try {
            return XrayDocumentRules.JSON.readTree(text.replace("$TRACE", XraySpans.XRAY_TRACE)
                    .replace("$START", XraySpans.START_TEXT).replace("$END", XraySpans.END_TEXT)
                    .replace("$AWS", FLASK_AWS).replace("$RESOURCE", FLASK_RESOURCE));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
