package dev.otlprelay.sample.xrayrules;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.otlprelay.sample.Route;
import dev.otlprelay.sample.SamplingExplainer;
import dev.otlprelay.sample.SamplingStage;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code /debug/sampling} shows of a running sampling stage: the rule sources, each destination's rules and
 * whether it shares the main ones, the stage's counters; and, for {@code /debug/sampling/explain}, how a request's
 * traces would be decided by each destination's sampler: as plain maps and lists, and as the JSON text the admin
 * endpoint serves. The OTLP/JSON decoder is handed in, so that sampling does not depend on the receiver.
 */
public final class SamplingReport {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** Decodes the body of an explain request: an OTLP/JSON {@code ExportTraceServiceRequest}. */
    @FunctionalInterface
    public interface RequestDecoder {
        ExportTraceServiceRequest decode(byte[] otlpJson) throws Exception;
    }

    /** An HTTP status and the JSON text to answer with. */
    public record JsonAnswer(int status, String json) {
    }

    private final DestinationSamplers samplers;
    private final SamplingStage stage;

    public SamplingReport(DestinationSamplers samplers, SamplingStage stage) {
        this.samplers = samplers;
        this.stage = stage;
    }

    public Map<String, Object> describe() {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("active", true);
        view.put("sources", samplers.sources());
        Map<String, Object> destinations = new LinkedHashMap<>();
        for (Route route : stage.routes()) {
            destinations.put(route.name(), Map.of("shares_main_rules", route.sampler() == samplers.main(),
                    "rules", route.sampler().describe()));
        }
        view.put("destinations", destinations);
        view.put("stats", stage.stats());
        return view;
    }

    public List<Map<String, Object>> explain(ExportTraceServiceRequest request) {
        List<SamplingExplainer.Target> targets = new ArrayList<>();
        for (Route route : stage.routes()) {
            targets.add(new SamplingExplainer.Target(route.name(), samplers.forDestination(route.name())));
        }
        return SamplingExplainer.explain(request, targets);
    }

    /** {@code GET /debug/sampling}: {@link #describe()} as indented JSON. */
    public String describeJson() {
        return write(describe());
    }

    /**
     * {@code POST /debug/sampling/explain}: 200 and {@link #explain} as JSON, or 400 saying what was expected when
     * the body does not decode.
     */
    public JsonAnswer explainJson(byte[] otlpJson, RequestDecoder decoder) {
        ExportTraceServiceRequest request;
        try {
            request = decoder.decode(otlpJson);
        } catch (Exception e) {
            return new JsonAnswer(400, write(Map.of("error", String.valueOf(e.getMessage()),
                    "expected", "an OTLP/JSON ExportTraceServiceRequest, as sent to /v1/traces")));
        }
        return new JsonAnswer(200, write(Map.of("traces", explain(request))));
    }

    private static String write(Object value) {
        try {
            return JSON.writeValueAsString(value) + "\n";
        } catch (JsonProcessingException e) {
            return "{\"error\":\"" + e.getOriginalMessage().replace("\"", "'") + "\"}\n";
        }
    }
}
