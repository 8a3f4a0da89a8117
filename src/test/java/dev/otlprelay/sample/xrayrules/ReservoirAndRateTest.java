package dev.otlprelay.sample.xrayrules;

import static dev.otlprelay.sample.xrayrules.Traces.trace;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.otlprelay.sample.Decision;
import dev.otlprelay.sample.Explanation;
import dev.otlprelay.sample.TraceRandomness;
import dev.otlprelay.sample.TraceView;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Steady traffic through an injectable clock: the reservoir caps every whole second, the fixed rate keeps its share
 * beyond it, and the weights of the kept traces add up to the traces sent.
 */
class ReservoirAndRateTest {
    private static final long SECOND = 1_000_000_000L;

    /** What one run produced. */
    private record Run(long sent, long kept, long weight, Map<Long, Integer> reservoirPerSecond,
                       Map<String, Long> reasons) {
    }

    private static final class Clock {
        long nanos = 5 * SECOND + 123; // not aligned on a second, as nanoTime never is
    }

    private static RuleSet seeds() throws Exception {
        return XrayRules.load(Path.of("src/test/resources/sampling/xray.json"));
    }

    private static SamplingRule rule(String name, double rate, int reservoir) {
        return new SamplingRule(name, 1, rate, reservoir, "*", "*", "*", "*", "*", "*", Map.of(), null);
    }

    /** {@code perSecond} traces a second, evenly spaced, for {@code seconds}; random ids from a fixed seed. */
    private static Run run(RuleSet rules, String service, int perSecond, int seconds, long seed) {
        Clock clock = new Clock();
        XrayRulesSampler sampler = new XrayRulesSampler(rules, () -> clock.nanos);
        Random random = new Random(seed);
        long kept = 0;
        long weight = 0;
        Map<Long, Integer> reservoirPerSecond = new HashMap<>();
        Map<String, Long> reasons = new HashMap<>();
        long step = SECOND / perSecond;
        for (int i = 0; i < perSecond * seconds; i++) {
            Decision d = sampler.decide(trace().service(service).id(Traces.randomId(random)).build());
            reasons.merge(d.reason() + (d.keep() ? "" : ":dropped"), 1L, Long::sum);
            if (d.keep()) {
                kept++;
                weight += d.weight();
                if (d.reason().equals("reservoir")) {
                    reservoirPerSecond.merge(Math.floorDiv(clock.nanos, SECOND), 1, Integer::sum);
                    assertThat(d.probabilistic()).isFalse();
                } else {
                    assertThat(d.threshold()).isEqualTo(TraceRandomness.threshold(rules.rules().stream()
                            .filter(r -> r.name().equals(d.rule())).findFirst().orElseThrow().fixedRate()));
                }
            }
            clock.nanos += step;
        }
        return new Run((long) perSecond * seconds, kept, weight, reservoirPerSecond, reasons);
    }

    @Test
    void seedsRuleKeepsFivePerSecondThenTenPercentAndWeightsAddUpToTheTrafficSent() throws Exception {
        // 50 traces/s for 300 s (not 60 s): long enough that ±10 % on the weight sum is about 4 standard deviations
        // of the fixed-rate part, so the check is about the weights, not about luck.
        int perSecond = 50;
        int seconds = 300;
        Run run = run(seeds(), "backend-flask", perSecond, seconds, 42);

        double expected = seconds * (5 + 0.1 * (perSecond - 5));
        double sd = Math.sqrt(seconds * (perSecond - 5) * 0.1 * 0.9);
        assertThat((double) run.kept()).isBetween(expected - 4 * sd, expected + 4 * sd);
        assertThat(run.reservoirPerSecond().values()).allSatisfy(n -> assertThat(n).isLessThanOrEqualTo(5));
        assertThat(run.reservoirPerSecond()).hasSize(seconds);
        assertThat(run.reasons()).containsEntry("reservoir", 5L * seconds);
        assertThat((double) run.weight()).isBetween(run.sent() * 0.9, run.sent() * 1.1);
    }

    @Test
    void aZeroRateRuleWeighsItsReservoirTracesByTheMeasuredRatio() {
        RuleSet rules = RuleSet.of(List.of(rule("reservoir-only", 0, 5)), "test");
        Run run = run(rules, "backend-flask", 50, 60, 7);

        assertThat(run.kept()).isEqualTo(5 * 60);
        assertThat(run.reservoirPerSecond().values()).containsOnly(5);
        assertThat(run.reasons()).containsOnlyKeys("reservoir", "reservoir:dropped");
        // First second: nothing measured yet (weight 1); after that each second's 5 stand for its 50.
        assertThat(run.weight()).isEqualTo(5 + 59 * 50);
        assertThat((double) run.weight()).isBetween(run.sent() * 0.9, run.sent() * 1.1);
    }

    @Test
    void theBuiltInDefaultRuleKeepsOnePerSecondThenFivePercent() throws Exception {
        // Other services fall to X-Ray's default: 1/s, then 5 % (weight 20). 300 s keeps the weight sum's
        // fixed-rate part within 10 % at about 4 standard deviations.
        Run run = run(seeds(), "frontend-react-js", 50, 300, 9);
        assertThat(run.reservoirPerSecond().values()).containsOnly(1);
        double expected = 300 * (1 + 0.05 * 49);
        double sd = Math.sqrt(300 * 49 * 0.05 * 0.95);
        assertThat((double) run.kept()).isBetween(expected - 4 * sd, expected + 4 * sd);
        assertThat((double) run.weight()).isBetween(run.sent() * 0.9, run.sent() * 1.1);
    }

    @Test
    void burstsNeverPutMoreThanTheReservoirInAnySecond() throws Exception {
        Clock clock = new Clock();
        XrayRulesSampler sampler = new XrayRulesSampler(seeds(), () -> clock.nanos);
        Random random = new Random(11);
        for (int second = 0; second < 5; second++) {
            int taken = 0;
            for (int i = 0; i < 200; i++) { // all within the same second
                Decision d = sampler.decide(trace().service("backend-flask").id(Traces.randomId(random)).build());
                taken += d.reason().equals("reservoir") ? 1 : 0;
                clock.nanos += 1_000;
            }
            assertThat(taken).isEqualTo(5);
            clock.nanos = (Math.floorDiv(clock.nanos, SECOND) + 1) * SECOND + 17;
        }
    }

    @Test
    void replicasMakeTheSameRateDecisionForTheSameTrace() throws Exception {
        // Two relays, each with its reservoir already spent this second: what is left is the rate, by trace id.
        Clock clock = new Clock();
        XrayRulesSampler a = new XrayRulesSampler(seeds(), () -> clock.nanos);
        XrayRulesSampler b = new XrayRulesSampler(seeds(), () -> clock.nanos);
        Random random = new Random(13);
        for (int i = 0; i < 5; i++) {
            a.decide(trace().service("backend-flask").id(Traces.randomId(random)).build());
            b.decide(trace().service("backend-flask").id(Traces.randomId(random)).build());
        }
        int keptByRate = 0;
        for (int i = 0; i < 2000; i++) {
            TraceView t = trace().service("backend-flask").id(Traces.randomId(random)).build();
            Decision da = a.decide(t);
            Decision db = b.decide(t);
            assertThat(da).isEqualTo(db);
            keptByRate += da.keep() ? 1 : 0;
        }
        assertThat(keptByRate).isBetween(140, 260);
    }

    @Test
    void explainChangesNothingAndPredictsTheDecision() throws Exception {
        Clock clock = new Clock();
        XrayRulesSampler sampler = new XrayRulesSampler(seeds(), () -> clock.nanos);
        TraceView t = trace().service("backend-flask").root("http.request.method", "GET")
                .root("url.path", "/api/activities/home").build();
        for (int i = 0; i < 10; i++) {
            Explanation e = sampler.explain(t);
            assertThat(e.name()).isEqualTo("Cruddur");
            assertThat(e.source()).isEqualTo("rule");
            assertThat(e.values().urlPath()).isEqualTo("/api/activities/home");
            assertThat(e.decision()).isEqualTo(Decision.keep(1, "Cruddur", "reservoir"));
        }
        assertThat(sampler.describe().get(0)).containsEntry("matched", 0L).containsEntry("kept", 0L);
        assertThat(sampler.decide(t)).isEqualTo(Decision.keep(1, "Cruddur", "reservoir"));
    }

    @Test
    void describeListsRulesInMatchingOrderWithTheirCounters() throws Exception {
        Clock clock = new Clock();
        XrayRulesSampler sampler = new XrayRulesSampler(seeds(), () -> clock.nanos);
        Random random = new Random(17);
        for (int i = 0; i < 20; i++) {
            sampler.decide(trace().service("backend-flask").id(Traces.randomId(random)).build());
        }
        sampler.decide(trace().service("other").id(Traces.randomId(random)).build());
        List<Map<String, Object>> rows = sampler.describe();
        assertThat(rows).extracting(r -> r.get("rule")).containsExactly("Cruddur", "Default");
        Map<String, Object> cruddur = rows.get(0);
        assertThat(cruddur).containsEntry("priority", 9000).containsEntry("fixed_rate", 0.1)
                .containsEntry("reservoir_size", 5).containsEntry("service_name", "backend-flask")
                .containsEntry("matched", 20L).containsEntry("reservoir_kept", 5L)
                .containsEntry("threshold", "e6666666666666").containsKey("measured_weight");
        assertThat((long) cruddur.get("kept") + (long) cruddur.get("dropped")).isEqualTo(20L);
        assertThat(rows.get(1)).containsEntry("matched", 1L).containsEntry("reservoir_kept", 1L);
    }

    @Test
    void aReloadCarriesTheWindowAndCountersOfRulesWithTheSameName() throws Exception {
        Clock clock = new Clock();
        XrayRulesSampler before = new XrayRulesSampler(seeds(), () -> clock.nanos);
        Random random = new Random(19);
        for (int i = 0; i < 5; i++) {
            before.decide(trace().service("backend-flask").id(Traces.randomId(random)).build());
        }
        RuleSet reloaded = RuleSet.of(List.of(new SamplingRule("Cruddur", 9000, 0, 5, "backend-flask", "*", "*",
                "*", "*", "*", Map.of(), null), new SamplingRule("new", 1, 1, 0, "other-svc", "*", "*", "*", "*",
                "*", Map.of(), null)), "reloaded");
        XrayRulesSampler after = before.withRules(reloaded);
        // Same second: the reservoir is already spent, and FixedRate is now 0, so the next trace is dropped.
        Decision d = after.decide(trace().service("backend-flask").id(Traces.randomId(random)).build());
        assertThat(d.keep()).isFalse();
        Map<String, Object> row = after.describe().stream().filter(r -> r.get("rule").equals("Cruddur"))
                .findFirst().orElseThrow();
        assertThat(row).containsEntry("matched", 6L).containsEntry("reservoir_kept", 5L);
        assertThat(new XrayRulesSampler(reloaded, () -> clock.nanos)
                .decide(trace().service("backend-flask").id(Traces.randomId(random)).build()).keep())
                .as("a fresh sampler has a fresh reservoir").isTrue();
    }

    @Test
    void aRateOfOneKeepsEverythingWithWeightOne() {
        RuleSet rules = RuleSet.of(List.of(rule("all", 1, 0)), "test");
        XrayRulesSampler sampler = new XrayRulesSampler(rules, () -> 0);
        Random random = new Random(23);
        for (int i = 0; i < 100; i++) {
            ByteString id = Traces.randomId(random);
            assertThat(sampler.decide(trace().id(id).build())).isEqualTo(new Decision(true, 1, "all", "fixed_rate", 0));
        }
    }
}
