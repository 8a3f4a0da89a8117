package dev.otlprelay.sample.xrayrules;

import dev.otlprelay.sample.MatchValues;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The rules of one file, compiled and in matching order: ascending priority, ties by name, the default rule last
 * (the file's own, else X-Ray's built-in one). Immutable; a reload builds a new one.
 */
public final class RuleSet {
    private static final Comparator<SamplingRule> ORDER =
            Comparator.comparingInt(SamplingRule::priority).thenComparing(SamplingRule::name);

    private final List<CompiledRule> compiled;
    private final Set<String> attributeKeys;
    private final String source;

    private RuleSet(List<CompiledRule> compiled, Set<String> attributeKeys, String source) {
        this.compiled = compiled;
        this.attributeKeys = attributeKeys;
        this.source = source;
    }

    /**
     * Orders and compiles rules that are already valid (see {@link XrayRules} for loading a file).
     *
     * @param rules  at most one of them named {@code Default}
     * @param source where they came from (a file path), for messages and {@code /debug/sampling}
     */
    public static RuleSet of(List<SamplingRule> rules, String source) {
        List<SamplingRule> ordered = new ArrayList<>();
        SamplingRule defaultRule = null;
        for (SamplingRule r : rules) {
            if (r.isDefault()) {
                if (defaultRule != null) {
                    throw new IllegalArgumentException("rule \"Default\": RuleName: 2 rules with this name"
                            + " (expected: unique names)");
                }
                defaultRule = r;
            } else {
                ordered.add(r);
            }
        }
        ordered.sort(ORDER);
        ordered.add(defaultRule != null ? defaultRule : SamplingRule.builtInDefault());
        List<CompiledRule> compiled = ordered.stream().map(CompiledRule::new).toList();
        Set<String> keys = new LinkedHashSet<>();
        compiled.forEach(c -> keys.addAll(c.attributes().keySet()));
        return new RuleSet(compiled, Set.copyOf(keys), source);
    }

    /** The rules in matching order, the default last. */
    public List<SamplingRule> rules() {
        return compiled.stream().map(CompiledRule::rule).toList();
    }

    public String source() {
        return source;
    }

    /** The attribute keys some rule matches on: the only attributes a trace's values need. */
    public Set<String> attributeKeys() {
        return attributeKeys;
    }

    /** The name of the first rule matching these values (the default rule when no other does). */
    public String match(MatchValues values) {
        return compiled.get(indexOf(values)).name();
    }

    List<CompiledRule> compiled() {
        return compiled;
    }

    int indexOf(MatchValues values) {
        int last = compiled.size() - 1;
        for (int i = 0; i < last; i++) {
            if (compiled.get(i).matches(values)) {
                return i;
            }
        }
        return last;
    }
}
