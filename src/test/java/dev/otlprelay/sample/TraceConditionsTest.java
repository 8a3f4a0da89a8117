package dev.otlprelay.sample;

import static dev.otlprelay.sample.xrayrules.Traces.attr;
import static dev.otlprelay.sample.xrayrules.Traces.trace;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.otlprelay.config.ConditionConfig;
import dev.otlprelay.config.ConditionConfig.Action;
import dev.otlprelay.sample.xrayrules.Traces;
import dev.otlprelay.sample.xrayrules.XrayRules;
import dev.otlprelay.sample.xrayrules.XrayRulesSampler;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TraceConditionsTest {

    private static ConditionConfig keepErrors() {
        return new ConditionConfig("keep-errors", Action.KEEP, true, null, null, null, null, null, null, Map.of(), 1);
    }

    private static ConditionConfig dropHealth() {
        return new ConditionConfig("drop-health", Action.DROP, false, null, null, null, null, null, "/health*",
                Map.of(), 0);
    }

    private static ConditionConfig keepSlow(Duration min) {
        return new ConditionConfig("keep-slow", Action.KEEP, false, min, null, null, null, null, null, Map.of(), 1);
    }

    private static ChainSampler chain(List<ConditionConfig> conditions) throws Exception {
        return new ChainSampler(new TraceConditions(conditions), new XrayRulesSampler(
                XrayRules.load(Path.of("src/test/resources/sampling/xray.json")), () -> 0));
    }

    @Test
    void anErrorOnAChildSpanKeepsTheWholeTrace() throws Exception {
        ChainSampler sampler = chain(List.of(keepErrors()));
        Random random = new Random(1);
        for (int i = 0; i < 50; i++) {
            Decision d = sampler.decide(trace().service("backend-flask").id(Traces.randomId(random))
                    .child(Duration.ZERO, Duration.ofMillis(1))
                    .errorChild(attr("db.system", "postgresql")).build());
            assertThat(d).isEqualTo(Decision.keep(1, "keep-errors", "error"));
        }
    }

    @Test
    void aServerErrorStatusOnAnySpanIsAnError() {
        TraceConditions conditions = new TraceConditions(List.of(keepErrors()));
        assertThat(conditions.decide(trace().child(Duration.ZERO, Duration.ofMillis(1),
                attr("http.response.status_code", 503)).build())).contains(Decision.keep(1, "keep-errors", "error"));
        assertThat(conditions.decide(trace().root("http.status_code", "500").build())).isPresent();
        assertThat(conditions.decide(trace().root("http.response.status_code", 404).build())).isEmpty();
        assertThat(conditions.decide(trace().rootError().build())).isPresent();
    }

    @Test
    void aDropConditionDropsEveryTraceOfItsPaths() throws Exception {
        ChainSampler sampler = chain(List.of(keepErrors(), dropHealth()));
        Random random = new Random(2);
        for (int i = 0; i < 200; i++) {
            Decision d = sampler.decide(trace().service("backend-flask").id(Traces.randomId(random))
                    .root("http.target", i % 2 == 0 ? "/health" : "/healthz?probe=1").build());
            assertThat(d).isEqualTo(Decision.drop("drop-health", "drop"));
        }
        // An error on a health check is still kept: the first matching condition decides.
        assertThat(sampler.decide(trace().root("url.path", "/health").rootError().build()).keep()).isTrue();
    }

    @Test
    void slowTracesAreKeptByTheRootsDurationOrTheSpansExtent() {
        TraceConditions conditions = new TraceConditions(List.of(keepSlow(Duration.ofSeconds(1))));
        assertThat(conditions.decide(trace().rootDuration(Duration.ofMillis(1500)).build()))
                .contains(Decision.keep(1, "keep-slow", "slow"));
        assertThat(conditions.decide(trace().rootDuration(Duration.ofMillis(999)).build())).isEmpty();
        assertThat(conditions.decide(trace().withoutRoot().child(Duration.ZERO, Duration.ofMillis(10))
                .child(Duration.ofMillis(1200), Duration.ofMillis(10)).build())).isPresent();
    }

    @Test
    void keepOneInNUsesTheTraceIdWithWeightNAndAThreshold() {
        ConditionConfig sampled = new ConditionConfig("api-1-in-4", Action.KEEP, false, null, "backend-*", null,
                null, "GET", "/api/*", Map.of(), 4);
        TraceConditions conditions = new TraceConditions(List.of(sampled));
        Random random = new Random(3);
        int kept = 0;
        for (int i = 0; i < 4000; i++) {
            var t = trace().service("backend-flask").id(Traces.randomId(random))
                    .root("http.method", "GET").root("http.target", "/api/x").build();
            Decision d = conditions.decide(t).orElseThrow();
            assertThat(d.keep()).isEqualTo(TraceRandomness.keeps(t.traceId(), TraceRandomness.threshold(0.25)));
            if (d.keep()) {
                kept++;
                assertThat(d.weight()).isEqualTo(4);
                assertThat(d.threshold()).isEqualTo(TraceRandomness.threshold(0.25));
                assertThat(d.reason()).isEqualTo("condition");
            }
        }
        assertThat(kept).isBetween(850, 1150);
        assertThat(conditions.decide(trace().service("frontend").root("http.method", "GET")
                .root("http.target", "/api/x").build())).isEmpty();
    }

    @Test
    void aMostlyDropConditionKeepsOneInNWithWeightN() {
        ConditionConfig mostly = new ConditionConfig("mostly-drop", Action.DROP, false, null, null, null, null,
                null, "/poll", Map.of("tenant", "free*"), 10);
        TraceConditions conditions = new TraceConditions(List.of(mostly));
        Random random = new Random(4);
        int kept = 0;
        for (int i = 0; i < 2000; i++) {
            Decision d = conditions.decide(trace().id(Traces.randomId(random)).root("url.path", "/poll")
                    .resource("tenant", "free-42").build()).orElseThrow();
            assertThat(d.reason()).isEqualTo("drop");
            kept += d.keep() ? 1 : 0;
            assertThat(d.weight()).isEqualTo(d.keep() ? 10 : 0);
        }
        assertThat(kept).isBetween(140, 260);
        assertThat(conditions.decide(trace().root("url.path", "/poll").resource("tenant", "paid").build()))
                .isEmpty();
    }

    @Test
    void withoutAMatchingConditionTheRulesDecideOrEverythingIsKept() throws Exception {
        ChainSampler withRules = chain(List.of(dropHealth()));
        assertThat(withRules.decide(trace().service("backend-flask").root("url.path", "/api").build()))
                .isEqualTo(Decision.keep(1, "Cruddur", "reservoir"));
        ChainSampler keepAll = new ChainSampler(new TraceConditions(List.of(dropHealth())), new KeepEverySampler());
        assertThat(keepAll.decide(trace().root("url.path", "/api").build()))
                .isEqualTo(Decision.keep(1, "keep_all", "keep_all"));
        assertThat(keepAll.decide(trace().root("url.path", "/health").build()).keep()).isFalse();
    }

    @Test
    void explainNamesTheConditionOrRuleWithoutCounting() throws Exception {
        ChainSampler sampler = chain(List.of(dropHealth()));
        Explanation health = sampler.explain(trace().root("url.path", "/health").build());
        assertThat(health.source()).isEqualTo("condition");
        assertThat(health.name()).isEqualTo("drop-health");
        assertThat(health.values().urlPath()).isEqualTo("/health");
        assertThat(health.decision()).isEqualTo(Decision.drop("drop-health", "drop"));
        Explanation api = sampler.explain(trace().service("backend-flask").root("url.path", "/api").build());
        assertThat(api.source()).isEqualTo("rule");
        assertThat(api.name()).isEqualTo("Cruddur");
        assertThat(sampler.describe()).extracting(r -> r.get("rule"))
                .containsExactly("drop-health", "Cruddur", "Default");
        assertThat(sampler.describe()).allSatisfy(r -> assertThat(r).containsEntry("matched", 0L));
    }

    @Test
    void describeCountsEachCondition() {
        TraceConditions conditions = new TraceConditions(List.of(dropHealth()));
        conditions.decide(trace().root("url.path", "/health").build());
        conditions.decide(trace().root("url.path", "/api").build());
        assertThat(conditions.describe()).singleElement().satisfies(r -> assertThat(r)
                .containsEntry("rule", "drop-health").containsEntry("action", "drop")
                .containsEntry("matched", 1L).containsEntry("kept", 0L).containsEntry("dropped", 1L));
    }

    @Test
    void noConditionsDecideNothing() {
        assertThat(TraceConditions.none().decide(trace().build())).isEqualTo(Optional.empty());
        assertThat(TraceConditions.none().isEmpty()).isTrue();
    }

    @Test
    void aKeepConditionNeedsASampleRateOfAtLeastOne() {
        assertThatThrownBy(() -> new TraceConditions(List.of(new ConditionConfig("bad", Action.KEEP, false, null,
                null, null, null, null, null, Map.of(), 0))))
                .hasMessage("condition \"bad\": sample_rate: 0 (expected: >= 1)");
    }
}
