package dev.otlprelay.sample.xrayrules;

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
 * traces would be decided by each destination's sampler. Plain maps and lists, ready for JSON; the admin endpoint
 * only encodes them.
 */
public final class SamplingReport {
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
}
