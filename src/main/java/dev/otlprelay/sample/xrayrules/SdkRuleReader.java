package dev.otlprelay.sample.xrayrules;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The X-Ray SDK's local rules file ({@code version}, {@code rules}, {@code default}), with the SDKs' validation
 * (aws-xray-sdk-java / -python LocalizedSamplingStrategy): version 1 or 2; a default rule is required and may set
 * only {@code fixed_target} and {@code rate}; every other rule needs {@code url_path}, {@code host} and
 * {@code http_method}; {@code fixed_target} and {@code rate} are required and not negative (rate at most 1).
 * Version 1 names the host pattern {@code service_name}, and the SDKs match it against the request's host, so it
 * becomes the rule's Host here too. The SDK applies rules in file order: a rule's priority is its position.
 */
final class SdkRuleReader {
    private static final String FILE = "rules file";
    private static final List<String> TOP = List.of("version", "rules", "default");
    private static final List<String> DEFAULT_FIELDS = List.of("fixed_target", "rate", "description");

    private SdkRuleReader() {
    }

    /** The rules in file order, then the default; empty when there are problems (recorded). */
    static List<SamplingRule> read(JsonNode root, RuleProblems problems) {
        int before = problems.size();
        RuleFields top = new RuleFields(root, FILE, problems);
        top.rejectUnknown(TOP);
        Integer version = top.integer("version", 1, 2, "1 or 2");
        String hostKey = version != null && version == 1 ? "service_name" : "host";
        List<SamplingRule> rules = new ArrayList<>();
        JsonNode list = root.get("rules");
        if (list != null && !list.isNull()) {
            if (!list.isArray()) {
                top.problem("rules", list, "a list of rules");
            } else {
                for (int i = 0; i < list.size(); i++) {
                    SamplingRule r = readRule(list.get(i), i, version == null ? 2 : version, hostKey, problems);
                    if (r != null) {
                        rules.add(r);
                    }
                }
            }
        }
        SamplingRule defaultRule = readDefault(root.get("default"), problems);
        if (defaultRule != null) {
            rules.add(defaultRule);
        }
        return problems.size() > before ? List.of() : rules;
    }

    private static SamplingRule readRule(JsonNode node, int index, int version, String hostKey,
                                         RuleProblems problems) {
        String where = "rules[" + index + "]";
        if (!node.isObject()) {
            problems.add(where, "rule", node.toString(), "an object");
            return null;
        }
        int before = problems.size();
        RuleFields f = new RuleFields(node, where, problems);
        String otherHostKey = version == 1 ? "host" : "service_name";
        if (node.has(otherHostKey)) {
            problems.add(where + ": " + otherHostKey + ": unknown in version " + version + " (did you mean "
                    + hostKey + "?)");
        }
        f.rejectUnknown(List.of("description", hostKey, "http_method", "url_path", "fixed_target", "rate",
                otherHostKey));
        String required = "a glob; every rule but the default needs url_path, " + hostKey + " and http_method";
        String host = f.string(hostKey, 0, required);
        String method = f.string("http_method", 0, required);
        String path = f.string("url_path", 0, required);
        Integer fixedTarget = f.integer("fixed_target", 0, Integer.MAX_VALUE, ">= 0");
        Double rate = f.number("rate", 0, 1, "0 to 1");
        String description = description(f);
        if (problems.size() > before) {
            return null;
        }
        return new SamplingRule(where, index + 1, rate, fixedTarget, "*", "*", host, method, path, "*", Map.of(),
                description);
    }

    private static SamplingRule readDefault(JsonNode node, RuleProblems problems) {
        if (node == null || node.isNull() || !node.isObject()) {
            problems.add(FILE, "default", node == null || node.isNull() ? "missing" : node.toString(),
                    "an object with fixed_target and rate");
            return null;
        }
        int before = problems.size();
        RuleFields f = new RuleFields(node, "default", problems);
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            if (!DEFAULT_FIELDS.contains(e.getKey())) {
                f.problem(e.getKey(), e.getValue(), "only fixed_target and rate in the default rule");
            }
        }
        Integer fixedTarget = f.integer("fixed_target", 0, Integer.MAX_VALUE, ">= 0");
        Double rate = f.number("rate", 0, 1, "0 to 1");
        String description = description(f);
        if (problems.size() > before) {
            return null;
        }
        return SamplingRule.defaultRule(rate, fixedTarget, description);
    }

    private static String description(RuleFields f) {
        if (!f.has("description")) {
            return null;
        }
        JsonNode d = f.get("description");
        if (!d.isTextual()) {
            f.problem("description", d, "a string");
            return null;
        }
        return d.asText();
    }
}
