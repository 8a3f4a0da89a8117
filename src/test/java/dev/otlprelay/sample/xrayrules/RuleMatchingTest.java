package dev.otlprelay.sample.xrayrules;

import static dev.otlprelay.sample.xrayrules.Traces.trace;
import static org.assertj.core.api.Assertions.assertThat;

import dev.otlprelay.sample.MatchValues;
import dev.otlprelay.sample.TraceView;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RuleMatchingTest {

    private static SamplingRule rule(String name, int priority, String service, String method, String path) {
        return new SamplingRule(name, priority, 0.1, 1, service, "*", "*", method, path, "*", Map.of(), null);
    }

    private static String match(RuleSet rules, TraceView trace) {
        return rules.match(MatchValues.of(trace, rules.attributeKeys()));
    }

    @Test
    void rulesApplyByAscendingPriorityFirstMatchWins() {
        RuleSet rules = RuleSet.of(List.of(
                rule("broad", 9000, "*", "*", "*"),
                rule("api", 100, "*", "*", "/api/*"),
                rule("home", 50, "*", "GET", "/api/activities/home")), "test");
        assertThat(rules.rules()).extracting(SamplingRule::name).containsExactly("home", "api", "broad", "Default");
        assertThat(match(rules, trace().root("http.request.method", "GET")
                .root("url.path", "/api/activities/home").build())).isEqualTo("home");
        assertThat(match(rules, trace().root("http.request.method", "POST")
                .root("url.path", "/api/activities/home").build())).isEqualTo("api");
        assertThat(match(rules, trace().root("url.path", "/health").build())).isEqualTo("broad");
    }

    @Test
    void equalPrioritiesAreOrderedByName() {
        RuleSet rules = RuleSet.of(List.of(rule("zeta", 10, "*", "*", "*"), rule("alpha", 10, "*", "*", "*")),
                "test");
        assertThat(rules.rules()).extracting(SamplingRule::name).containsExactly("alpha", "zeta", "Default");
        assertThat(match(rules, trace().build())).isEqualTo("alpha");
    }

    @Test
    void theDefaultRuleIsLastEvenWhenTheFileListsItFirst() {
        SamplingRule ownDefault = SamplingRule.defaultRule(0.5, 3, null);
        RuleSet rules = RuleSet.of(List.of(ownDefault, rule("api", 9999, "*", "*", "/api/*")), "test");
        assertThat(rules.rules()).containsExactly(rules.rules().get(0), ownDefault);
        assertThat(match(rules, trace().root("url.path", "/other").build())).isEqualTo("Default");
    }

    @Test
    void onlyAStarMatchesAValueTheTraceDoesNotHave() {
        RuleSet rules = RuleSet.of(List.of(rule("gets", 1, "*", "GET", "*"), rule("anyMethod", 2, "*", "*", "*")),
                "test");
        // No method at all: "GET" cannot match it, "*" can.
        assertThat(match(rules, trace().root("url.path", "/x").build())).isEqualTo("anyMethod");
        RuleSet servicesOnly = RuleSet.of(List.of(rule("svc", 1, "backend-*", "*", "*")), "test");
        assertThat(match(servicesOnly, trace().build())).isEqualTo("Default");
        assertThat(match(servicesOnly, trace().service("Backend-Flask").build())).isEqualTo("svc");
    }

    @Test
    void oldAndNewSemanticConventionsMatchTheSameRule() {
        SamplingRule r = new SamplingRule("posts", 1, 0.1, 1, "*", "*", "api.example.com", "POST", "/api/posts/*",
                "*", Map.of(), null);
        RuleSet rules = RuleSet.of(List.of(r), "test");
        TraceView old = trace().root("http.method", "POST").root("http.target", "/api/posts/7?draft=1")
                .root("http.host", "api.example.com:443").build();
        TraceView oldest = trace().root("http.method", "POST").root("http.url", "https://x/api/posts/7")
                .root("net.host.name", "api.example.com").build();
        TraceView current = trace().root("http.request.method", "POST").root("url.path", "/api/posts/7")
                .root("server.address", "api.example.com").build();
        assertThat(List.of(match(rules, old), match(rules, oldest), match(rules, current)))
                .containsOnly("posts");
        assertThat(match(rules, trace().root("http.request.method", "GET").root("url.path", "/api/posts/7")
                .root("server.address", "api.example.com").build())).isEqualTo("Default");
    }

    @Test
    void serviceTypeAndResourceArnMatchTheResource() {
        SamplingRule ecs = new SamplingRule("ecs", 1, 0.1, 1, "*", "AWS::ECS::*", "*", "*", "*",
                "arn:aws:ecs:*:container/*", Map.of(), null);
        RuleSet rules = RuleSet.of(List.of(ecs), "test");
        assertThat(match(rules, trace().resource("cloud.platform", "aws_ecs")
                .resource("aws.ecs.container.arn", "arn:aws:ecs:us-east-1:1:container/abc").build())).isEqualTo("ecs");
        assertThat(match(rules, trace().resource("cloud.platform", "aws_eks")
                .resource("aws.ecs.container.arn", "arn:aws:ecs:us-east-1:1:container/abc").build()))
                .isEqualTo("Default");
    }

    @Test
    void attributesMatchTheRootSpanThenTheResource() {
        SamplingRule premium = new SamplingRule("premium", 1, 1, 0, "*", "*", "*", "*", "*", "*",
                Map.of("tier", "prem*", "region", "eu-?"), null);
        RuleSet rules = RuleSet.of(List.of(premium), "test");
        assertThat(match(rules, trace().root("tier", "Premium").resource("region", "eu-1").build()))
                .isEqualTo("premium");
        assertThat(match(rules, trace().root("tier", "premium").build())).as("region missing").isEqualTo("Default");
        assertThat(match(rules, trace().root("tier", "free").resource("region", "eu-1").build()))
                .isEqualTo("Default");
    }
}
