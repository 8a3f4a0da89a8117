package dev.otlprelay.sample.xrayrules;

import dev.otlprelay.sample.Decision;
import dev.otlprelay.sample.ExplainingSampler;
import dev.otlprelay.sample.Explanation;
import dev.otlprelay.sample.MatchValues;
import dev.otlprelay.sample.TraceView;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Decides traces by X-Ray sampling rules. The first rule (in {@link RuleSet} order) whose patterns match the trace's
 * {@link MatchValues} decides: its reservoir keeps up to ReservoirSize traces in each whole second of the nano
 * clock (reason {@code reservoir}); beyond it, FixedRate keeps a trace iff the trace id's randomness passes the
 * rate's threshold (reason {@code fixed_rate}), so every replica makes the same rate decision for a trace.
 *
 * <h2>Weights</h2>
 * A kept trace's weight is how many matched traces it stands for, so that the weights of the kept traces add up
 * to an estimate of the traces the rule matched.
 * <ul>
 *   <li>A fixed-rate keep with probability p (the exact p of its threshold T) stands for 1/p traces. 1/p is rarely
 *       whole, so it is rounded up or down, up with probability frac(1/p), from bits of the trace id the decision
 *       does not use: the expected weight is exactly 1/p, and the decision stays probabilistic (threshold T, written
 *       to tracestate).</li>
 *   <li>A reservoir keep is not probabilistic (its threshold is -1). With FixedRate f &gt; 0 the traces beyond the
 *       reservoir are already represented by the fixed-rate keeps (weight 1/f each: n − r traces beyond a reservoir
 *       of r give f·(n − r) keeps worth n − r), so a reservoir trace stands only for itself: weight 1. With f = 0
 *       nothing beyond the reservoir is kept, so each reservoir trace stands for its rule's measured ratio of
 *       traces matched to traces kept. The current second is not finished when a trace is decided, so the ratio is
 *       that of the last complete second in which the rule kept a trace (1 before there is one), rounded like 1/p.
 *       Not 1/FixedRate: that would be infinite, and a reservoir is a cap, not a probability.</li>
 * </ul>
 *
 * <h2>Reloads</h2>
 * A changed rules file becomes a new sampler through {@link #withRules}, which carries each rule's reservoir
 * window and counters over to the new rule of the same name: the per-second cap holds across a reload and
 * {@code /debug/sampling} keeps counting. A rule that is new starts fresh; a rule that is gone is forgotten.
 * A sampler built with the constructor starts fresh.
 *
 * <p>Thread-safe; the counters are {@link java.util.concurrent.atomic.LongAdder}s and each rule's window is
 * guarded by its own lock.
 */
public final class XrayRulesSampler implements ExplainingSampler {
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private final RuleSet rules;
    private final LongSupplier nanoClock;
    private final List<RuleSampler> samplers;

    /** @param nanoClock monotonic nanoseconds ({@code System::nanoTime}); its whole seconds are the windows */
    public XrayRulesSampler(RuleSet rules, LongSupplier nanoClock) {
        this(rules, nanoClock, rules.compiled().stream().map(RuleSampler::new).toList());
    }

    private XrayRulesSampler(RuleSet rules, LongSupplier nanoClock, List<RuleSampler> samplers) {
        this.rules = rules;
        this.nanoClock = nanoClock;
        this.samplers = samplers;
    }

    /** A sampler for reloaded rules, carrying windows and counters over by rule name (see the class comment). */
    public XrayRulesSampler withRules(RuleSet next) {
        Map<String, RuleSampler> previous = new HashMap<>();
        samplers.forEach(s -> previous.put(s.rule().name(), s));
        List<RuleSampler> carried = new ArrayList<>();
        for (CompiledRule rule : next.compiled()) {
            RuleSampler old = previous.get(rule.name());
            carried.add(old != null ? old.carriedTo(rule) : new RuleSampler(rule));
        }
        return new XrayRulesSampler(next, nanoClock, List.copyOf(carried));
    }

    public RuleSet rules() {
        return rules;
    }

    @Override
    public Decision decide(TraceView trace) {
        RuleSampler sampler = samplers.get(rules.indexOf(MatchValues.of(trace, rules.attributeKeys())));
        return sampler.decide(trace.traceId(), second());
    }

    /** X-Ray's rules match on the root's and its resource's values; the rate reads the trace id. */
    @Override
    public boolean decidesOnRoot() {
        return true;
    }

    /** The matching rule, the values it matched on and what it would decide now; nothing is taken or counted. */
    @Override
    public Explanation explain(TraceView trace) {
        MatchValues values = MatchValues.of(trace, rules.attributeKeys());
        RuleSampler sampler = samplers.get(rules.indexOf(values));
        return new Explanation("rule", sampler.rule().name(), values, sampler.preview(trace.traceId(), second()));
    }

    /**
     * One row per rule in matching order: rule, priority, fixed_rate, reservoir_size, the patterns, threshold (the
     * fixed rate's {@code th} hex), matched, kept, dropped, reservoir_kept, measured_weight (the last complete
     * window's matched ÷ kept).
     */
    @Override
    public List<Map<String, Object>> describe() {
        return samplers.stream().map(RuleSampler::describe).toList();
    }

    private long second() {
        return Math.floorDiv(nanoClock.getAsLong(), NANOS_PER_SECOND);
    }
}
