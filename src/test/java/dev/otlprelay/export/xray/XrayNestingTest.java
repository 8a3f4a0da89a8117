package dev.otlprelay.export.xray;

import static dev.otlprelay.export.xray.XraySpans.ROOT;
import static dev.otlprelay.export.xray.XraySpans.flask;
import static dev.otlprelay.export.xray.XraySpans.id;
import static dev.otlprelay.export.xray.XraySpans.num;
import static dev.otlprelay.export.xray.XraySpans.resource;
import static dev.otlprelay.export.xray.XraySpans.span;
import static dev.otlprelay.export.xray.XraySpans.str;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.otlprelay.bench.FlaskTraces;
import dev.otlprelay.config.XrayConfig;
import dev.otlprelay.pipeline.ClientContext;
import dev.otlprelay.pipeline.TraceBatch;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Span.SpanKind;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code xray.documents: nested}: a service's spans that arrive together become one segment document with its
 * subsegments nested inside, as the X-Ray SDKs send them; each span is placed exactly once, documents stay within a
 * datagram and {@code xray.max_subsegments_per_document}, and {@code per_span} is what it was before nesting.
 */
class XrayNestingTest {
    private static final String CHILD = "a1b2c3d4e5f60718";
    private static final String GRANDCHILD = "0f1e2d3c4b5a6978";

    private final ExporterFixtures fixtures = new ExporterFixtures();

    @AfterEach
    void closeFixtures() {
        fixtures.close();
    }

    /** The seeds' request: Flask's server span, the app's internal span, psycopg's query under it. */
    private static Span[] flaskTrace() {
        Span root = span("/api/activities/home", SpanKind.SPAN_KIND_SERVER, ROOT, null,
                str("http.method", "GET"), str("http.host", "localhost:4567"),
                str("http.target", "/api/activities/home"), num("http.status_code", 200)).build();
        Span child = span("home-activities-mock-data", SpanKind.SPAN_KIND_INTERNAL, CHILD, ROOT,
                num("app.result_length", 3)).build();
        Span grandchild = span("SELECT", SpanKind.SPAN_KIND_CLIENT, GRANDCHILD, CHILD,
                str("db.system", "postgresql"), str("db.name", "cruddur"), str("net.peer.name", "db"),
                str("db.statement", "SELECT 1")).build();
        return new Span[] {root, child, grandchild};
    }

    @Test
    void aFlaskTraceBecomesOneSegmentWithItsSubsegmentsNestedAndTheirFieldsAsWhenSentAlone() {
        Span[] t = flaskTrace();
        // As a BatchSpanProcessor exports them: each span as it ends, children first.
        List<JsonNode> docs = fixtures.open(XraySpans.config()).export(flask(), t[2], t[1], t[0]);
        List<JsonNode> alone = fixtures.open(XraySpans.perSpan()).export(flask(), t[2], t[1], t[0]);

        assertThat(docs).hasSize(1);
        JsonNode segment = docs.get(0);
        assertThat(segment.get("id").asText()).isEqualTo(ROOT);
        JsonNode child = only(segment.get("subsegments"));
        assertThat(child.get("id").asText()).isEqualTo(CHILD);
        JsonNode grandchild = only(child.get("subsegments"));
        assertThat(grandchild.get("id").asText()).isEqualTo(GRANDCHILD);
        assertThat(grandchild.has("subsegments")).isFalse();

        Map<String, JsonNode> perSpan = byId(alone);
        assertThat(without(segment, "subsegments")).isEqualTo(perSpan.get(ROOT));
        assertThat(without(child, "subsegments")).as("the mapping is unchanged; only the placement is")
                .isEqualTo(without(perSpan.get(CHILD), "trace_id", "parent_id", "type"));
        assertThat(grandchild).isEqualTo(without(perSpan.get(GRANDCHILD), "trace_id", "parent_id", "type"));
        assertThat(grandchild.get("namespace").asText()).isEqualTo("remote");
    }

    @Test
    void childrenNestTheSameWhetherTheyArriveBeforeOrAfterTheirParent() {
        Span[] t = flaskTrace();
        JsonNode parentFirst = only(fixtures.open(XraySpans.config()).export(flask(), t[0], t[1], t[2]));
        JsonNode childrenFirst = only(fixtures.open(XraySpans.config()).export(flask(), t[2], t[1], t[0]));
        JsonNode mixed = only(fixtures.open(XraySpans.config()).export(flask(), t[1], t[0], t[2]));

        assertThat(childrenFirst).isEqualTo(parentFirst);
        assertThat(mixed).isEqualTo(parentFirst);
    }

    @Test
    void twoServicesInOneTraceAreTwoSegmentsTheSecondNamingTheFirstsClientSubsegment() {
        String call = "1111111111111111";
        String activities = "2222222222222222";
        String query = "3333333333333333";
        Span gatewayRoot = span("GET /api/activities/home", SpanKind.SPAN_KIND_SERVER, ROOT, null).build();
        Span gatewayCall = span("GET", SpanKind.SPAN_KIND_CLIENT, call, ROOT,
                str("http.url", "http://activities:8080/home")).build();
        Span activitiesServer = span("GET /home", SpanKind.SPAN_KIND_SERVER, activities, call).build();
        Span activitiesQuery = span("SELECT", SpanKind.SPAN_KIND_CLIENT, query, activities,
                str("db.system", "postgresql"), str("db.name", "activities")).build();
        ExportTraceServiceRequest request = ExportTraceServiceRequest.newBuilder()
                .addResourceSpans(resourceSpans(flask(), gatewayRoot, gatewayCall))
                .addResourceSpans(resourceSpans(resource(str("service.name", "activities")), activitiesQuery,
                        activitiesServer))
                .build();

        List<JsonNode> docs = fixtures.open(XraySpans.config()).export(batch(request));

        assertThat(docs).hasSize(2);
        Map<String, JsonNode> byId = byId(docs);
        JsonNode gateway = byId.get(ROOT);
        JsonNode second = byId.get(activities);
        assertThat(gateway.get("name").asText()).isEqualTo("backend-flask");
        assertThat(only(gateway.get("subsegments")).get("id").asText()).isEqualTo(call);
        assertThat(second.get("name").asText()).isEqualTo("activities");
        assertThat(second.has("type")).as("a server span is a segment of its own service").isFalse();
        assertThat(second.get("parent_id").asText()).isEqualTo(call);
        assertThat(second.get("trace_id")).isEqualTo(gateway.get("trace_id"));
        assertThat(only(second.get("subsegments")).get("id").asText()).isEqualTo(query);
    }

    @Test
    void aSubsegmentWhoseParentCameInAnotherRequestIsSentIndependent() {
        Span[] t = flaskTrace();
        ExporterFixture fixture = fixtures.open(XraySpans.config());

        List<JsonNode> late = fixture.export(flask(), t[1], t[2]);

        JsonNode child = only(late);
        assertThat(child.get("type").asText()).isEqualTo("subsegment");
        assertThat(child.get("parent_id").asText()).isEqualTo(ROOT);
        assertThat(child.get("trace_id").asText()).isEqualTo(XraySpans.XRAY_TRACE);
        assertThat(only(child.get("subsegments")).get("id").asText()).isEqualTo(GRANDCHILD);
        assertThat(fixture.metric("otlp_relay_xray_spans_total", "placement", "independent")).isEqualTo(1);
        assertThat(fixture.metric("otlp_relay_xray_spans_total", "placement", "nested")).isEqualTo(1);
        assertThat(fixture.metric("otlp_relay_xray_spans_total", "placement", "document")).isZero();
        assertThat(fixture.metric("otlp_relay_xray_segments_total", "type", "subsegment")).isEqualTo(1);
    }

    @Test
    void aServerSpanUnderALocalSpanStartsItsOwnSegment() {
        String inner = "4444444444444444";
        Span root = span("GET /", SpanKind.SPAN_KIND_SERVER, ROOT, null).build();
        Span server = span("GET /again", SpanKind.SPAN_KIND_SERVER, inner, ROOT).build();

        List<JsonNode> docs = fixtures.open(XraySpans.config()).export(flask(), root, server);

        assertThat(docs).hasSize(2);
        assertThat(byId(docs).get(inner).get("parent_id").asText()).isEqualTo(ROOT);
        assertThat(docs).allSatisfy(d -> assertThat(d.has("subsegments")).isFalse());
    }

    @Test
    void spansOfOtherTracesNeverNestEvenUnderTheSameSpanId() {
        Span root = span("GET /", SpanKind.SPAN_KIND_SERVER, ROOT, null).build();
        Span otherTrace = span("work", SpanKind.SPAN_KIND_INTERNAL, CHILD, ROOT)
                .setTraceId(id("0123456789abcdef0123456789abcdef")).build();

        List<JsonNode> docs = fixtures.open(XraySpans.config()).export(flask(), root, otherTrace);

        assertThat(docs).hasSize(2);
        assertThat(byId(docs).get(CHILD).get("type").asText()).isEqualTo("subsegment");
    }

    @Test
    void idsThatPointAtEachOtherOrRepeatStillSendEverySpanOnce() {
        String a = "000000000000000a";
        String b = "000000000000000b";
        Span aUnderB = span("a", SpanKind.SPAN_KIND_INTERNAL, a, b).build();
        Span bUnderA = span("b", SpanKind.SPAN_KIND_INTERNAL, b, a).build();
        Span root = span("GET /", SpanKind.SPAN_KIND_SERVER, ROOT, null).build();
        Span rootAgain = span("GET / (retried)", SpanKind.SPAN_KIND_SERVER, ROOT, null).build();
        Span child = span("work", SpanKind.SPAN_KIND_INTERNAL, CHILD, ROOT).build();
        ExporterFixture fixture = fixtures.open(XraySpans.config());

        List<JsonNode> docs = fixture.export(flask(), aUnderB, bUnderA, root, rootAgain, child);

        List<String> ids = new ArrayList<>();
        docs.forEach(d -> collectIds(d, ids));
        assertThat(ids).containsExactlyInAnyOrder(a, b, ROOT, ROOT, CHILD);
        assertThat(fixture.metric("otlp_relay_xray_datagrams_total", "result", "sent")).isEqualTo(3);
        assertThat(XrayAccountingTest.placedSpans(fixture.metrics.scrape())).isEqualTo(5);
    }

    @Test
    void aWideDeepTraceSplitsByCountIntoCompleteSubtreesWithoutLoss() {
        // 300 spans: the root, 23 app spans under it, 12 queries under each.
        List<Span> spans = new ArrayList<>();
        spans.add(span("GET /", SpanKind.SPAN_KIND_SERVER, ROOT, null).build());
        for (int i = 0; i < 23; i++) {
            String app = String.format("1%015x", i);
            spans.add(span("app-" + i, SpanKind.SPAN_KIND_INTERNAL, app, ROOT).build());
            for (int j = 0; j < 12; j++) {
                spans.add(span("SELECT", SpanKind.SPAN_KIND_CLIENT, String.format("2%07x%08x", i, j), app,
                        str("db.system", "postgresql")).build());
            }
        }
        assertThat(spans).hasSize(300);
        ExporterFixture fixture = fixtures.open(XraySpans.config());

        List<JsonNode> docs = fixture.export(flask(), spans.toArray(Span[]::new));

        assertEverySpanOnce(docs, spans);
        assertThat(docs).allSatisfy(d -> assertThat(nested(d)).isLessThanOrEqualTo(100));
        // The root keeps as many whole app subtrees (13 spans each) as fit in 100; the others go out whole.
        JsonNode root = byId(docs).get(ROOT);
        assertThat(nested(root)).isEqualTo(7 * 13);
        assertThat(docs).hasSize(1 + 16);
        for (JsonNode d : docs) {
            if (d != root) {
                assertThat(d.get("type").asText()).isEqualTo("subsegment");
                assertThat(d.get("parent_id").asText()).isEqualTo(ROOT);
                assertThat(d.get("subsegments")).hasSize(12);
            }
        }
        assertThat(fixture.metric("otlp_relay_xray_spans_total", "placement", "nested")).isEqualTo(300 - 17);
        assertThat(fixture.metric("otlp_relay_xray_datagrams_total", "result", "truncated")).isZero();
    }

    @Test
    void aTraceLargerThanADatagramSplitsBy64000BytesWithoutLossOrShrinking() {
        // 300 spans of ~2.3 kB: some 690 kB, more than ten datagrams' worth.
        List<Span> spans = new ArrayList<>();
        spans.add(span("GET /", SpanKind.SPAN_KIND_SERVER, ROOT, null).build());
        for (int i = 0; i < 299; i++) {
            String parent = i < 20 ? ROOT : String.format("1%015x", i % 20);
            spans.add(span("work-" + i, SpanKind.SPAN_KIND_INTERNAL, String.format("1%015x", i), parent,
                    str("app.payload", "p".repeat(2_000) + i)).build());
        }
        ExporterFixture fixture = fixtures.open(XraySpans.config().withDocuments(XrayConfig.Documents.NESTED,
                1_000));

        List<JsonNode> docs = fixture.export(flask(), spans.toArray(Span[]::new));

        assertEverySpanOnce(docs, spans);
        assertThat(fixture.sender.datagrams).allSatisfy(d -> assertThat(d.length).isLessThanOrEqualTo(64_000));
        assertThat(docs.size()).as("datagrams").isBetween(11, 30);
        assertThat(fixture.metric("otlp_relay_xray_datagrams_total", "result", "truncated")).isZero();
        assertThat(XrayAccountingTest.placedSpans(fixture.metrics.scrape())).isEqualTo(300);
    }

    @Test
    void aSpanTooLargeForADatagramIsShrunkAloneAndItsChildrenGoIndependent() {
        Span root = span("GET /", SpanKind.SPAN_KIND_SERVER, ROOT, null, str("app.huge", "h".repeat(100_000)))
                .build();
        Span[] t = flaskTrace();
        ExporterFixture fixture = fixtures.open(XraySpans.config());

        List<JsonNode> docs = fixture.export(flask(), root, t[1], t[2]);

        assertThat(docs).hasSize(2);
        Map<String, JsonNode> byId = byId(docs);
        assertThat(byId.get(ROOT).at("/annotations/otlp_relay_truncated").asBoolean()).isTrue();
        assertThat(byId.get(ROOT).has("subsegments")).isFalse();
        assertThat(byId.get(CHILD).get("parent_id").asText()).isEqualTo(ROOT);
        assertThat(only(byId.get(CHILD).get("subsegments")).get("id").asText()).isEqualTo(GRANDCHILD);
        assertThat(fixture.metric("otlp_relay_xray_datagrams_total", "result", "truncated")).isEqualTo(1);
    }

    @Test
    void maxSubsegmentsPerDocumentIsTheCountBound() {
        List<Span> spans = new ArrayList<>();
        spans.add(span("GET /", SpanKind.SPAN_KIND_SERVER, ROOT, null).build());
        for (int i = 0; i < 3; i++) {
            spans.add(span("w" + i, SpanKind.SPAN_KIND_INTERNAL, String.format("1%015x", i), ROOT).build());
        }
        ExporterFixture fixture = fixtures.open(XraySpans.config().withDocuments(XrayConfig.Documents.NESTED, 2));

        List<JsonNode> docs = fixture.export(flask(), spans.toArray(Span[]::new));

        assertEverySpanOnce(docs, spans);
        assertThat(docs).hasSize(2);
        assertThat(nested(byId(docs).get(ROOT))).isEqualTo(2);
    }

    @Test
    void aLongChainOfSpansIsCutIntoDocumentsNestedAtMost64Deep() {
        List<Span> spans = new ArrayList<>();
        spans.add(span("GET /", SpanKind.SPAN_KIND_SERVER, ROOT, null).build());
        String parent = ROOT;
        for (int i = 0; i < 199; i++) {
            String id = String.format("1%015x", i);
            spans.add(span("step-" + i, SpanKind.SPAN_KIND_INTERNAL, id, parent).build());
            parent = id;
        }
        ExporterFixture fixture = fixtures.open(XraySpans.config().withDocuments(XrayConfig.Documents.NESTED,
                10_000));

        List<JsonNode> docs = fixture.export(flask(), spans.toArray(Span[]::new));

        assertEverySpanOnce(docs, spans);
        assertThat(docs).allSatisfy(d -> assertThat(depth(d)).isLessThanOrEqualTo(DatagramEncoder.MAX_DEPTH));
        assertThat(docs).hasSize(4);
    }

    @Test
    void aFailedDatagramCountsEverySpanInItAsSendFailed() {
        Span[] t = flaskTrace();
        Span other = span("GET /other", SpanKind.SPAN_KIND_SERVER, "5555555555555555", null)
                .setTraceId(id("0123456789abcdef0123456789abcdef")).build();
        ExporterFixture fixture = fixtures.open(XraySpans.config(), new CapturingSender(i -> i == 0),
                DatagramEncoder.MAX_DATAGRAM_BYTES);

        int dropped = fixture.exporter.export(XraySpans.batch(flask(), t[0], t[1], t[2], other));

        assertThat(dropped).isEqualTo(3);
        assertThat(fixture.metric("otlp_relay_xray_datagrams_total", "result", "failed")).isEqualTo(1);
        assertThat(fixture.metric("otlp_relay_xray_datagrams_total", "result", "sent")).isEqualTo(1);
        assertThat(fixture.metric("otlp_relay_dropped_spans_total", "exporter", "xray", "reason", "send_failed"))
                .isEqualTo(3);
        assertThat(XrayAccountingTest.placedSpans(fixture.metrics.scrape())).isEqualTo(1);
        assertThat(fixture.sender.flushes).as("one flush per batch").isEqualTo(1);
    }

    /**
     * {@code per_span} writes what the exporter wrote before nesting existed, byte for byte: the datagrams of a
     * fixed corpus (the load generator's Flask traces, 10 % failing, with three annotation settings) hash to what
     * the exporter of commit 2636774 produced for them. A change to FlaskTraces changes the corpus and so these
     * digests; record them again from that commit then.
     */
    @Test
    void perSpanIsTheOutputBeforeNestingByteForByte() throws NoSuchAlgorithmException {
        assertThat(digest(XraySpans.perSpan())).isEqualTo(
                "911 datagrams 822687 bytes 5e07c6a03e89ae583f8eefbf189318b8487a61ed8cf9d9cbada022f7d91b5662");
        assertThat(digest(XraySpans.config(List.of("app.result_length", "http.route"), false, true)
                .withDocuments(XrayConfig.Documents.PER_SPAN, 100))).isEqualTo(
                "911 datagrams 829023 bytes 5d0758f1ef117bbe1122306fcf37ef622744e08a9e945d13c298f2e73b84238f");
        assertThat(digest(XraySpans.config(List.of(), true, false).withDocuments(XrayConfig.Documents.PER_SPAN,
                100))).isEqualTo(
                "911 datagrams 798013 bytes bf7241ffafcc07badee583f1de8658b66d8cbea9901b65ec649d5d2bfaa57e55");
    }

    @Test
    void theSameCorpusNestedSendsEverySpanOnceInFarFewerDatagrams() {
        ExporterFixture fixture = fixtures.open(XraySpans.config());
        List<Span> all = new ArrayList<>();
        List<JsonNode> docs = new ArrayList<>();
        for (ExportTraceServiceRequest r : corpus()) {
            r.getResourceSpans(0).getScopeSpansList().forEach(ss -> all.addAll(ss.getSpansList()));
            docs.addAll(fixture.export(batch(r)));
        }

        assertEverySpanOnce(docs, all);
        assertThat((double) docs.size() / all.size()).as("datagrams per span").isLessThan(0.5);
    }

    private String digest(XrayConfig config) throws NoSuchAlgorithmException {
        ExporterFixture fixture = fixtures.open(config);
        for (ExportTraceServiceRequest r : corpus()) {
            fixture.exporter.export(batch(r));
        }
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        long bytes = 0;
        for (byte[] d : fixture.sender.datagrams) {
            sha.update(d);
            bytes += d.length;
        }
        return fixture.sender.datagrams.size() + " datagrams " + bytes + " bytes "
                + HexFormat.of().formatHex(sha.digest());
    }

    private static List<ExportTraceServiceRequest> corpus() {
        return FlaskTraces.requests(new FlaskTraces.Shape(300, 97, 0.1, 8, 42L), 1_763_888_400_000_000_000L);
    }

    // ---- helpers ------------------------------------------------------------------------------------------------

    private static ResourceSpans resourceSpans(Resource resource, Span... spans) {
        return ResourceSpans.newBuilder().setResource(resource)
                .addScopeSpans(ScopeSpans.newBuilder().addAllSpans(List.of(spans))).build();
    }

    private static TraceBatch batch(ExportTraceServiceRequest request) {
        int spans = 0;
        for (ResourceSpans rs : request.getResourceSpansList()) {
            for (ScopeSpans ss : rs.getScopeSpansList()) {
                spans += ss.getSpansCount();
            }
        }
        return new TraceBatch(request, spans, request.getSerializedSize(), new ClientContext("http", null, null), 0);
    }

    private static JsonNode only(List<JsonNode> docs) {
        assertThat(docs).hasSize(1);
        return docs.get(0);
    }

    private static JsonNode only(JsonNode array) {
        assertThat(array).as("subsegments").isNotNull().hasSize(1);
        return array.get(0);
    }

    private static JsonNode without(JsonNode doc, String... fields) {
        ObjectNode copy = doc.deepCopy();
        copy.remove(List.of(fields));
        return copy;
    }

    /** Every head of a datagram by its span id. */
    private static Map<String, JsonNode> byId(List<JsonNode> docs) {
        Map<String, JsonNode> byId = new HashMap<>();
        for (JsonNode d : docs) {
            byId.put(d.get("id").asText(), d);
        }
        return byId;
    }

    /** Subsegments nested anywhere under {@code doc}. */
    private static int nested(JsonNode doc) {
        int n = 0;
        for (JsonNode sub : doc.path("subsegments")) {
            n += 1 + nested(sub);
        }
        return n;
    }

    /** Levels of subsegments nested in one another under {@code doc}. */
    private static int depth(JsonNode doc) {
        int d = 0;
        for (JsonNode sub : doc.path("subsegments")) {
            d = Math.max(d, 1 + depth(sub));
        }
        return d;
    }

    private static void collectIds(JsonNode doc, List<String> ids) {
        ids.add(doc.get("id").asText());
        for (JsonNode sub : doc.path("subsegments")) {
            collectIds(sub, ids);
        }
    }

    /** Each span sent exactly once, nested under its own parent or naming it. */
    private static void assertEverySpanOnce(List<JsonNode> docs, List<Span> spans) {
        List<String> ids = new ArrayList<>();
        docs.forEach(d -> collectIds(d, ids));
        List<String> expected = new ArrayList<>();
        for (Span s : spans) {
            expected.add(HexFormat.of().formatHex(s.getSpanId().toByteArray()));
        }
        assertThat(ids).containsExactlyInAnyOrderElementsOf(expected);
        Map<String, String> parents = new HashMap<>();
        for (Span s : spans) {
            parents.put(HexFormat.of().formatHex(s.getSpanId().toByteArray()),
                    s.getParentSpanId().isEmpty() ? null : HexFormat.of().formatHex(s.getParentSpanId().toByteArray()));
        }
        for (JsonNode d : docs) {
            assertNestedUnderOwnParents(d, parents);
            if (d.has("parent_id")) {
                assertThat(d.get("parent_id").asText()).isEqualTo(parents.get(d.get("id").asText()));
            }
        }
    }

    private static void assertNestedUnderOwnParents(JsonNode doc, Map<String, String> parents) {
        for (JsonNode sub : doc.path("subsegments")) {
            assertThat(parents.get(sub.get("id").asText())).as("parent of %s", sub.get("id"))
                    .isEqualTo(doc.get("id").asText());
            assertNestedUnderOwnParents(sub, parents);
        }
    }
}
