package dev.otlprelay.receive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import dev.otlprelay.pipeline.Nesting;
import dev.otlprelay.support.CapturingExporter;
import dev.otlprelay.support.Http;
import dev.otlprelay.support.Otlp;
import dev.otlprelay.support.TestRelay;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Attribute values nested up to {@link Nesting#MAX_VALUE_DEPTH} kvlist levels are accepted in every transport
 * and encoding alike; past it only the span holding the value is refused ({@code partial_success}, counted as
 * {@code too_deep}), however deep it goes, and the rest of the request is forwarded.
 */
class NestingDepthTest {
    static TestRelay relay;
    static ManagedChannel channel;

    @BeforeAll
    static void start() {
        relay = new TestRelay();
        channel = NettyChannelBuilder.forAddress("127.0.0.1", relay.relay.grpcPort()).usePlaintext().build();
    }

    @AfterAll
    static void stop() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        relay.close();
    }

    @BeforeEach
    void clear() {
        relay.captured.clear();
    }

    @AfterEach
    void relayStaysUp() {
        int before = relay.captured.spans().size();
        assertThat(Http.post(relay.httpUrl() + "/v1/traces", "application/x-protobuf", null,
                Otlp.validRequest(1).toByteArray()).statusCode()).isEqualTo(200);
        await().atMost(10, TimeUnit.SECONDS).until(() -> relay.captured.spans().size() == before + 1);
    }

    /** How a client sends: the three ways OTLP offers. */
    enum Way { HTTP_PROTOBUF, HTTP_JSON, GRPC }

    @ParameterizedTest
    @EnumSource(Way.class)
    void aValueNested100DeepIsAccepted(Way way) {
        ExportTraceServiceResponse r = send(way, requestWithDeepSpan(100, Where.SPAN));
        assertThat(r.hasPartialSuccess()).isFalse();
        awaitSpans(3);
        Span deep = capturedSpan("deep");
        assertThat(kvlistDepth(attribute(deep.getAttributesList(), "deep"))).isEqualTo(100);
    }

    @ParameterizedTest
    @EnumSource(Way.class)
    void theDeepestAcceptedValueIsAcceptedWhereverAnAttributeSits(Way way) {
        for (Where where : Where.values()) {
            relay.captured.clear();
            ExportTraceServiceResponse r = send(way, requestWithDeepSpan(Nesting.MAX_VALUE_DEPTH, where));
            assertThat(r.hasPartialSuccess()).as(where.name()).isFalse();
            awaitSpans(3);
        }
    }

    @ParameterizedTest
    @EnumSource(Way.class)
    void oneLevelDeeperRefusesOnlyThatSpan(Way way) {
        for (Where where : Where.values()) {
            relay.captured.clear();
            double before = tooDeep(way);
            ExportTraceServiceResponse r = send(way, requestWithDeepSpan(Nesting.MAX_VALUE_DEPTH + 1, where));
            assertThat(r.getPartialSuccess().getRejectedSpans()).as(where.name()).isEqualTo(1);
            assertThat(r.getPartialSuccess().getErrorMessage())
                    .contains("1 of 3 spans rejected for nesting deeper than 128 levels; first: span \"deep\"");
            if (where == Where.SPAN) { // decodes, then fails the check on values (events and links sit deeper)
                assertThat(r.getPartialSuccess().getErrorMessage()).contains("span \"deep\": an attribute nests");
            }
            assertThat(tooDeep(way)).isEqualTo(before + 1);
            awaitSpans(2);
            assertThat(names()).containsExactlyInAnyOrder("plain-1", "plain-2");
        }
    }

    @ParameterizedTest
    @EnumSource(Way.class)
    void aValueNestedPastWhatTheDecoderTakesRefusesOnlyThatSpan(Way way) {
        double before = tooDeep(way);
        ExportTraceServiceResponse r = send(way, requestWithDeepSpan(1000, Where.SPAN));
        assertThat(r.getPartialSuccess().getRejectedSpans()).isEqualTo(1);
        assertThat(r.getPartialSuccess().getErrorMessage()).contains("span \"deep\"")
                .contains("deeper than 128 levels");
        assertThat(tooDeep(way)).isEqualTo(before + 1);
        awaitSpans(2);
        assertThat(names()).containsExactlyInAnyOrder("plain-1", "plain-2");
    }

    @ParameterizedTest
    @EnumSource(value = Way.class, names = {"HTTP_PROTOBUF", "GRPC"})
    void aResourceNestedTooDeepRefusesItsSpansOnly(Way way) {
        for (int depth : new int[] {Nesting.MAX_VALUE_DEPTH + 1, 1000}) {
            relay.captured.clear();
            ByteString request = Otlp.validRequest(2).toByteString().concat(field(1, resourceSpans(
                    field(1, attributeField(deepValue(depth))), List.of(plainSpan("a"), plainSpan("b")))));
            ExportTraceServiceResponse r = send(way, new Deep(request, null));
            assertThat(r.getPartialSuccess().getRejectedSpans()).as("depth %d", depth).isEqualTo(2);
            assertThat(r.getPartialSuccess().getErrorMessage()).contains("an attribute of").contains("resource");
            awaitSpans(2);
            assertThat(names()).containsExactlyInAnyOrder("span-0", "span-1");
        }
    }

    @org.junit.jupiter.api.Test
    void jsonNestedPastJacksonsLimitIsRefusedAsAWholeWithoutCrashing() throws Exception {
        String body = jsonRequest(List.of(jsonSpan("deep", 3, jsonDeepValue(5_000), Where.SPAN)));
        HttpResponse<byte[]> r = Http.post(relay.httpUrl() + "/v1/traces", "application/json", null,
                body.getBytes(StandardCharsets.UTF_8));
        assertThat(r.statusCode()).isEqualTo(400);
        JsonNode status = new ObjectMapper().readTree(r.body());
        assertThat(status.get("message").asText()).contains("exceeds a limit");
    }

    @org.junit.jupiter.api.Test
    void metricsWithinTheDepthAreAccepted() {
        // Data points take the same decoder limit: an attribute 128 deep decodes (the default limit of 100
        // messages would refuse 32 levels).
        ByteString point = reField(7, attributeField(deepValue(Nesting.MAX_VALUE_DEPTH))); // NumberDataPoint.attributes
        ByteString gauge = field(1, point); // Gauge.data_points
        ByteString metric = field(1, ByteString.copyFromUtf8("m")).concat(field(5, gauge)); // Metric.name, .gauge
        ByteString request = field(1, field(2, field(2, metric))); // resource_metrics.scope_metrics.metrics
        HttpResponse<byte[]> r = Http.post(relay.httpUrl() + "/v1/metrics", "application/x-protobuf", null,
                request.toByteArray());
        assertThat(r.statusCode()).isEqualTo(200);
    }

    // ------------------------------------------------------------------------------------------ sending

    /** A request as protobuf bytes and, for JSON, its JSON text. */
    record Deep(ByteString protobuf, String json) {
    }

    private ExportTraceServiceResponse send(Way way, Deep request) {
        try {
            return switch (way) {
                case HTTP_PROTOBUF -> {
                    HttpResponse<byte[]> r = Http.post(relay.httpUrl() + "/v1/traces", "application/x-protobuf",
                            null, request.protobuf().toByteArray());
                    assertThat(r.statusCode()).isEqualTo(200);
                    yield ExportTraceServiceResponse.parseFrom(r.body());
                }
                case HTTP_JSON -> {
                    HttpResponse<byte[]> r = Http.post(relay.httpUrl() + "/v1/traces", "application/json", null,
                            request.json().getBytes(StandardCharsets.UTF_8));
                    assertThat(r.statusCode()).as(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo(200);
                    yield OtlpJson.merge(r.body(), 0, r.body().length, ExportTraceServiceResponse.newBuilder())
                            .build();
                }
                case GRPC -> ExportTraceServiceResponse.parseFrom(ClientCalls.blockingUnaryCall(channel, EXPORT,
                        CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS), request.protobuf().toByteArray()));
            };
        } catch (IOException | InvalidRequestException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The trace service's Export with the request as raw bytes: no client-side decode limit applies. */
    private static final MethodDescriptor<byte[], byte[]> EXPORT = MethodDescriptor.<byte[], byte[]>newBuilder()
            .setType(MethodDescriptor.MethodType.UNARY)
            .setFullMethodName("opentelemetry.proto.collector.trace.v1.TraceService/Export")
            .setRequestMarshaller(new GrpcReceiverTest.BytesMarshaller())
            .setResponseMarshaller(new GrpcReceiverTest.BytesMarshaller()).build();

    private double tooDeep(Way way) {
        return relay.metric("otlp_relay_receiver_refused_spans_total", "transport",
                way == Way.GRPC ? "grpc" : "http", "reason", "too_deep");
    }

    private static void awaitSpans(int count) {
        await().atMost(10, TimeUnit.SECONDS).until(() -> relay.captured.spans().size() >= count);
        assertThat(relay.captured.spans()).hasSize(count);
    }

    private static List<String> names() {
        return relay.captured.spans().stream().map(s -> s.span().getName()).collect(Collectors.toList());
    }

    private static Span capturedSpan(String name) {
        return relay.captured.spans().stream().map(CapturingExporter.CapturedSpan::span).filter(s -> s.getName().equals(name)).findFirst().orElseThrow();
    }

    private static AnyValue attribute(List<KeyValue> attributes, String key) {
        return attributes.stream().filter(kv -> kv.getKey().equals(key)).findFirst().orElseThrow().getValue();
    }

    private static int kvlistDepth(AnyValue value) {
        int depth = 0;
        while (value.hasKvlistValue()) {
            depth++;
            value = value.getKvlistValue().getValues(0).getValue();
        }
        return depth;
    }

    // ----------------------------------------------------------------------------------------- building

    /** Where the deep attribute sits. */
    enum Where { SPAN, EVENT, LINK }

    /** Two plain spans and one named "deep" whose attribute "deep" nests {@code depth} kvlists, both encodings. */
    private static Deep requestWithDeepSpan(int depth, Where where) {
        ByteString attribute = attributeField(deepValue(depth));
        ByteString deepSpan = plainSpan("deep", 3).concat(switch (where) {
            case SPAN -> reField(9, attribute); // Span.attributes
            // Span.events { name (2), attributes (3) }
            case EVENT -> field(11, field(2, ByteString.copyFromUtf8("exception")).concat(reField(3, attribute)));
            // Span.links { trace_id (1), span_id (2), attributes (4) }
            case LINK -> field(13, field(1, Otlp.id(String.format("%032x", 77)))
                    .concat(field(2, Otlp.id(String.format("%016x", 77)))).concat(reField(4, attribute)));
        });
        ByteString protobuf = field(1, resourceSpans(field(1, attributeField(
                AnyValueBytes.string("backend-flask"), "service.name")),
                List.of(plainSpan("plain-1", 1), plainSpan("plain-2", 2), deepSpan)));
        String json = jsonRequest(List.of(jsonSpan("plain-1", 1, null, where), jsonSpan("plain-2", 2, null, where),
                jsonSpan("deep", 3, jsonDeepValue(depth), where)));
        return new Deep(protobuf, json);
    }

    private static ByteString plainSpan(String name) {
        return plainSpan(name, name.hashCode() & 0xffff);
    }

    private static ByteString plainSpan(String name, int n) {
        return Otlp.span(name, String.format("%032x", 1000L + n), String.format("%016x", 1000L + n)).toByteString();
    }

    /** A ResourceSpans from its resource field's bytes and its spans' bytes, in one scope. */
    private static ByteString resourceSpans(ByteString resourceField, List<ByteString> spans) {
        ByteString scope = ByteString.EMPTY;
        for (ByteString span : spans) {
            scope = scope.concat(field(2, span));
        }
        return resourceField.concat(field(2, scope));
    }

    /** A KeyValue "deep" as field 1 (Resource.attributes) around a value's bytes; see {@link #reField}. */
    private static ByteString attributeField(ByteString value) {
        return attributeField(value, "deep");
    }

    private static ByteString attributeField(ByteString value, String key) {
        return field(1, field(1, ByteString.copyFromUtf8(key)).concat(field(2, value)));
    }

    /** Moves a field's payload under another field number. */
    private static ByteString reField(int number, ByteString encodedField) {
        try {
            CodedInputStream in = encodedField.newCodedInput();
            in.readTag();
            return field(number, in.readBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An AnyValue holding {@code depth} nested kvlists around a string, built iteratively as bytes. */
    private static ByteString deepValue(int depth) {
        ByteString value = AnyValueBytes.string("leaf");
        for (int i = 0; i < depth; i++) {
            ByteString keyValue = field(1, ByteString.copyFromUtf8("k")).concat(field(2, value));
            value = field(6, field(1, keyValue)); // AnyValue.kvlist_value { values: [keyValue] }
        }
        return value;
    }

    /** Protobuf's length-delimited field: tag, length, payload. */
    static ByteString field(int number, ByteString payload) {
        try {
            ByteString.Output out = ByteString.newOutput(payload.size() + 8);
            CodedOutputStream c = CodedOutputStream.newInstance(out);
            c.writeBytes(number, payload);
            c.flush();
            return out.toByteString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static final class AnyValueBytes {
        static ByteString string(String s) {
            return field(1, ByteString.copyFromUtf8(s));
        }
    }

    private static String jsonDeepValue(int depth) {
        StringBuilder json = new StringBuilder();
        json.append("{\"kvlistValue\":{\"values\":[{\"key\":\"k\",\"value\":".repeat(depth));
        json.append("{\"stringValue\":\"leaf\"}");
        json.append("}]}}".repeat(depth));
        return json.toString();
    }

    private static String jsonSpan(String name, int n, String deepValue, Where where) {
        String ids = "\"traceId\":\"" + String.format("%032x", 1000L + n) + "\",\"spanId\":\""
                + String.format("%016x", 1000L + n) + "\"";
        String attributes = deepValue == null ? "" : "\"attributes\":[{\"key\":\"deep\",\"value\":" + deepValue + "}]";
        String extra = deepValue == null ? "" : switch (where) {
            case SPAN -> "," + attributes;
            case EVENT -> ",\"events\":[{\"name\":\"exception\"," + attributes + "}]";
            case LINK -> ",\"links\":[{\"traceId\":\"" + String.format("%032x", 77) + "\",\"spanId\":\""
                    + String.format("%016x", 77) + "\"," + attributes + "}]";
        };
        return "{\"name\":\"" + name + "\"," + ids + ",\"kind\":2" + extra + "}";
    }

    private static String jsonRequest(List<String> spans) {
        return "{\"resourceSpans\":[{\"resource\":{\"attributes\":[{\"key\":\"service.name\",\"value\":"
                + "{\"stringValue\":\"backend-flask\"}}]},\"scopeSpans\":[{\"spans\":[" + String.join(",", spans)
                + "]}]}]}";
    }
}
