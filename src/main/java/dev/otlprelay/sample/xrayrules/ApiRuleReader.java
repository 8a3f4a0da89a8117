package dev.otlprelay.sample.xrayrules;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One rule in the X-Ray API's form ({@code RuleName}, {@code Priority}, ...), with the API's constraints: every
 * field required, Priority 1–9999, FixedRate 0–1, ReservoirSize ≥ 0, Version 1, at most 5 Attributes, the API's
 * lengths. The rule named {@code Default} is the default rule, as in X-Ray: it needs only FixedRate and
 * ReservoirSize, and whatever else it gives must say "any" ({@code *}, no attributes, priority 10000), because it
 * is what applies when no other rule matches.
 */
final class ApiRuleReader {
    private static final int MAX_ATTRIBUTES = 5;
    private static final int MAX_ATTRIBUTE_LENGTH = 32;
    private static final int MAX_NAME_LENGTH = 32;

    /** The glob fields and their API length limits, in the API's order. */
    private static final Map<String, Integer> GLOBS = globs();

    /** RuleARN identifies the rule in an account; SamplingRateBoost is X-Ray's adaptive sampling: both ignored. */
    static final List<String> FIELDS = List.of("RuleName", "RuleARN", "ResourceARN", "Priority", "FixedRate",
            "ReservoirSize", "ServiceName", "ServiceType", "Host", "HTTPMethod", "URLPath", "Version", "Attributes",
            "SamplingRateBoost");

    private ApiRuleReader() {
    }

    private static Map<String, Integer> globs() {
        Map<String, Integer> m = new LinkedHashMap<>();
        m.put("ResourceARN", 500);
        m.put("ServiceName", 64);
        m.put("ServiceType", 64);
        m.put("Host", 64);
        m.put("HTTPMethod", 10);
        m.put("URLPath", 128);
        return m;
    }

    /**
     * Reads one rule object.
     *
     * @param location where it is in the file, for problems before its name is known ({@code SamplingRule},
     *                 {@code SamplingRuleRecords[2].SamplingRule})
     * @return the rule, or null when it has problems (recorded)
     */
    static SamplingRule read(JsonNode node, String location, RuleProblems problems) {
        if (!node.isObject()) {
            problems.add(location, "SamplingRule", node.toString(), "an object");
            return null;
        }
        int before = problems.size();
        RuleFields f = new RuleFields(node, location, problems);
        String name = f.string("RuleName", MAX_NAME_LENGTH, "1 to " + MAX_NAME_LENGTH + " characters");
        if (name != null) {
            f.where("rule \"" + name + "\"");
        }
        f.rejectUnknown(FIELDS);
        if (f.has("RuleARN") && !f.get("RuleARN").isTextual()) {
            f.problem("RuleARN", f.get("RuleARN"), "a string");
        }
        return SamplingRule.DEFAULT_NAME.equals(name) ? readDefault(f, problems, before) : readRule(f, name, problems,
                before);
    }

    private static SamplingRule readRule(RuleFields f, String name, RuleProblems problems, int before) {
        Integer priority = f.integer("Priority", 1, 9999, "1 to 9999");
        Double fixedRate = f.number("FixedRate", 0, 1, "0 to 1");
        Integer reservoir = f.integer("ReservoirSize", 0, Integer.MAX_VALUE, ">= 0");
        Map<String, String> globs = new LinkedHashMap<>();
        GLOBS.forEach((field, max) ->
                globs.put(field, f.string(field, max, "a glob, up to " + max + " characters (\"*\" for any)")));
        f.integer("Version", 1, 1, "1");
        Map<String, String> attributes = attributes(f);
        if (problems.size() > before) {
            return null;
        }
        return new SamplingRule(name, priority, fixedRate, reservoir, globs.get("ServiceName"),
                globs.get("ServiceType"), globs.get("Host"), globs.get("HTTPMethod"), globs.get("URLPath"),
                globs.get("ResourceARN"), attributes, null);
    }

    private static SamplingRule readDefault(RuleFields f, RuleProblems problems, int before) {
        Double fixedRate = f.number("FixedRate", 0, 1, "0 to 1");
        Integer reservoir = f.integer("ReservoirSize", 0, Integer.MAX_VALUE, ">= 0");
        if (f.has("Priority")) {
            f.integer("Priority", SamplingRule.DEFAULT_PRIORITY, SamplingRule.DEFAULT_PRIORITY,
                    SamplingRule.DEFAULT_PRIORITY + ": the default rule is always last");
        }
        for (String field : GLOBS.keySet()) {
            JsonNode v = f.get(field);
            if (v != null && !v.isNull() && !(v.isTextual() && v.asText().equals("*"))) {
                f.problem(field, v, "\"*\": the default rule matches every trace");
            }
        }
        if (f.has("Version")) {
            f.integer("Version", 1, 1, "1");
        }
        JsonNode attributes = f.get("Attributes");
        if (attributes != null && !attributes.isNull() && !(attributes.isObject() && attributes.isEmpty())) {
            f.problem("Attributes", attributes, "{}: the default rule matches every trace");
        }
        if (problems.size() > before) {
            return null;
        }
        return SamplingRule.defaultRule(fixedRate, reservoir, null);
    }

    /** Optional; at most 5 entries of non-empty keys and string globs, each at most 32 characters. */
    private static Map<String, String> attributes(RuleFields f) {
        Map<String, String> out = new LinkedHashMap<>();
        if (!f.has("Attributes")) {
            return out;
        }
        JsonNode node = f.get("Attributes");
        if (!node.isObject()) {
            f.problem("Attributes", node, "an object of attribute name to glob");
            return out;
        }
        if (node.size() > MAX_ATTRIBUTES) {
            f.problem("Attributes", node.size() + " entries", "at most " + MAX_ATTRIBUTES);
        }
        node.properties().forEach(e -> {
            String key = e.getKey();
            JsonNode v = e.getValue();
            if (key.isEmpty() || key.length() > MAX_ATTRIBUTE_LENGTH) {
                f.problem("Attributes", "\"" + key + "\"", "names of 1 to " + MAX_ATTRIBUTE_LENGTH + " characters");
            } else if (!v.isTextual() || v.asText().isEmpty() || v.asText().length() > MAX_ATTRIBUTE_LENGTH) {
                f.problem("Attributes." + key, v, "a glob of 1 to " + MAX_ATTRIBUTE_LENGTH + " characters");
            } else {
                out.put(key, v.asText());
            }
        });
        return out;
    }
}
