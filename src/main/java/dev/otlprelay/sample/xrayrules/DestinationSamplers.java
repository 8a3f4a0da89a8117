package dev.otlprelay.sample.xrayrules;

import dev.otlprelay.config.ConditionConfig;
import dev.otlprelay.config.ConfigException;
import dev.otlprelay.config.SamplingConfig;
import dev.otlprelay.sample.ChainSampler;
import dev.otlprelay.sample.ExplainingSampler;
import dev.otlprelay.sample.KeepEverySampler;
import dev.otlprelay.sample.ReloadingSampler;
import dev.otlprelay.sample.TraceConditions;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;

/**
 * The samplers the {@code sampling} section asks for, compiled once: the main one (conditions, then the X-Ray
 * rules file, or keep-all), used by Honeycomb and every other destination, and X-Ray's own when
 * {@code sampling.xray} is given (else X-Ray shares the main one, so both get the same decision). A rules file is
 * followed for changes ({@link #checkForChanges()}); a reload keeps each surviving rule's reservoir window.
 */
public final class DestinationSamplers {
    private static final String XRAY = "xray";
    private final ExplainingSampler main;
    private final ExplainingSampler xray;
    private final List<ReloadingSampler> reloading = new ArrayList<>();
    private final List<Map<String, Object>> sources = new ArrayList<>();

    /** @throws ConfigException listing every problem of every rules file and condition list */
    public DestinationSamplers(SamplingConfig config, MeterRegistry registry, LongSupplier nanoClock)
            throws ConfigException {
        List<String> problems = new ArrayList<>();
        main = compile("main", config.rulesFile(), config.conditions(), registry, nanoClock, problems);
        xray = config.xray() == null ? main : compile("xray", config.xray().rulesFile(), config.xray().conditions(),
                registry, nanoClock, problems);
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
    }

    private ExplainingSampler compile(String name, Path file, List<ConditionConfig> conditionConfigs,
                                      MeterRegistry registry, LongSupplier nanoClock, List<String> problems) {
        TraceConditions conditions;
        try {
            conditions = conditionConfigs.isEmpty() ? TraceConditions.none() : new TraceConditions(conditionConfigs);
        } catch (IllegalArgumentException e) {
            problems.add("sampling" + (name.equals("xray") ? ".xray" : "") + ".conditions: " + e.getMessage());
            return null;
        }
        sources.add(Map.of("samplers", name, "rules_file", file == null ? "" : file.toString(),
                "conditions", conditionConfigs.size()));
        if (file == null) {
            return new ChainSampler(conditions, new KeepEverySampler());
        }
        AtomicReference<XrayRulesSampler> rules = new AtomicReference<>();
        try {
            ReloadingSampler r = new ReloadingSampler(file, f -> {
                RuleSet set = XrayRules.load(f);
                XrayRulesSampler previous = rules.get();
                XrayRulesSampler next = previous == null ? new XrayRulesSampler(set, nanoClock)
                        : previous.withRules(set);
                rules.set(next);
                return new ChainSampler(conditions, next);
            }, registry);
            reloading.add(r);
            return r;
        } catch (RuleFileException e) {
            problems.addAll(e.getMessage().lines().toList());
        } catch (Exception e) {
            problems.add(file + ": " + e.getMessage());
        }
        return null;
    }

    /** Honeycomb's sampler, also used by every destination without rules of its own. */
    public ExplainingSampler main() {
        return main;
    }

    /** X-Ray's sampler: the main one unless {@code sampling.xray} gives its own rules. */
    public ExplainingSampler xray() {
        return xray;
    }

    /**
     * The sampler that decides a destination's traces: X-Ray's for the destination named {@code xray} (the X-Ray
     * exporter's name, as the {@code sampling.xray} section names it), the main one for every other. The one place
     * where samplers are matched to destinations.
     */
    public ExplainingSampler forDestination(String destination) {
        return destination.equals(XRAY) ? xray : main;
    }

    /** Compiles again each rules file whose content changed; a broken file is refused and counted. */
    public void checkForChanges() {
        reloading.forEach(ReloadingSampler::check);
    }

    /** Which files and how many conditions feed each sampler, for {@code /debug/sampling}. */
    public List<Map<String, Object>> sources() {
        return List.copyOf(sources);
    }
}
