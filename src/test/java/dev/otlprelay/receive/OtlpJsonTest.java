package dev.otlprelay.receive;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import com.google.rpc.RetryInfo;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTracePartialSuccess;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.ArrayValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.common.v1.KeyValueList;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.logs.v1.SeverityNumber;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.Exemplar;
import io.opentelemetry.proto.metrics.v1.ExponentialHistogram;
import io.opentelemetry.proto.metrics.v1.ExponentialHistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Gauge;
import io.opentelemetry.proto.metrics.v1.Histogram;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.metrics.v1.Sum;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class OtlpJsonTest {
    private static final String TRACE_ID = "5b8efff798038103d269b633813fc60c";
    private static final String SPAN_ID = "eee19b7ec3c1b174";
    private static final String PARENT_ID = "eee19b7ec3c1b173";
    private static final String LINK_TRACE_ID = "0102030405060708090a0b0c0d0e0f10";
    private static final String LINK_SPAN_ID = "1112131415161718";
    private static final long START = 1_700_000_000_000_000_000L;
    private static final long END = 1_700_000_000_500_000_000L;

    // ------------------------------------------------------------------------------------------- fixtures

    private static ByteString hex(String hex) {
        return ByteString.copyFrom(HexFormat.of().parseHex(hex));
    }

    private static KeyValue kv(String key, AnyValue value) {
        return KeyValue.newBuilder().setKey(key).setValue(value).build();
    }

    private static AnyValue str(String value) {
        return AnyValue.newBuilder().setStringValue(value).build();
    }

    private static ExportTraceServiceRequest richTraceRequest() {
        AnyValue nestedKvlist = AnyValue.newBuilder().setKvlistValue(KeyValueList.newBuilder()
                .addValues(kv("inner", str("x")))
                .addValues(kv("list", AnyValue.newBuilder().setArrayValue(ArrayValue.newBuilder()
                        .addValues(AnyValue.newBuilder().setIntValue(-7))
                        .addValues(AnyValue.newBuilder().setBoolValue(false))).build()))).build();
        Resource resource = Resource.newBuilder()
                .addAttributes(kv("service.name", str("checkout")))
                .addAttributes(kv("bool", AnyValue.newBuilder().setBoolValue(true).build()))
                .addAttributes(kv("int", AnyValue.newBuilder().setIntValue(Long.MIN_VALUE).build()))
                .addAttributes(kv("double", AnyValue.newBuilder().setDoubleValue(3.25).build()))
                .addAttributes(kv("bytes", AnyValue.newBuilder()
                        .setBytesValue(ByteString.copyFrom(new byte[]{0, 1, (byte) 0xfe, (byte) 0xff, 62, 63})).build()))
                .addAttributes(kv("array", AnyValue.newBuilder().setArrayValue(ArrayValue.newBuilder()
                        .addValues(str("a")).addValues(AnyValue.newBuilder().setDoubleValue(-0.5))
                        .addValues(nestedKvlist)).build()))
                .addAttributes(kv("kvlist", nestedKvlist))
                .addAttributes(kv("empty", AnyValue.getDefaultInstance()))
                .setDroppedAttributesCount(3)
                .build();
        Span span = Span.newBuilder()
                .setTraceId(hex(TRACE_ID))
                .setSpanId(hex(SPAN_ID))
                .setParentSpanId(hex(PARENT_ID))
                .setTraceState("vendor=a,other=b")
                .setFlags(0x301)
                .setName("GET /cart")
                .setKind(Span.SpanKind.SPAN_KIND_SERVER)
                .setStartTimeUnixNano(START)
                .setEndTimeUnixNano(END)
                .addAttributes(kv("http.method", str("GET")))
                .setDroppedAttributesCount(1)
                .addEvents(Span.Event.newBuilder().setTimeUnixNano(START + 5).setName("exception")
                        .addAttributes(kv("exception.message", str("boom \"quoted\" ünïcode \n")))
                        .setDroppedAttributesCount(2))
                .setDroppedEventsCount(4)
                .addLinks(Span.Link.newBuilder().setTraceId(hex(LINK_TRACE_ID)).setSpanId(hex(LINK_SPAN_ID))
                        .setTraceState("k=v").addAttributes(kv("link", str("y"))).setDroppedAttributesCount(5)
                        .setFlags(1))
                .setDroppedLinksCount(6)
                .setStatus(Status.newBuilder().setCode(Status.StatusCode.STATUS_CODE_ERROR).setMessage("failed"))
                .build();
        return ExportTraceServiceRequest.newBuilder()
                .addResourceSpans(ResourceSpans.newBuilder()
                        .setResource(resource)
                        .setSchemaUrl("https://opentelemetry.io/schemas/1.21.0")
                        .addScopeSpans(ScopeSpans.newBuilder()
                                .setScope(InstrumentationScope.newBuilder().setName("io.opentelemetry.http")
                                        .setVersion("1.2.3").addAttributes(kv("scope.attr", str("s")))
                                        .setDroppedAttributesCount(7))
                                .setSchemaUrl("https://opentelemetry.io/schemas/1.20.0")
                                .addSpans(span)
                                .addSpans(Span.newBuilder().setTraceId(hex(TRACE_ID)).setSpanId(hex(PARENT_ID))
                                        .setName("root").setKind(Span.SpanKind.SPAN_KIND_CLIENT))))
                .build();
    }

    /** The rich request's first span, as a hand-written snake_case body would carry it. */
    private static final String SNAKE_CASE_SPAN = """
            {
              "trace_id": "5B8EFFF798038103D269B633813FC60C",
              "span_id": "EEE19B7EC3C1B174",
              "parent_span_id": "eee19b7EC3C1B173",
              "trace_state": "vendor=a,other=b",
              "flags": 769,
              "name": "GET /cart",
              "kind": "SPAN_KIND_SERVER",
              "start_time_unix_nano": 1700000000000000000,
              "end_time_unix_nano": "1700000000500000000",
              "attributes": [{"key": "http.method", "value": {"string_value": "GET"}}],
              "dropped_attributes_count": "1",
              "events": [{"time_unix_nano": "1700000000000000005", "name": "exception",
                          "attributes": [{"key": "exception.message",
                                          "value": {"stringValue": "boom \\"quoted\\" \\u00fcn\\u00efcode \\n"}}],
                          "dropped_attributes_count": 2, "someFutureField": {"deep": [1, {"x": null}]}}],
              "dropped_events_count": 4,
              "links": [{"trace_id": "0102030405060708090A0B0C0D0E0F10", "span_id": "1112131415161718",
                         "trace_state": "k=v", "attributes": [{"key": "link", "value": {"string_value": "y"}}],
                         "dropped_attributes_count": 5, "flags": 1}],
              "dropped_links_count": 6,
              "status": {"code": "STATUS_CODE_ERROR", "message": "failed", "unknown": 42},
              "unknown_scalar": "ignored", "unknown_array": [[], {}, "x"], "unknown_null": null
            }""";

    private static final String SNAKE_CASE_REQUEST = """
            {
              "resource_spans": [{
                "resource": {
                  "attributes": [
                    {"key": "service.name", "value": {"string_value": "checkout"}},
                    {"key": "bool", "value": {"bool_value": true}},
                    {"key": "int", "value": {"int_value": -9223372036854775808}},
                    {"key": "double", "value": {"double_value": "3.25"}},
                    {"key": "bytes", "value": {"bytes_value": "AAH-_z4_"}},
                    {"key": "array", "value": {"array_value": {"values": [
                      {"string_value": "a"}, {"double_value": -0.5},
                      {"kvlist_value": {"values": [
                        {"key": "inner", "value": {"string_value": "x"}},
                        {"key": "list", "value": {"array_value": {"values": [{"int_value": "-7"}, {"bool_value": false}]}}}
                      ]}}
                    ]}}},
                    {"key": "kvlist", "value": {"kvlist_value": {"values": [
                      {"key": "inner", "value": {"string_value": "x"}},
                      {"key": "list", "value": {"array_value": {"values": [{"int_value": -7}, {"bool_value": false}]}}}
                    ]}}},
                    {"key": "empty", "value": {}}
                  ],
                  "dropped_attributes_count": 3,
                  "entity_refs": null
                },
                "schema_url": "https://opentelemetry.io/schemas/1.21.0",
                "scope_spans": [{
                  "scope": {"name": "io.opentelemetry.http", "version": "1.2.3",
                            "attributes": [{"key": "scope.attr", "value": {"string_value": "s"}}],
                            "dropped_attributes_count": 7, "future": true},
                  "schema_url": "https://opentelemetry.io/schemas/1.20.0",
                  "spans": [
                    %s,
                    {"trace_id": "5b8efff798038103d269b633813fc60c", "span_id": "eee19b7ec3c1b173",
                     "name": "root", "kind": 3, "parent_span_id": "", "status": null}
                  ]
                }]
              }],
              "future_top_level": {"a": [1, 2, {"b": "c"}]}
            }""".formatted(SNAKE_CASE_SPAN);

    private static ExportMetricsServiceRequest metricsRequest() {
        Exemplar exemplar = Exemplar.newBuilder()
                .addFilteredAttributes(kv("user", str("u1")))
                .setTimeUnixNano(START + 1)
                .setAsDouble(12.5)
                .setTraceId(hex(TRACE_ID))
                .setSpanId(hex(SPAN_ID))
                .build();
        Metric gauge = Metric.newBuilder().setName("cpu").setDescription("cpu use").setUnit("1")
                .setGauge(Gauge.newBuilder().addDataPoints(NumberDataPoint.newBuilder()
                        .addAttributes(kv("core", str("0"))).setTimeUnixNano(START).setAsDouble(0.75)
                        .addExemplars(exemplar)))
                .addMetadata(kv("meta", str("m")))
                .build();
        Metric sum = Metric.newBuilder().setName("requests").setUnit("{request}")
                .setSum(Sum.newBuilder()
                        .setAggregationTemporality(AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE)
                        .setIsMonotonic(true)
                        .addDataPoints(NumberDataPoint.newBuilder().setStartTimeUnixNano(START).setTimeUnixNano(END)
                                .setAsInt(Long.MIN_VALUE).setFlags(1)
                                .addExemplars(Exemplar.newBuilder().setAsInt(3).setTraceId(hex(LINK_TRACE_ID))
                                        .setSpanId(hex(LINK_SPAN_ID)))))
                .build();
        Metric histogram = Metric.newBuilder().setName("latency").setUnit("ms")
                .setHistogram(Histogram.newBuilder()
                        .setAggregationTemporality(AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA)
                        .addDataPoints(HistogramDataPoint.newBuilder().setStartTimeUnixNano(START)
                                .setTimeUnixNano(END).setCount(10).setSum(0.0).setMin(0.0).setMax(9.5)
                                .addBucketCounts(4).addBucketCounts(6).addBucketCounts(-1L)
                                .addExplicitBounds(1.5).addExplicitBounds(5)
                                .addExemplars(exemplar)))
                .build();
        Metric exponential = Metric.newBuilder().setName("size").setUnit("By")
                .setExponentialHistogram(ExponentialHistogram.newBuilder()
                        .setAggregationTemporality(AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA)
                        .addDataPoints(ExponentialHistogramDataPoint.newBuilder().setTimeUnixNano(END)
                                .setCount(7).setSum(1e300).setScale(-3).setZeroCount(1).setZeroThreshold(1e-9)
                                .setPositive(ExponentialHistogramDataPoint.Buckets.newBuilder().setOffset(-2)
                                        .addBucketCounts(1).addBucketCounts(-1L))
                                .setNegative(ExponentialHistogramDataPoint.Buckets.newBuilder().setOffset(5)
                                        .addBucketCounts(2))
                                .setMin(Double.NEGATIVE_INFINITY).setMax(Double.NaN)
                                .addExemplars(exemplar)))
                .build();
        return ExportMetricsServiceRequest.newBuilder()
                .addResourceMetrics(ResourceMetrics.newBuilder()
                        .setResource(Resource.newBuilder().addAttributes(kv("service.name", str("m"))))
                        .addScopeMetrics(ScopeMetrics.newBuilder()
                                .setScope(InstrumentationScope.newBuilder().setName("meter"))
                                .addMetrics(gauge).addMetrics(sum).addMetrics(histogram).addMetrics(exponential)))
                .build();
    }

    private static ExportLogsServiceRequest logsRequest() {
        LogRecord record = LogRecord.newBuilder()
                .setTimeUnixNano(START)
                .setObservedTimeUnixNano(END)
                .setSeverityNumber(SeverityNumber.SEVERITY_NUMBER_WARN)
                .setSeverityText("WARN")
                .setBody(AnyValue.newBuilder().setKvlistValue(KeyValueList.newBuilder()
                        .addValues(kv("msg", str("disk almost full")))
                        .addValues(kv("pct", AnyValue.newBuilder().setDoubleValue(97.5).build()))))
                .addAttributes(kv("host", str("h1")))
                .setDroppedAttributesCount(1)
                .setFlags(1)
                .setTraceId(hex(TRACE_ID))
                .setSpanId(hex(SPAN_ID))
                .setEventName("disk.warning")
                .build();
        return ExportLogsServiceRequest.newBuilder()
                .addResourceLogs(ResourceLogs.newBuilder()
                        .setResource(Resource.newBuilder().addAttributes(kv("service.name", str("l"))))
                        .addScopeLogs(ScopeLogs.newBuilder().setScope(InstrumentationScope.newBuilder().setName("log"))
                                .addLogRecords(record)
                                .addLogRecords(LogRecord.newBuilder().setBody(str("plain")))))
                .build();
    }

    // ------------------------------------------------------------------------------------------- helpers

    private static <B extends Message.Builder> B parse(String json, B builder) throws InvalidRequestException {
        byte[] bytes = json.getBytes(UTF_8);
        return OtlpJson.merge(bytes, 0, bytes.length, builder);
    }

    private static ExportTraceServiceRequest traces(String json) throws InvalidRequestException {
        return parse(json, ExportTraceServiceRequest.newBuilder()).build();
    }

    private static Span onlySpan(String spanJson) throws InvalidRequestException {
        return traces("{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[" + spanJson + "]}]}]}")
                .getResourceSpans(0).getScopeSpans(0).getSpans(0);
    }

    private static String json(Message message) {
        return new String(OtlpJson.write(message), UTF_8);
    }

    private static void assertInvalid(String json, String... messageParts) {
        assertThatThrownBy(() -> traces(json))
                .isInstanceOf(InvalidRequestException.class)
                .message()
                .startsWith("invalid OTLP/JSON at ")
                .contains(messageParts);
    }

    // ------------------------------------------------------------------------------------------- round trips

    @Test
    void richTraceRequestRoundTripsThroughWriteAndMerge() throws Exception {
        ExportTraceServiceRequest request = richTraceRequest();

        assertThat(traces(json(request))).isEqualTo(request);
    }

    @Test
    void writeFollowsTheOtlpJsonEncoding() {
        String written = json(richTraceRequest());

        assertThat(written)
                .contains("\"resourceSpans\":[", "\"scopeSpans\":[", "\"droppedAttributesCount\":3")
                .contains("\"traceId\":\"" + TRACE_ID + "\"", "\"spanId\":\"" + SPAN_ID + "\"",
                        "\"parentSpanId\":\"" + PARENT_ID + "\"")
                .contains("\"kind\":2", "\"code\":2", "\"flags\":769")
                .contains("\"startTimeUnixNano\":\"1700000000000000000\"", "\"intValue\":\"-9223372036854775808\"")
                .contains("\"bytesValue\":\"AAH+/z4/\"")
                .doesNotContain("resource_spans", "\"parentSpanId\":\"\"", "\"traceState\":\"\"");
        // The second span sets no parent, flags, times or status: none of them is written.
        assertThat(written).contains("{\"traceId\":\"" + TRACE_ID + "\",\"spanId\":\"" + PARENT_ID
                + "\",\"name\":\"root\",\"kind\":3}");
    }

    @Test
    void camelCaseAndSnakeCaseKeysDecodeIdentically() throws Exception {
        String camel = "{\"traceId\":\"" + TRACE_ID + "\",\"spanId\":\"" + SPAN_ID + "\",\"parentSpanId\":\""
                + PARENT_ID + "\",\"startTimeUnixNano\":\"5\",\"droppedLinksCount\":2,\"traceState\":\"a=b\"}";
        String snake = "{\"trace_id\":\"" + TRACE_ID + "\",\"span_id\":\"" + SPAN_ID + "\",\"parent_span_id\":\""
                + PARENT_ID + "\",\"start_time_unix_nano\":\"5\",\"dropped_links_count\":2,\"trace_state\":\"a=b\"}";

        Span fromCamel = onlySpan(camel);

        assertThat(onlySpan(snake)).isEqualTo(fromCamel);
        assertThat(fromCamel.getTraceId()).isEqualTo(hex(TRACE_ID));
        assertThat(fromCamel.getStartTimeUnixNano()).isEqualTo(5);
        assertThat(fromCamel.getDroppedLinksCount()).isEqualTo(2);
    }

    @Test
    void handWrittenSnakeCaseWithUpperCaseHexEnumNamesStringNumbersAndUnknownFieldsDecodesToTheSameRequest()
            throws Exception {
        assertThat(traces(SNAKE_CASE_REQUEST)).isEqualTo(richTraceRequest());
    }

    @Test
    void int64sDecodeFromNumbersAndFromDecimalStrings() throws Exception {
        Span asNumbers = onlySpan("{\"startTimeUnixNano\":1700000000000000000,\"endTimeUnixNano\":1.7e18}");
        Span asStrings = onlySpan("{\"startTimeUnixNano\":\"1700000000000000000\",\"endTimeUnixNano\":\"1.7e18\"}");

        assertThat(asNumbers).isEqualTo(asStrings);
        assertThat(asNumbers.getStartTimeUnixNano()).isEqualTo(START);
        assertThat(asNumbers.getEndTimeUnixNano()).isEqualTo(1_700_000_000_000_000_000L);
    }

    @Test
    void enumsDecodeFromNumbersAndFromNames() throws Exception {
        assertThat(onlySpan("{\"kind\":\"SPAN_KIND_CONSUMER\"}").getKind()).isEqualTo(Span.SpanKind.SPAN_KIND_CONSUMER);
        assertThat(onlySpan("{\"kind\":5}").getKind()).isEqualTo(Span.SpanKind.SPAN_KIND_CONSUMER);
        assertThat(onlySpan("{\"kind\":\"5\"}").getKind()).isEqualTo(Span.SpanKind.SPAN_KIND_CONSUMER);
    }

    @Test
    void unknownEnumNumbersAreKeptAsProtobufKeepsThem() throws Exception {
        Span span = onlySpan("{\"kind\":42}");

        assertThat(span.getKind()).isEqualTo(Span.SpanKind.UNRECOGNIZED);
        assertThat(span.getKindValue()).isEqualTo(42);
        assertThat(json(span)).isEqualTo("{\"kind\":42}");
    }

    @Test
    void unknownEnumNameIsRejectedWithTheValidNames() {
        assertInvalid("{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"kind\":\"SPAN_KIND_SERVERS\"}]}]}]}",
                "resourceSpans[0].scopeSpans[0].spans[0].kind: \"SPAN_KIND_SERVERS\" is not a SpanKind value",
                "SPAN_KIND_SERVER (2)");
    }

    @Test
    void unknownKeysAreSkippedWhateverTheirValue() throws Exception {
        Span span = onlySpan("{\"a\":{\"b\":[1,2,{\"c\":\"d\"}]},\"name\":\"n\",\"e\":[[[]]],\"f\":\"x\",\"g\":1.5,"
                + "\"h\":true,\"i\":null,\"traceID\":\"zz\"}");

        assertThat(span).isEqualTo(Span.newBuilder().setName("n").build());
    }

    @Test
    void nullMeansAbsentForScalarsMessagesArraysAndArrayElements() throws Exception {
        Span span = onlySpan("{\"name\":null,\"status\":null,\"attributes\":null,\"events\":[null,{\"name\":\"e\"}],"
                + "\"traceId\":null,\"kind\":null,\"flags\":null}");

        assertThat(span).isEqualTo(Span.newBuilder().addEvents(Span.Event.newBuilder().setName("e")).build());
        assertThat(traces("{\"resourceSpans\":null}")).isEqualTo(ExportTraceServiceRequest.getDefaultInstance());
    }

    @Test
    void emptyInputWhitespaceNullAndEmptyObjectAllDecodeToAnEmptyMessage() throws Exception {
        assertThat(OtlpJson.merge(new byte[0], 0, 0, ExportTraceServiceRequest.newBuilder()).build())
                .isEqualTo(ExportTraceServiceRequest.getDefaultInstance());
        assertThat(traces("{}")).isEqualTo(ExportTraceServiceRequest.getDefaultInstance());
        assertThat(traces(" \n ")).isEqualTo(ExportTraceServiceRequest.getDefaultInstance());
        assertThat(traces("null")).isEqualTo(ExportTraceServiceRequest.getDefaultInstance());
        assertThat(traces("{\"resourceSpans\":[]}")).isEqualTo(ExportTraceServiceRequest.getDefaultInstance());
    }

    @Test
    void mergeReadsOnlyTheGivenSliceOfTheArray() throws Exception {
        byte[] framed = ("garbage{\"resourceSpans\":[{\"schemaUrl\":\"s\"}]}more").getBytes(UTF_8);

        ExportTraceServiceRequest request =
                OtlpJson.merge(framed, 7, framed.length - 11, ExportTraceServiceRequest.newBuilder()).build();

        assertThat(request.getResourceSpans(0).getSchemaUrl()).isEqualTo("s");
    }

    @Test
    void oneofTakesTheFieldThatIsPresent() throws Exception {
        Span span = onlySpan("{\"attributes\":[{\"key\":\"k\",\"value\":{\"intValue\":\"12\"}},"
                + "{\"key\":\"b\",\"value\":{\"bytesValue\":\"AQI=\"}},"
                + "{\"key\":\"l\",\"value\":{\"arrayValue\":{}}}]}");

        assertThat(span.getAttributes(0).getValue().getIntValue()).isEqualTo(12);
        assertThat(span.getAttributes(1).getValue().getBytesValue()).isEqualTo(ByteString.copyFrom(new byte[]{1, 2}));
        assertThat(span.getAttributes(2).getValue().getValueCase()).isEqualTo(AnyValue.ValueCase.ARRAY_VALUE);
    }

    @Test
    void bytesAcceptStandardAndUrlSafeBase64WithOrWithoutPadding() throws Exception {
        ByteString expected = ByteString.copyFrom(new byte[]{(byte) 0xfb, (byte) 0xff, (byte) 0xbf, 1});
        for (String encoded : new String[]{"+/+/AQ==", "+/+/AQ", "-_-_AQ==", "-_-_AQ"}) {
            Span span = onlySpan("{\"attributes\":[{\"key\":\"b\",\"value\":{\"bytesValue\":\"" + encoded + "\"}}]}");
            assertThat(span.getAttributes(0).getValue().getBytesValue()).as(encoded).isEqualTo(expected);
        }
    }

    @Test
    void doublesAcceptNumbersNumericStringsAndNonFiniteValues() throws Exception {
        String json = "{\"values\":[{\"doubleValue\":1},{\"doubleValue\":\"2.5\"},{\"doubleValue\":\"NaN\"},"
                + "{\"doubleValue\":\"Infinity\"},{\"doubleValue\":\"-Infinity\"},{\"doubleValue\":-1e-3},"
                + "{\"doubleValue\":NaN}]}";

        ArrayValue values = parse(json, ArrayValue.newBuilder()).build();

        assertThat(values.getValuesList()).extracting(AnyValue::getDoubleValue).containsExactly(
                1.0, 2.5, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, -0.001, Double.NaN);
        assertThat(json(values)).contains("\"NaN\"", "\"Infinity\"", "\"-Infinity\"");
    }

    @Test
    void booleansAcceptJsonBooleansAndQuotedBooleans() throws Exception {
        ArrayValue values = parse("{\"values\":[{\"boolValue\":true},{\"boolValue\":\"true\"},{\"boolValue\":false}]}",
                ArrayValue.newBuilder()).build();

        assertThat(values.getValuesList()).extracting(AnyValue::getBoolValue).containsExactly(true, true, false);
    }

    @Test
    void metricsOfEveryKindWithHexExemplarIdsRoundTrip() throws Exception {
        ExportMetricsServiceRequest request = metricsRequest();
        String written = json(request);

        ExportMetricsServiceRequest parsed = parse(written, ExportMetricsServiceRequest.newBuilder()).build();

        assertThat(parsed).isEqualTo(request);
        assertThat(written).contains("\"traceId\":\"" + TRACE_ID + "\"", "\"spanId\":\"" + SPAN_ID + "\"",
                "\"aggregationTemporality\":2", "\"isMonotonic\":true", "\"bucketCounts\":[\"4\",\"6\"",
                "\"18446744073709551615\"", "\"sum\":0.0", "\"scale\":-3", "\"asInt\":\"-9223372036854775808\"");
    }

    @Test
    void exemplarIdsAreReadAsHexInAnyCase() throws Exception {
        String json = "{\"resourceMetrics\":[{\"scopeMetrics\":[{\"metrics\":[{\"gauge\":{\"dataPoints\":[{"
                + "\"asDouble\":1,\"exemplars\":[{\"trace_id\":\"" + TRACE_ID.toUpperCase() + "\",\"spanId\":\""
                + SPAN_ID + "\",\"as_int\":\"9\"}]}]}}]}]}]}";

        Exemplar exemplar = parse(json, ExportMetricsServiceRequest.newBuilder()).build().getResourceMetrics(0)
                .getScopeMetrics(0).getMetrics(0).getGauge().getDataPoints(0).getExemplars(0);

        assertThat(exemplar.getTraceId()).isEqualTo(hex(TRACE_ID));
        assertThat(exemplar.getSpanId()).isEqualTo(hex(SPAN_ID));
        assertThat(exemplar.getAsInt()).isEqualTo(9);
    }

    @Test
    void logsWithHexIdsAndStructuredBodiesRoundTrip() throws Exception {
        ExportLogsServiceRequest request = logsRequest();
        String written = json(request);

        assertThat(parse(written, ExportLogsServiceRequest.newBuilder()).build()).isEqualTo(request);
        assertThat(written).contains("\"traceId\":\"" + TRACE_ID + "\"", "\"spanId\":\"" + SPAN_ID + "\"",
                "\"severityNumber\":13", "\"body\":{\"stringValue\":\"plain\"}");
    }

    @Test
    void logSeverityAcceptsTheEnumName() throws Exception {
        String json = "{\"resource_logs\":[{\"scope_logs\":[{\"log_records\":[{\"severity_number\":\"SEVERITY_NUMBER_ERROR\","
                + "\"trace_id\":\"" + TRACE_ID + "\",\"body\":{\"string_value\":\"x\"}}]}]}]}";

        LogRecord record = parse(json, ExportLogsServiceRequest.newBuilder()).build()
                .getResourceLogs(0).getScopeLogs(0).getLogRecords(0);

        assertThat(record.getSeverityNumber()).isEqualTo(SeverityNumber.SEVERITY_NUMBER_ERROR);
        assertThat(record.getTraceId()).isEqualTo(hex(TRACE_ID));
        assertThat(record.getBody().getStringValue()).isEqualTo("x");
    }

    @Test
    void uint64MaxValueRoundTripsAsStringAndParsesAsNumber() throws Exception {
        Span span = Span.newBuilder().setStartTimeUnixNano(-1L).setEndTimeUnixNano(Long.MIN_VALUE).build();

        assertThat(json(span)).isEqualTo(
                "{\"startTimeUnixNano\":\"18446744073709551615\",\"endTimeUnixNano\":\"9223372036854775808\"}");
        assertThat(onlySpan(json(span))).isEqualTo(span);
        assertThat(onlySpan("{\"startTimeUnixNano\":18446744073709551615,\"endTimeUnixNano\":9223372036854775808}"))
                .isEqualTo(span);
    }

    @Test
    void uint32AboveIntMaxValueIsKeptInTheIntBits() throws Exception {
        Span span = onlySpan("{\"flags\":4294967295,\"droppedEventsCount\":\"4294967295\"}");

        assertThat(span.getFlags()).isEqualTo(-1);
        assertThat(span.getDroppedEventsCount()).isEqualTo(-1);
        assertThat(json(span)).isEqualTo("{\"flags\":4294967295,\"droppedEventsCount\":4294967295}");
    }

    @Test
    void wellFormedHexIdOfTheWrongLengthIsAcceptedAsIs() throws Exception {
        String fifteenBytes = "0102030405060708090a0b0c0d0e0f";

        Span span = onlySpan("{\"traceId\":\"" + fifteenBytes + "\",\"spanId\":\"\"}");

        assertThat(span.getTraceId().size()).isEqualTo(15);
        assertThat(span.getTraceId()).isEqualTo(hex(fifteenBytes));
        assertThat(span.getSpanId()).isEqualTo(ByteString.EMPTY);
    }

    // ------------------------------------------------------------------------------------------- errors

    @Test
    void nonHexIdIsRejectedWithItsPath() {
        assertInvalid("{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{},{},{\"traceId\":\"xyz\"}]}]}]}",
                "invalid OTLP/JSON at resourceSpans[0].scopeSpans[0].spans[2].traceId: "
                        + "\"xyz\" is not hex (expected 32 hex digits)");
    }

    @Test
    void oddLengthHexIdIsRejected() {
        assertInvalid("{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"span_id\":\"abc\"}]}]}]}",
                "at resourceSpans[0].scopeSpans[0].spans[0].span_id: \"abc\" has an odd number of hex digits "
                        + "(expected 16 hex digits)");
    }

    @Test
    void nonHexLinkAndLogIdsAreRejectedToo() {
        assertInvalid("{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"links\":[{\"spanId\":\"g000000000000000\"}]}]}]}]}",
                "spans[0].links[0].spanId: \"g000000000000000\" is not hex");
        assertThatThrownBy(() -> parse("{\"resourceLogs\":[{\"scopeLogs\":[{\"logRecords\":[{\"traceId\":\"-1\"}]}]}]}",
                ExportLogsServiceRequest.newBuilder()))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("resourceLogs[0].scopeLogs[0].logRecords[0].traceId: \"-1\" is not hex");
    }

    @Test
    void stringWhereAnArrayIsExpectedIsRejected() {
        assertInvalid("{\"resourceSpans\":[{\"scopeSpans\":\"nope\"}]}",
                "invalid OTLP/JSON at resourceSpans[0].scopeSpans: expected an array, got a string");
    }

    @Test
    void wrongValueTypesAreRejectedWithWhatWasExpected() {
        assertInvalid("{\"resourceSpans\":[{\"resource\":[]}]}",
                "at resourceSpans[0].resource: expected an object, got an array");
        assertInvalid("{\"resourceSpans\":[\"x\"]}", "at resourceSpans[0]: expected an object, got a string");
        assertInvalid("{\"resourceSpans\":[{\"schemaUrl\":1}]}",
                "at resourceSpans[0].schemaUrl: expected a string, got a number");
        assertInvalid("{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"startTimeUnixNano\":{}}]}]}]}",
                "spans[0].startTimeUnixNano: expected an integer (fixed64");
        assertInvalid("{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"traceId\":123}]}]}]}",
                "spans[0].traceId: expected a string of 32 hex digits, got a number");
        assertInvalid("{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"kind\":true}]}]}]}",
                "spans[0].kind: expected a SpanKind (an integer or one of SPAN_KIND_UNSPECIFIED (0)");
    }

    @Test
    void badNumbersAreRejected() {
        assertInvalid("{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"startTimeUnixNano\":\"soon\"}]}]}]}",
                "spans[0].startTimeUnixNano: \"soon\" is not an integer (expected fixed64");
        assertInvalid("{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"startTimeUnixNano\":-1}]}]}]}",
                "spans[0].startTimeUnixNano: -1 is out of range (expected an integer from 0 to 18446744073709551615)");
        assertInvalid("{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"endTimeUnixNano\":\"18446744073709551616\"}]}]}]}",
                "spans[0].endTimeUnixNano: \"18446744073709551616\" is out of range");
        assertInvalid("{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"droppedEventsCount\":1.5}]}]}]}",
                "spans[0].droppedEventsCount: 1.5 is not an integer");
        assertInvalid("{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"droppedEventsCount\":4294967296}]}]}]}",
                "spans[0].droppedEventsCount: 4294967296 is out of range (expected an integer from 0 to 4294967295)");
        assertInvalid("{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"startTimeUnixNano\":\"1e999999999\"}]}]}]}",
                "is out of range");
        assertInvalid("{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"attributes\":[{\"value\":"
                + "{\"doubleValue\":\"fast\"}}]}]}]}]}",
                "spans[0].attributes[0].value.doubleValue: \"fast\" is not a number (expected double");
    }

    @Test
    void invalidBase64IsRejected() {
        assertInvalid("{\"resourceSpans\":[{\"resource\":{\"attributes\":[{\"key\":\"k\",\"value\":"
                + "{\"bytesValue\":\"not base64!\"}}]}}]}",
                "resourceSpans[0].resource.attributes[0].value.bytesValue: \"not base64!\" is not base64 "
                        + "(expected standard or URL-safe base64, padding optional)");
    }

    @Test
    void malformedJsonIsRejectedWithWhereItBroke() {
        assertInvalid("{\"resourceSpans\":[{\"schemaUrl\":\"x\",}]}", "malformed JSON at line 1, column");
        assertInvalid("{\"resourceSpans\":[{\"schemaUrl\" \"x\"}]}", "at resourceSpans[0]", "malformed JSON");
        assertInvalid("{\"resourceSpans\":[{\"schemaUrl\":\"x\"}", "the body ends inside the JSON");
        assertInvalid("{\"resourceSpans\":[{\"schemaUrl\":'x'}]}", "malformed JSON");
    }

    @Test
    void trailingDataAfterTheObjectIsRejected() {
        assertInvalid("{} {}", "invalid OTLP/JSON at the top level: found an object after the top-level object");
        assertInvalid("{\"resourceSpans\":[]} x", "malformed JSON");
        assertInvalid("{}}", "malformed JSON");
    }

    @Test
    void topLevelMustBeAnObject() {
        assertInvalid("[]", "invalid OTLP/JSON at the top level: expected an object, got an array");
        assertInvalid("\"x\"", "invalid OTLP/JSON at the top level: expected an object, got a string");
    }

    @Test
    void nestingDeeperThanTheLimitIsRejected() {
        String deep = "[".repeat(10_050) + "]".repeat(10_050);

        assertInvalid("{\"unknown\":" + deep + "}", "exceeds a limit", "nesting depth");
        // The path of such an error is shortened in the middle rather than listing 10,000 indices.
        assertThatThrownBy(() -> traces("{\"unknown\":" + deep + "}"))
                .hasMessageStartingWith("invalid OTLP/JSON at unknown[0][0][0][0][0][0][0][...9984 more...][0]")
                .message().hasSizeLessThan(300);
    }

    @Test
    void longOffendingValuesAreShortenedInErrors() {
        String longValue = "z".repeat(10_000);

        assertThatThrownBy(() -> onlySpan("{\"traceId\":\"" + longValue + "\"}"))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("(first 64 of 10000 characters) is not hex")
                .message().hasSizeLessThan(300);
    }

    // ------------------------------------------------------------------------------------------- responses

    @Test
    void writeStatusGivesCodeAndMessage() {
        com.google.rpc.Status status = com.google.rpc.Status.newBuilder().setCode(3)
                .setMessage("invalid OTLP/JSON at resourceSpans: expected an array, got a string").build();

        assertThat(json(status)).isEqualTo(
                "{\"code\":3,\"message\":\"invalid OTLP/JSON at resourceSpans: expected an array, got a string\"}");
    }

    @Test
    void writeRetryInfoDetailsWithTheirRetryDelay() {
        com.google.rpc.Status status = com.google.rpc.Status.newBuilder().setCode(14).setMessage("later")
                .addDetails(Any.pack(RetryInfo.newBuilder()
                        .setRetryDelay(com.google.protobuf.Duration.newBuilder().setSeconds(5)).build()))
                .build();

        assertThat(json(status)).isEqualTo("{\"code\":14,\"message\":\"later\","
                + "\"details\":[{\"@type\":\"type.googleapis.com/google.rpc.RetryInfo\",\"retryDelay\":\"5s\"}]}");
    }

    @Test
    void writeOtherStatusDetailsAsTheirTypeUrlOnly() {
        com.google.rpc.Status status = com.google.rpc.Status.newBuilder().setCode(14).setMessage("later")
                .addDetails(Any.pack(com.google.rpc.ErrorInfo.newBuilder().setReason("r").build()))
                .build();

        assertThat(json(status)).isEqualTo("{\"code\":14,\"message\":\"later\","
                + "\"details\":[{\"@type\":\"type.googleapis.com/google.rpc.ErrorInfo\"}]}");
    }

    @Test
    void durationsUseProto3JsonForm() {
        assertThat(OtlpJson.duration(com.google.protobuf.Duration.newBuilder().setSeconds(1).build())).isEqualTo("1s");
        assertThat(OtlpJson.duration(com.google.protobuf.Duration.newBuilder().setSeconds(1).setNanos(500_000_000)
                .build())).isEqualTo("1.500s");
        assertThat(OtlpJson.duration(com.google.protobuf.Duration.newBuilder().setNanos(1_500).build()))
                .isEqualTo("0.000001500s");
        assertThat(OtlpJson.duration(com.google.protobuf.Duration.newBuilder().setNanos(-250_000).build()))
                .isEqualTo("-0.000250s");
    }

    @Test
    void writeTraceResponseWithPartialSuccess() {
        ExportTraceServiceResponse response = ExportTraceServiceResponse.newBuilder()
                .setPartialSuccess(ExportTracePartialSuccess.newBuilder().setRejectedSpans(2)
                        .setErrorMessage("2 of 5 spans rejected for invalid ids"))
                .build();

        assertThat(json(response)).isEqualTo(
                "{\"partialSuccess\":{\"rejectedSpans\":\"2\",\"errorMessage\":\"2 of 5 spans rejected for invalid ids\"}}");
    }

    @Test
    void writeEmptyResponseGivesAnEmptyObject() {
        assertThat(json(ExportTraceServiceResponse.getDefaultInstance())).isEqualTo("{}");
    }
}
