package dev.otlprelay.sample.xrayrules;

import com.google.protobuf.ByteString;
import dev.otlprelay.sample.Decision;
import dev.otlprelay.sample.TraceRandomness;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * One rule deciding the traces it matched, X-Ray's way: the reservoir first, then the fixed rate from the trace
 * id's randomness. Holds the rule's window and counters, which a reload may carry over to a rule of the same name.
 * See {@link XrayRulesSampler} for the weights.
 */
final class RuleSampler {
    static final String RESERVOIR = "reservoir";
    static final String FIXED_RATE = "fixed_rate";

    private final CompiledRule rule;
    private final ReservoirWindow window;
    private final LongAdder matched;
    private final LongAdder kept;
    private final LongAdder dropped;
    private final LongAdder reservoirKept;

    RuleSampler(CompiledRule rule) {
        this(rule, new ReservoirWindow(), new LongAdder(), new LongAdder(), new LongAdder(), new LongAdder());
    }

    private RuleSampler(CompiledRule rule, ReservoirWindow window, LongAdder matched, LongAdder kept,
                        LongAdder dropped, LongAdder reservoirKept) {
        this.rule = rule;
        this.window = window;
        this.matched = matched;
        this.kept = kept;
        this.dropped = dropped;
        this.reservoirKept = reservoirKept;
    }

    /** The same window and counters for a reloaded version of the rule. */
    RuleSampler carriedTo(CompiledRule reloaded) {
        return new RuleSampler(reloaded, window, matched, kept, dropped, reservoirKept);
    }

    CompiledRule rule() {
        return rule;
    }

    /** Decides a matching trace arriving in second {@code now} and counts it. */
    Decision decide(ByteString traceId, long now) {
        matched.increment();
        boolean reservoir = window.take(now, rule.rule().reservoirSize());
        Decision d = decision(traceId, reservoir, window.measuredWeight());
        if (!d.keep()) {
            dropped.increment();
            return d;
        }
        kept.increment();
        if (reservoir) {
            reservoirKept.increment();
        } else {
            window.countKept(now);
        }
        return d;
    }

    /** What {@link #decide} would return now, changing nothing. */
    Decision preview(ByteString traceId, long now) {
        return decision(traceId, window.wouldTake(now, rule.rule().reservoirSize()), window.measuredWeightAt(now));
    }

    private Decision decision(ByteString traceId, boolean reservoir, double measuredWeight) {
        double fixedRate = rule.rule().fixedRate();
        if (reservoir) {
            long weight = fixedRate > 0 ? 1 : TraceRandomness.roundWeight(traceId, measuredWeight);
            return Decision.keep(weight, rule.name(), RESERVOIR);
        }
        long threshold = rule.threshold();
        if (threshold < TraceRandomness.NEVER && TraceRandomness.keeps(traceId, threshold)) {
            long weight = TraceRandomness.roundWeight(traceId, TraceRandomness.adjustedCount(threshold));
            return new Decision(true, weight, rule.name(), FIXED_RATE, threshold);
        }
        return Decision.drop(rule.name(), fixedRate > 0 ? FIXED_RATE : RESERVOIR);
    }

    Map<String, Object> describe() {
        SamplingRule r = rule.rule();
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("rule", r.name());
        row.put("kind", "rule");
        row.put("priority", r.priority());
        row.put("fixed_rate", r.fixedRate());
        row.put("reservoir_size", r.reservoirSize());
        row.put("service_name", r.serviceName());
        row.put("service_type", r.serviceType());
        row.put("host", r.host());
        row.put("http_method", r.httpMethod());
        row.put("url_path", r.urlPath());
        row.put("resource_arn", r.resourceArn());
        row.put("attributes", r.attributes());
        if (r.description() != null) {
            row.put("description", r.description());
        }
        long threshold = rule.threshold();
        row.put("threshold", threshold < TraceRandomness.NEVER ? TraceRandomness.thresholdHex(threshold) : null);
        row.put("matched", matched.sum());
        row.put("kept", kept.sum());
        row.put("dropped", dropped.sum());
        row.put("reservoir_kept", reservoirKept.sum());
        row.put("measured_weight", window.measuredWeight());
        return row;
    }
}
