package dev.otlprelay;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.otlprelay.admin.SamplingDebug;
import dev.otlprelay.receive.OtlpJson;
import dev.otlprelay.sample.SamplingExplainer;
import dev.otlprelay.sample.SamplingStage;
import dev.otlprelay.sample.xrayrules.DestinationSamplers;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The sampling stage as the admin endpoint shows it. Lives at the composition root because it joins three stages:
 * the admin server's view, the sampling stage's state and the receiver's OTLP/JSON decoder.
 */
final class SamplingView implements SamplingDebug {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final DestinationSamplers samplers;
    private final SamplingStage stage;

    SamplingView(DestinationSamplers samplers, SamplingStage stage) {
        this.samplers = samplers;
        this.stage = stage;
    }

    @Override
    public String describe() {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("active", true);
        view.put("sources", samplers.sources());
        Map<String, Object> destinations = new LinkedHashMap<>();
        for (var route : stage.routes()) {
            destinations.put(route.name(), Map.of("shares_main_rules", route.sampler() == samplers.main(),
                    "rules", route.sampler().describe()));
        }
        view.put("destinations", destinations);
        view.put("stats", stage.stats());
        return write(view);
    }

    @Override
    public Answer explain(byte[] otlpJson) {
        ExportTraceServiceRequest request;
        try {
            request = OtlpJson.merge(otlpJson, 0, otlpJson.length, ExportTraceServiceRequest.newBuilder()).build();
        } catch (Exception e) {
            return new Answer(400, write(Map.of("error", String.valueOf(e.getMessage()),
                    "expected", "an OTLP/JSON ExportTraceServiceRequest, as sent to /v1/traces")));
        }
        List<SamplingExplainer.Target> targets = new ArrayList<>();
        for (var route : stage.routes()) {
            targets.add(new SamplingExplainer.Target(route.name(), route.name().equals("xray") ? samplers.xray()
                    : samplers.main()));
        }
        return new Answer(200, write(Map.of("traces", SamplingExplainer.explain(request, targets))));
    }

    private static String write(Object value) {
        try {
            return JSON.writeValueAsString(value) + "\n";
        } catch (JsonProcessingException e) {
            return "{\"error\":\"" + e.getOriginalMessage().replace("\"", "'") + "\"}\n";
        }
    }
}
