package dev.otlprelay.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The load generator's traces: shaped like a Flask backend's, exported as a BatchSpanProcessor would. */
class FlaskTracesTest {
    private static final long EPOCH = 1_763_888_400_000_000_000L;

    private static List<ExportTraceServiceRequest> build(int traces, int spansPerRequest, double errorShare) {
        return FlaskTraces.requests(new FlaskTraces.Shape(traces, spansPerRequest, errorShare, 32, 7), EPOCH);
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

    private static Map<ByteString, List<Span>> byTrace(List<ExportTraceServiceRequest> requests) {
        Map<ByteString, List<Span>> traces = new HashMap<>();
        for (ExportTraceServiceRequest r : requests) {
            for (Span s : spans(r)) {
                traces.computeIfAbsent(s.getTraceId(), k -> new ArrayList<>()).add(s);
            }
        }
        return traces;
    }

    @Test
    void spreadsTheSpansOfSomeTracesOverSeveralRequests() {
        List<ExportTraceServiceRequest> requests = build(2000, 512, 0.01);
        Map<ByteString, Set<Integer>> requestsOfTrace = new HashMap<>();
        for (int i = 0; i < requests.size(); i++) {
            for (Span s : spans(requests.get(i))) {
                requestsOfTrace.computeIfAbsent(s.getTraceId(), k -> new HashSet<>()).add(i);
            }
        }
        long spread = requestsOfTrace.values().stream().filter(r -> r.size() > 1).count();
        assertThat(requests).hasSizeGreaterThan(3);
        assertThat(spread).as("traces whose spans arrive in more than one request").isGreaterThan(requests.size());
    }

    @Test
    void everyTraceArrivesWholeWithOneServerRootAndValidIds() {
        Map<ByteString, List<Span>> traces = byTrace(build(1000, 100, 0.05));
        assertThat(traces).hasSize(1000);
        for (List<Span> trace : traces.values()) {
            Set<ByteString> ids = new HashSet<>();
            for (Span s : trace) {
                assertThat(s.getTraceId().size()).isEqualTo(16);
                assertThat(s.getTraceId()).isNotEqualTo(ByteString.copyFrom(new byte[16]));
                assertThat(s.getSpanId().size()).isEqualTo(8);
                assertThat(s.getSpanId()).isNotEqualTo(ByteString.copyFrom(new byte[8]));
                assertThat(s.getEndTimeUnixNano()).isGreaterThanOrEqualTo(s.getStartTimeUnixNano());
                ids.add(s.getSpanId());
            }
            assertThat(ids).as("span ids unique within the trace").hasSize(trace.size());
            List<Span> roots = trace.stream().filter(s -> s.getParentSpanId().isEmpty()).toList();
            assertThat(roots).hasSize(1);
            assertThat(roots.get(0).getKind()).isEqualTo(Span.SpanKind.SPAN_KIND_SERVER);
            assertThat(roots.get(0).getAttributesList()).anyMatch(kv -> kv.getKey().equals("http.route"));
            for (Span s : trace) {
                if (!s.getParentSpanId().isEmpty()) {
                    Span parent = trace.stream().filter(p -> p.getSpanId().equals(s.getParentSpanId())).findFirst()
                            .orElseThrow();
                    assertThat(s.getEndTimeUnixNano()).isLessThanOrEqualTo(parent.getEndTimeUnixNano());
                }
            }
        }
    }

    @Test
    void neverSendsAParentInAnEarlierRequestThanItsChildren() {
        // Within a request spans are grouped by scope, as the SDK's exporter does; the order that matters is
        // which request a span travels in.
        List<ExportTraceServiceRequest> requests = build(300, 64, 0);
        Map<ByteString, Integer> requestOf = new HashMap<>();
        for (int i = 0; i < requests.size(); i++) {
            for (Span s : spans(requests.get(i))) {
                requestOf.put(s.getSpanId(), i);
            }
        }
        long laterParents = 0;
        for (int i = 0; i < requests.size(); i++) {
            for (Span s : spans(requests.get(i))) {
                if (!s.getParentSpanId().isEmpty()) {
                    assertThat(requestOf.get(s.getParentSpanId())).as("request of the parent").isGreaterThanOrEqualTo(i);
                    laterParents += requestOf.get(s.getParentSpanId()) > i ? 1 : 0;
                }
            }
        }
        assertThat(laterParents).as("children that travel ahead of their parent").isPositive();
    }

    @Test
    void failsExactlyTheAskedShareOfTracesWithA500AndAnException() {
        Map<ByteString, List<Span>> traces = byTrace(build(2000, 512, 0.01));
        List<List<Span>> failed = traces.values().stream().filter(t -> t.stream().anyMatch(s -> s.getParentSpanId()
                .isEmpty() && s.getStatus().getCode() == Status.StatusCode.STATUS_CODE_ERROR)).toList();
        assertThat(failed).hasSize(20);
        for (List<Span> t : failed) {
            Span root = t.stream().filter(s -> s.getParentSpanId().isEmpty()).findFirst().orElseThrow();
            assertThat(root.getAttributesList()).anyMatch(kv -> kv.getKey().equals("http.status_code")
                    && kv.getValue().getIntValue() == 500);
            assertThat(t).anyMatch(s -> s.getEventsList().stream().anyMatch(e -> e.getName().equals("exception")));
        }
        assertThat(byTrace(build(500, 512, 0)).values()).noneMatch(t -> t.stream()
                .anyMatch(s -> s.getStatus().getCode() == Status.StatusCode.STATUS_CODE_ERROR));
    }

    @Test
    void cutsTheStreamIntoRequestsOfTheAskedSize() {
        List<ExportTraceServiceRequest> requests = build(1000, 256, 0.01);
        for (int i = 0; i < requests.size() - 1; i++) {
            assertThat(spans(requests.get(i))).hasSize(256);
        }
        assertThat(spans(requests.get(requests.size() - 1)).size()).isBetween(1, 256);
        assertThat(requests.get(0).getResourceSpans(0).getResource().getAttributesList())
                .anyMatch(kv -> kv.getKey().equals("service.name") && kv.getValue().getStringValue()
                        .equals("backend-flask"));
    }

    @Test
    void theSameSeedBuildsTheSameTraces() {
        assertThat(build(200, 50, 0.1)).isEqualTo(build(200, 50, 0.1));
    }
}
