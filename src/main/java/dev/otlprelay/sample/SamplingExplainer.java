package dev.otlprelay.sample;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Answers "how would this request's traces be sampled?" for {@code POST /debug/sampling/explain}: groups the
 * request's spans by trace, as the trace buffer would hold them, and asks each destination's sampler to explain
 * (no reservoir taken, nothing counted). The result is plain maps and lists, ready for JSON.
 */
public final class SamplingExplainer {
    /** A destination and the sampler that decides for it. */
    public record Target(String destination, ExplainingSampler sampler) {
    }

    private SamplingExplainer() {
    }

    public static List<Map<String, Object>> explain(ExportTraceServiceRequest request, List<Target> targets) {
        Map<ByteString, BufferedTrace> traces = new LinkedHashMap<>();
        for (ResourceSpans rs : request.getResourceSpansList()) {
            for (ScopeSpans ss : rs.getScopeSpansList()) {
                for (Span span : ss.getSpansList()) {
                    BufferedTrace t = traces.computeIfAbsent(span.getTraceId(),
                            id -> new BufferedTrace(TraceKey.of(id), id, 0, 0));
                    t.add(new SpanRef(rs.getResource(), ss.getScope(), rs.getSchemaUrl(), ss.getSchemaUrl(), span),
                            null, span.getSerializedSize());
                }
            }
        }
        List<Map<String, Object>> result = new ArrayList<>();
        for (BufferedTrace t : traces.values()) {
            Map<String, Object> trace = new LinkedHashMap<>();
            trace.put("trace_id", HexFormat.of().formatHex(t.traceId().toByteArray()));
            trace.put("spans", t.spans().size());
            trace.put("local_root", t.root() == null ? null : t.root().span().getName());
            Map<String, Object> byDestination = new LinkedHashMap<>();
            for (Target target : targets) {
                byDestination.put(target.destination(), describe(target.sampler().explain(t)));
            }
            trace.put("destinations", byDestination);
            result.add(trace);
        }
        return result;
    }

    private static Map<String, Object> describe(Explanation e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("matched", e.source());
        m.put("rule", e.name());
        if (e.values() != null) {
            MatchValues v = e.values();
            Map<String, Object> values = new LinkedHashMap<>();
            values.put("service_name", v.serviceName());
            values.put("service_type", v.serviceType());
            values.put("host", v.host());
            values.put("http_method", v.httpMethod());
            values.put("url_path", v.urlPath());
            values.put("resource_arn", v.resourceArn());
            values.put("attributes", v.attributes());
            m.put("values", values);
        }
        Decision d = e.decision();
        m.put("decision", d.keep() ? "keep" : "drop");
        m.put("weight", d.weight());
        m.put("reason", d.reason());
        if (d.probabilistic()) {
            m.put("threshold", "th:" + TraceRandomness.thresholdHex(d.threshold()));
        }
        return m;
    }
}
