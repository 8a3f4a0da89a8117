package dev.otlprelay.sample.xrayrules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RuleFileProblemsTest {

    private static RuleFileException refused(String json) {
        return catchThrowableOfType(RuleFileException.class, () -> XrayRules.parse(json, "/etc/relay/rules.json"));
    }

    private static String rule(String fields) {
        return "{\"SamplingRule\": {\"RuleName\": \"Cruddur\", \"ResourceARN\": \"*\", \"ServiceName\": \"*\","
                + " \"ServiceType\": \"*\", \"Host\": \"*\", \"HTTPMethod\": \"*\", \"URLPath\": \"*\", " + fields
                + "}}";
    }

    @Test
    void everyOutOfRangeFieldIsNamedWithTheRuleAndTheRangeAllAtOnce() {
        RuleFileException e = refused(rule(
                "\"Priority\": 0, \"FixedRate\": 1.5, \"ReservoirSize\": -1, \"Version\": 2"));
        assertThat(e.problems()).containsExactly(
                "rule \"Cruddur\": Priority: 0 (expected: 1 to 9999)",
                "rule \"Cruddur\": FixedRate: 1.5 (expected: 0 to 1)",
                "rule \"Cruddur\": ReservoirSize: -1 (expected: >= 0)",
                "rule \"Cruddur\": Version: 2 (expected: 1)");
        assertThat(e.getMessage()).startsWith("/etc/relay/rules.json: rule \"Cruddur\": Priority: 0");
        assertThat(e.getMessage().lines()).hasSize(4).allMatch(l -> l.startsWith("/etc/relay/rules.json: "));
    }

    @Test
    void missingAndMistypedFieldsAreNamed() {
        RuleFileException e = refused("""
                {"SamplingRule": {"RuleName": "Cruddur", "Priority": "high", "FixedRate": 0.1,
                 "ServiceName": "*", "ServiceType": "*", "Host": "*", "HTTPMethod": "*", "URLPath": "*",
                 "Version": 1, "ReservoirSize": 2.5, "FixedRat": 0.1}}""");
        assertThat(e.problems()).containsExactly(
                "rule \"Cruddur\": FixedRat: unknown field (did you mean FixedRate?)",
                "rule \"Cruddur\": Priority: \"high\" (expected: an integer, 1 to 9999)",
                "rule \"Cruddur\": ReservoirSize: 2.5 (expected: an integer, >= 0)",
                "rule \"Cruddur\": ResourceARN: missing (expected: a glob, up to 500 characters (\"*\" for any))");
    }

    @Test
    void apiLengthsAndAttributeLimitsApply() {
        RuleFileException e = refused(rule("\"Priority\": 1, \"FixedRate\": 0, \"ReservoirSize\": 0,"
                + " \"Version\": 1, \"HTTPMethod\": \"VERYLONGMETHOD\", \"Attributes\": {\"a\": \"1\", \"b\": \"2\","
                + " \"c\": \"3\", \"d\": \"4\", \"e\": \"5\", \"f\": 6}").replace("\"HTTPMethod\": \"*\", ", ""));
        assertThat(e.problems()).containsExactly(
                "rule \"Cruddur\": HTTPMethod: \"VERYLONGMETHOD\" (expected: up to 10 characters)",
                "rule \"Cruddur\": Attributes: 6 entries (expected: at most 5)",
                "rule \"Cruddur\": Attributes.f: 6 (expected: a glob of 1 to 32 characters)");
    }

    @Test
    void aRuleWithoutANameIsNamedByItsPlaceInTheFile() {
        RuleFileException e = refused("{\"SamplingRuleRecords\": [{\"SamplingRule\": {\"FixedRate\": 2}}]}");
        assertThat(e.problems()).first().isEqualTo(
                "SamplingRuleRecords[0].SamplingRule: RuleName: missing (expected: 1 to 32 characters)");
        assertThat(e.problems()).contains(
                "SamplingRuleRecords[0].SamplingRule: FixedRate: 2 (expected: 0 to 1)");
    }

    @Test
    void theDefaultRuleMustMatchEverything() {
        RuleFileException e = refused("""
                {"SamplingRule": {"RuleName": "Default", "FixedRate": 0.05, "ReservoirSize": 1,
                 "Priority": 1, "URLPath": "/api/*", "Attributes": {"a": "b"}}}""");
        assertThat(e.problems()).containsExactly(
                "rule \"Default\": Priority: 1 (expected: 10000: the default rule is always last)",
                "rule \"Default\": URLPath: \"/api/*\" (expected: \"*\": the default rule matches every trace)",
                "rule \"Default\": Attributes: {\"a\":\"b\"} (expected: {}: the default rule matches every trace)");
    }

    @Test
    void duplicateRuleNamesAreRefused() {
        String one = rule("\"Priority\": 1, \"FixedRate\": 0, \"ReservoirSize\": 0, \"Version\": 1");
        assertThat(refused("[" + one + "," + one + "]").problems()).containsExactly(
                "rule \"Cruddur\": RuleName: 2 rules with this name (expected: unique names)");
    }

    @Test
    void sdkFilesAreValidatedAsTheSdksDo() {
        RuleFileException e = refused("""
                {"version": 3,
                 "rules": [{"host": "*", "http_method": "*", "fixed_target": -1, "rate": 0.5},
                           {"service_name": "x", "http_method": "*", "url_path": "*", "fixed_target": 1,
                            "rate": 0.5, "fixed_targt": 2}],
                 "default": {"fixed_target": 1, "rate": 1.2, "url_path": "*"}}""");
        assertThat(e.problems()).containsExactly(
                "rules file: version: 3 (expected: 1 or 2)",
                "rules[0]: url_path: missing (expected: a glob; every rule but the default needs url_path, host"
                        + " and http_method)",
                "rules[0]: fixed_target: -1 (expected: >= 0)",
                "rules[1]: service_name: unknown in version 2 (did you mean host?)",
                "rules[1]: fixed_targt: unknown field (did you mean fixed_target?)",
                "rules[1]: host: missing (expected: a glob; every rule but the default needs url_path, host"
                        + " and http_method)",
                "default: url_path: \"*\" (expected: only fixed_target and rate in the default rule)",
                "default: rate: 1.2 (expected: 0 to 1)");
    }

    @Test
    void sdkFilesNeedADefaultRule() {
        assertThat(refused("{\"version\": 2, \"rules\": []}").problems()).containsExactly(
                "rules file: default: missing (expected: an object with fixed_target and rate)");
    }

    @Test
    void sdkVersion1RulesUseServiceNameNotHost() {
        assertThat(refused("""
                {"version": 1, "rules": [{"host": "x", "http_method": "*", "url_path": "*", "fixed_target": 1,
                 "rate": 0.5}], "default": {"fixed_target": 1, "rate": 0.05}}""").problems()).containsExactly(
                "rules[0]: host: unknown in version 1 (did you mean service_name?)",
                "rules[0]: service_name: missing (expected: a glob; every rule but the default needs url_path,"
                        + " service_name and http_method)");
    }

    @Test
    void otherJsonIsRefusedWithTheFormsExpected() {
        assertThat(refused("{\"rule\": 1}").problems()).singleElement().asString()
                .startsWith("rules file: not a form of sampling rules (expected: {\"SamplingRule\": {...}}");
        assertThat(refused("{\"SamplingRule\": {\"RuleName\": \"x\",}").problems()).singleElement().asString()
                .startsWith("not valid JSON (line 1, column ");
        assertThat(refused("[1]").problems()).containsExactly(
                "[0]: not a rule (expected: an object with SamplingRule)");
    }

    @Test
    void anUnreadableFileIsNamed(@TempDir Path dir) {
        Path missing = dir.resolve("nope.json");
        RuleFileException e = catchThrowableOfType(RuleFileException.class, () -> XrayRules.load(missing));
        assertThat(e.getMessage()).startsWith(missing + ": cannot read the rules file: ");
        assertThat(e.source()).isEqualTo(missing.toString());
    }
}
