package dev.otlprelay.sample.xrayrules;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Loads a rules file ({@code RELAY_SAMPLING_RULES} / {@code sampling.rules_file}) into a compiled {@link RuleSet},
 * telling its form by its content:
 * <ul>
 *   <li>{@code {"SamplingRule": {...}}}: one rule as the X-Ray API and {@code aws xray create-sampling-rule}
 *       take it (also a bare rule object);</li>
 *   <li>{@code [{"SamplingRule": {...}}, ...]}: a list of those;</li>
 *   <li>{@code {"SamplingRuleRecords": [...]}}: the output of {@code aws xray get-sampling-rules};</li>
 *   <li>{@code {"version": 1|2, "rules": [...], "default": {...}}}: the X-Ray SDK's local rules file.</li>
 * </ul>
 * The whole file is checked and every problem reported at once ({@link RuleFileException}); rule names must be
 * unique. Without a default rule in the file, X-Ray's own applies: 1 trace a second, then 5 %.
 */
public final class XrayRules {
    private static final String EXPECTED_FORMS = "{\"SamplingRule\": {...}}, a list of them, the output of"
            + " aws xray get-sampling-rules, or an X-Ray SDK rules file with \"version\": 1 or 2";

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_JAVA_COMMENTS) // the SDKs read their rules files with comments allowed
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private XrayRules() {
    }

    /** @throws RuleFileException listing every problem, each line beginning with the file's path */
    public static RuleSet load(Path file) throws RuleFileException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new RuleFileException(file.toString(), List.of("cannot read the rules file: " + e));
        }
        return parse(text, file.toString());
    }

    /**
     * Parses rules given as text.
     *
     * @param source where the text came from, named in every problem
     */
    public static RuleSet parse(String json, String source) throws RuleFileException {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String where = at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
            throw new RuleFileException(source, List.of("not valid JSON" + where + ": " + e.getOriginalMessage()));
        }
        RuleProblems problems = new RuleProblems();
        List<SamplingRule> rules = read(root, problems);
        if (problems.isEmpty()) {
            duplicates(rules, problems);
        }
        if (!problems.isEmpty()) {
            throw new RuleFileException(source, problems.list());
        }
        return RuleSet.of(rules, source);
    }

    /** Only X-Ray's default rule: what samples when there is no rules file but X-Ray rules are wanted. */
    public static RuleSet defaults() {
        return RuleSet.of(List.of(), "built-in");
    }

    private static List<SamplingRule> read(JsonNode root, RuleProblems problems) {
        if (root == null || root.isMissingNode()) {
            problems.add("rules file: empty (expected: " + EXPECTED_FORMS + ")");
            return List.of();
        }
        if (root.isArray()) {
            return list(root, "", problems);
        }
        if (root.isObject()) {
            if (root.has("SamplingRuleRecords")) {
                JsonNode records = root.get("SamplingRuleRecords");
                if (!records.isArray()) {
                    problems.add("rules file", "SamplingRuleRecords", records.toString(), "a list");
                    return List.of();
                }
                return list(records, "SamplingRuleRecords", problems);
            }
            if (root.has("SamplingRule")) {
                return one(ApiRuleReader.read(root.get("SamplingRule"), "SamplingRule", problems));
            }
            if (root.has("version") || root.has("rules") || root.has("default")) {
                return SdkRuleReader.read(root, problems);
            }
            if (isBareRule(root)) {
                return one(ApiRuleReader.read(root, "rule", problems));
            }
        }
        problems.add("rules file: not a form of sampling rules (expected: " + EXPECTED_FORMS + ")");
        return List.of();
    }

    /** Elements {@code {"SamplingRule": {...}, ...}} (list form, get-sampling-rules records) or bare rules. */
    private static List<SamplingRule> list(JsonNode array, String prefix, RuleProblems problems) {
        List<SamplingRule> rules = new ArrayList<>();
        for (int i = 0; i < array.size(); i++) {
            JsonNode element = array.get(i);
            String location = prefix + "[" + i + "]";
            SamplingRule rule = null;
            if (element.isObject() && element.has("SamplingRule")) {
                rule = ApiRuleReader.read(element.get("SamplingRule"), location + ".SamplingRule", problems);
            } else if (element.isObject() && isBareRule(element)) {
                rule = ApiRuleReader.read(element, location, problems);
            } else {
                problems.add(location + ": not a rule (expected: an object with SamplingRule)");
            }
            if (rule != null) {
                rules.add(rule);
            }
        }
        return rules;
    }

    private static boolean isBareRule(JsonNode node) {
        return node.has("RuleName") || node.has("FixedRate");
    }

    private static List<SamplingRule> one(SamplingRule rule) {
        return rule == null ? List.of() : List.of(rule);
    }

    private static void duplicates(List<SamplingRule> rules, RuleProblems problems) {
        Map<String, Integer> counts = new HashMap<>();
        Set<String> repeated = new LinkedHashSet<>();
        for (SamplingRule r : rules) {
            if (counts.merge(r.name(), 1, Integer::sum) == 2) {
                repeated.add(r.name());
            }
        }
        for (String name : repeated) {
            problems.add("rule \"" + name + "\"", "RuleName", counts.get(name) + " rules with this name",
                    "unique names");
        }
    }
}
