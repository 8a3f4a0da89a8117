package dev.otlprelay.export.honeycomb;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.otlprelay.config.Secret;
import dev.otlprelay.config.SpoolConfig;
import dev.otlprelay.export.spool.Spool;
import dev.otlprelay.export.spool.SpoolListener;
import dev.otlprelay.pipeline.PassthroughBatch;
import dev.otlprelay.support.Otlp;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A request to Honeycomb as it is sent, encoded and halved for a 413. */
class OutboundTest {
    private static final Tenant TENANT = new Tenant(Secret.of("hcaik_01joutbound"), "ds");

    private static ResourceSpans resource(String service, List<List<String>> scopes) {
        ResourceSpans.Builder rs = Otlp.request(service).getResourceSpans(0).toBuilder().clearScopeSpans();
        int scope = 0;
        for (List<String> names : scopes) {
            ScopeSpans.Builder ss = ScopeSpans.newBuilder().setScope(InstrumentationScope.newBuilder()
                    .setName("scope-" + scope++));
            for (String name : names) {
                ss.addSpans(Otlp.span(name, "0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331"));
            }
            rs.addScopeSpans(ss);
        }
        return rs.build();
    }

    private static Outbound traces(ResourceSpans... pieces) {
        return traces(null, pieces);
    }

    private static Outbound traces(SpoolRef ref, ResourceSpans... pieces) {
        List<ByteString> encoded = new ArrayList<>();
        List<SpoolRef> refs = new ArrayList<>();
        int spans = 0;
        for (ResourceSpans rs : pieces) {
            encoded.add(rs.toByteString());
            refs.add(ref);
            spans += rs.getScopeSpansList().stream().mapToInt(ScopeSpans::getSpansCount).sum();
        }
        return Outbound.traces(TENANT, encoded, refs, spans, bytes(pieces), 42);
    }

    /** The bytes pieces hold, counted here rather than by the code under test. */
    private static long bytes(ResourceSpans... pieces) {
        long n = 0;
        for (ResourceSpans rs : pieces) {
            n += rs.getSerializedSize();
        }
        return n;
    }

    /** What the request sends: service, scope and span name of every span, in order. */
    private static List<String> sent(Outbound o) throws Exception {
        List<String> out = new ArrayList<>();
        for (ResourceSpans rs : ExportTraceServiceRequest.parseFrom(o.body(false)).getResourceSpansList()) {
            String service = rs.getResource().getAttributes(0).getValue().getStringValue();
            for (ScopeSpans ss : rs.getScopeSpansList()) {
                for (Span span : ss.getSpansList()) {
                    out.add(service + "/" + ss.getScope().getName() + "/" + span.getName());
                }
            }
        }
        return out;
    }

    @Test
    void aTraceBatchIsHalvedBySpansKeepingEachSpansResourceAndScope() throws Exception {
        Outbound whole = traces(resource("a", List.of(List.of("a1", "a2"), List.of("a3"))),
                resource("b", List.of(List.of("b1", "b2"))));
        whole.firstAttemptNanos = 7;

        List<Outbound> halves = whole.halves();

        ResourceSpans firstA = ResourceSpans.parseFrom(halves.get(0).resourceSpans.get(0));
        assertThat(halves.get(0).resourceSpans).as("no empty ResourceSpans").hasSize(1);
        assertThat(firstA.getScopeSpansCount()).as("no empty scope").isEqualTo(1);
        assertThat(halves.get(1).resourceSpans).hasSize(2);
        assertThat(ResourceSpans.parseFrom(halves.get(1).resourceSpans.get(0)).getScopeSpansCount()).isEqualTo(1);
        assertThat(halves.get(0).bytes).isEqualTo(firstA.getSerializedSize());

        assertThat(halves).hasSize(2);
        assertThat(sent(halves.get(0))).containsExactly("a/scope-0/a1", "a/scope-0/a2");
        assertThat(sent(halves.get(1))).containsExactly("a/scope-1/a3", "b/scope-0/b1", "b/scope-0/b2");
        assertThat(halves).extracting(o -> o.spanCount).containsExactly(2, 3);
        assertThat(halves.get(0).bytes + halves.get(1).bytes).isEqualTo(whole.bytes);
        for (Outbound half : halves) {
            assertThat(half.tenant).isEqualTo(TENANT);
            assertThat(half.path).isEqualTo("/v1/traces");
            assertThat(half.firstEnqueuedNanos).isEqualTo(42);
            assertThat(half.firstAttemptNanos).as("retries keep counting from the first attempt").isEqualTo(7);
        }
    }

    @Test
    void anOddBatchGivesTheSmallerHalfFirstAndSplitsInsideAScope() throws Exception {
        List<Outbound> halves = traces(resource("a", List.of(List.of("a1", "a2", "a3")))).halves();

        assertThat(sent(halves.get(0))).containsExactly("a/scope-0/a1");
        assertThat(sent(halves.get(1))).containsExactly("a/scope-0/a2", "a/scope-0/a3");
        assertThat(halves.get(0).resourceSpans).hasSize(1);
        assertThat(halves.get(1).resourceSpans).hasSize(1);
    }

    @Test
    void sizeIsTheSumOfThePiecesBytes() {
        ResourceSpans a = resource("a", List.of(List.of("a1")));
        ResourceSpans b = resource("b", List.of(List.of("b1", "b2")));
        assertThat(Outbound.size(List.of(a.toByteString(), b.toByteString()))).isEqualTo(bytes(a, b));
        assertThat(Outbound.size(List.of())).isZero();
    }

    @Test
    void aSingleSpanCannotBeHalved() {
        assertThat(traces(resource("a", List.of(List.of("only")))).halves()).isNull();
    }

    @Test
    void theBodyIsEncodedOnceAndGzippedOnlyWhenAsked() throws Exception {
        Outbound o = traces(resource("a", List.of(List.of("a1", "a2"))));
        byte[] plain = o.body(false);
        assertThat(plain).isEqualTo(EncodedResourceSpans.request(o.resourceSpans));
        assertThat(o.body(false)).as("reused by a retry").isSameAs(plain);

        byte[] gzipped = o.body(true);
        assertThat(gzipped).isNotEqualTo(plain);
        assertThat(new GZIPInputStream(new ByteArrayInputStream(gzipped)).readAllBytes()).isEqualTo(plain);
        assertThat(o.body(true)).isSameAs(gzipped);
        assertThat(o.body(false)).isEqualTo(plain);
    }

    @Test
    void aForwardedBodyIsSentAsReceived() {
        byte[] body = Otlp.logs(3).toByteArray();
        Outbound o = Outbound.passthrough(TENANT, PassthroughBatch.Signal.LOGS, "application/x-protobuf", body, 3,
                null, 9);
        assertThat(o.isTraces()).isFalse();
        assertThat(o.path).isEqualTo("/v1/logs");
        assertThat(o.bytes).isEqualTo(body.length);
        assertThat(o.spanCount).isZero();
        assertThat(o.body(false)).isSameAs(body);
    }

    @Test
    void aProtobufMetricsBodyIsHalvedByDataPointsHoldingWhatTheWholeHeld() throws Exception {
        byte[] body = Otlp.metrics(3, 4).toByteArray();
        Outbound whole = Outbound.passthrough(TENANT, PassthroughBatch.Signal.METRICS, "application/x-protobuf",
                body, 7, null, 9);
        whole.firstAttemptNanos = 11;

        List<Outbound> halves = whole.halves();

        assertThat(halves).extracting(o -> o.items).containsExactly(3, 4);
        assertThat(halves.get(0).bytes).isEqualTo(halves.get(0).rawBody.length);
        assertThat(halves.get(0).bytes + halves.get(1).bytes).isEqualTo(whole.bytes);
        assertThat(PassthroughBatch.dataPoints(ExportMetricsServiceRequest.parseFrom(halves.get(1).rawBody)))
                .isEqualTo(4);
        for (Outbound half : halves) {
            assertThat(half.path).isEqualTo("/v1/metrics");
            assertThat(half.signal).isEqualTo(PassthroughBatch.Signal.METRICS);
            assertThat(half.contentType).isEqualTo("application/x-protobuf");
            assertThat(half.firstEnqueuedNanos).isEqualTo(9);
            assertThat(half.firstAttemptNanos).isEqualTo(11);
        }
    }

    @Test
    void aJsonBodyOrASingleItemIsNotHalved() {
        byte[] json = "{\"resourceLogs\":[]}".getBytes();
        assertThat(Outbound.passthrough(TENANT, PassthroughBatch.Signal.LOGS, "application/json", json, 5, null, 0)
                .halves()).isNull();
        assertThat(Outbound.passthrough(TENANT, PassthroughBatch.Signal.LOGS, "application/x-protobuf",
                Otlp.logs(1).toByteArray(), 1, null, 0).halves()).isNull();
        assertThat(Outbound.passthrough(TENANT, PassthroughBatch.Signal.LOGS, "application/x-protobuf",
                Otlp.logs(2).toByteArray(), 2, null, 0).halves()).extracting(o -> o.items).containsExactly(1, 1);
    }

    // ---- spool records: acknowledged once every piece is settled ---------------------------------------------

    private static Spool spool(Path dir) throws Exception {
        return Spool.open(new SpoolConfig(dir, SpoolConfig.Fsync.NEVER, Duration.ofMillis(10), 64L << 20, 1L << 20),
                new SpoolListener() {
                });
    }

    @Test
    void aRecordSplitAcrossBothHalvesIsAcknowledgedOnlyWhenBothAreSettled(@TempDir Path dir) throws Exception {
        try (Spool spool = spool(dir)) {
            long id = spool.append(new byte[] {1, 2, 3}).get();
            SpoolRef ref = SpoolRef.stored(spool, id);
            Outbound whole = traces(ref, resource("a", List.of(List.of("a1", "a2"))));
            ref.retain(); // the batch's claim
            ref.release(); // the adder's, once every piece is handed out

            List<Outbound> halves = whole.halves();
            halves.get(0).releaseRefs();
            assertThat(spool.pendingRecords()).as("one half still unsettled").isEqualTo(1);
            halves.get(1).releaseRefs();
            assertThat(spool.pendingRecords()).isZero();
        }
    }

    @Test
    void aRecordWhollyInOneHalfIsAcknowledgedWithThatHalf(@TempDir Path dir) throws Exception {
        try (Spool spool = spool(dir)) {
            SpoolRef first = SpoolRef.stored(spool, spool.append(new byte[] {1}).get());
            SpoolRef second = SpoolRef.stored(spool, spool.append(new byte[] {2}).get());
            List<ByteString> pieces = List.of(resource("a", List.of(List.of("a1")))
                    .toByteString(), resource("b", List.of(List.of("b1"))).toByteString());
            Outbound whole = Outbound.traces(TENANT, pieces, Arrays.asList(first, second), 2, Outbound.size(pieces), 0);
            first.retain();
            second.retain();
            first.release();
            second.release();

            List<Outbound> halves = whole.halves();
            halves.get(0).releaseRefs();
            assertThat(spool.pendingRecords()).isEqualTo(1);
            halves.get(1).releaseRefs();
            assertThat(spool.pendingRecords()).isZero();
        }
    }

    @Test
    void aForwardedBodysRecordIsAcknowledgedOnlyWhenBothHalvesAreSettled(@TempDir Path dir) throws Exception {
        try (Spool spool = spool(dir)) {
            SpoolRef ref = SpoolRef.stored(spool, spool.append(new byte[] {1}).get());
            Outbound whole = Outbound.passthrough(TENANT, PassthroughBatch.Signal.LOGS, "application/x-protobuf",
                    Otlp.logs(4).toByteArray(), 4, ref, 0);

            List<Outbound> halves = whole.halves();
            halves.get(1).releaseRefs();
            assertThat(spool.pendingRecords()).isEqualTo(1);
            halves.get(0).releaseRefs();
            assertThat(spool.pendingRecords()).isZero();
        }
    }
}
