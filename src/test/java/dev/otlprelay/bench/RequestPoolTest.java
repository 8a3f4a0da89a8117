package dev.otlprelay.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.otlprelay.receive.OtlpJson;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Requests encoded once and sent round after round, each round with fresh trace ids. */
class RequestPoolTest {
    private static final List<ExportTraceServiceRequest> REQUESTS = FlaskTraces.requests(
            new FlaskTraces.Shape(300, 128, 0.05, 32, 3), 1_763_888_400_000_000_000L);

    private static List<Span> decode(byte[] body) throws Exception {
        return spans(ExportTraceServiceRequest.parseFrom(body));
    }

    private static List<Span> decodeJson(byte[] body) throws Exception {
        return spans(OtlpJson.merge(body, 0, body.length, ExportTraceServiceRequest.newBuilder()).build());
    }

    private static List<Span> spans(ExportTraceServiceRequest r) {
        List<Span> out = new ArrayList<>();
        for (ResourceSpans rs : r.getResourceSpansList()) {
            for (ScopeSpans ss : rs.getScopeSpansList()) {
                out.addAll(ss.getSpansList());
            }
        }
        return out;
    }

    /** Every span of every request of {@code round}, decoded. */
    private static List<Span> round(RequestPool pool, int round, boolean json) throws Exception {
        List<Span> out = new ArrayList<>();
        for (int i = 0; i < pool.size(); i++) {
            byte[] body = pool.body((long) round * pool.size() + i);
            out.addAll(json ? decodeJson(body) : decode(body));
        }
        return out;
    }

    private static void assertFreshIdsPerRound(RequestPool pool, boolean json) throws Exception {
        List<Span> first = round(pool, 0, json);
        List<Span> second = round(pool, 1, json);
        List<Span> third = round(pool, 2, json);
        assertThat(second).hasSameSizeAs(first);
        Set<ByteString> firstIds = new HashSet<>();
        first.forEach(s -> firstIds.add(s.getTraceId()));
        Map<ByteString, ByteString> renamed = new HashMap<>();
        for (int i = 0; i < first.size(); i++) {
            Span a = first.get(i);
            Span b = second.get(i);
            assertThat(b.getTraceId()).isNotIn(firstIds);
            assertThat(b.getTraceId().substring(0, 4)).as("X-Ray timestamp kept").isEqualTo(a.getTraceId()
                    .substring(0, 4));
            // One trace keeps one id within the round: the same old id always maps to the same new one.
            assertThat(renamed.computeIfAbsent(a.getTraceId(), k -> b.getTraceId())).isEqualTo(b.getTraceId());
            assertThat(b.toBuilder().setTraceId(a.getTraceId()).build()).isEqualTo(a);
            assertThat(third.get(i).getTraceId()).isNotEqualTo(b.getTraceId()).isNotEqualTo(a.getTraceId());
        }
    }

    @Test
    void everyRoundSendsTheSameSpansUnderFreshTraceIds() throws Exception {
        RequestPool pool = RequestPool.of(REQUESTS, RequestPool.Encoding.PROTOBUF);
        assertThat(decode(pool.body(0))).isEqualTo(spans(REQUESTS.get(0)));
        assertFreshIdsPerRound(pool, false);
    }

    @Test
    void jsonBodiesAreOtlpJsonOfTheSameSpansAndGetFreshIdsToo() throws Exception {
        RequestPool pool = RequestPool.of(REQUESTS, RequestPool.Encoding.JSON);
        for (int i = 0; i < pool.size(); i++) {
            assertThat(decodeJson(pool.body(i))).isEqualTo(spans(REQUESTS.get(i)));
        }
        assertFreshIdsPerRound(pool, true);
    }

    @Test
    void theScheduleCountsTheSpansOfEveryEarlierRequest() {
        RequestPool pool = RequestPool.of(REQUESTS, RequestPool.Encoding.PROTOBUF);
        long perRound = REQUESTS.stream().mapToLong(r -> spans(r).size()).sum();
        assertThat(pool.spansBefore(0)).isZero();
        assertThat(pool.spansBefore(1)).isEqualTo(spans(REQUESTS.get(0)).size());
        assertThat(pool.spansBefore(pool.size())).isEqualTo(perRound);
        assertThat(pool.spansBefore(2L * pool.size() + 1)).isEqualTo(2 * perRound + spans(REQUESTS.get(0)).size());
        assertThat(pool.spans(pool.size())).isEqualTo(spans(REQUESTS.get(0)).size());
    }
}
