package dev.otlprelay.sample;

import static dev.otlprelay.sample.BufferFixtures.batch;
import static dev.otlprelay.sample.BufferFixtures.keepWeighted;
import static dev.otlprelay.sample.BufferFixtures.noPassthrough;
import static dev.otlprelay.sample.BufferFixtures.resource;
import static dev.otlprelay.sample.BufferFixtures.root;
import static dev.otlprelay.sample.BufferFixtures.trace;
import static dev.otlprelay.sample.BufferFixtures.withAttribute;
import static org.assertj.core.api.Assertions.assertThat;

import dev.otlprelay.sample.BufferFixtures.Capture;
import dev.otlprelay.telemetry.RelayMetrics;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.Span;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** SampleRate is multiplied, never overwritten; the rule, reason and tracestate threshold travel with the span. */
class WeightStampTest {
    private static final Resource PLAIN = resource("svc");
    private static final Decision KEEP_10 = Decision.keep(10, "rule-a", "fixed_rate");

    private static AnyValue i(long v) {
        return AnyValue.newBuilder().setIntValue(v).build();
    }

    private static AnyValue d(double v) {
        return AnyValue.newBuilder().setDoubleValue(v).build();
    }

    private static AnyValue s(String v) {
        return AnyValue.newBuilder().setStringValue(v).build();
    }

    private static Span span() {
        return root(trace(1), 1);
    }

    private static Map<String, AnyValue> attributes(Span span) {
        assertThat(span.getAttributesList().stream().map(KeyValue::getKey)).doesNotHaveDuplicates();
        return span.getAttributesList().stream().collect(Collectors.toMap(KeyValue::getKey, KeyValue::getValue));
    }

    @Test
    void withoutAnIncomingRateTheRelaysWeightIsTheSampleRate() {
        Map<String, AnyValue> a = attributes(WeightStamp.stamp(span(), PLAIN, KEEP_10));

        assertThat(a.get("SampleRate")).isEqualTo(i(10));
        assertThat(a).doesNotContainKey("sampling.original_sample_rate");
        assertThat(a.get("sampling.rule")).isEqualTo(s("rule-a"));
        assertThat(a.get("sampling.reason")).isEqualTo(s("fixed_rate"));
    }

    @Test
    void theSpansOwnAttributesTravelUnchangedInTheirOrder() {
        Span in = withAttribute(withAttribute(withAttribute(span(), "http.route", s("/api/activities/home")),
                "user.id", i(42)), "SampleRate", i(2));

        Span out = WeightStamp.stamp(in, PLAIN, KEEP_10);

        assertThat(out.getAttributesList().subList(0, 2)).containsExactly(in.getAttributes(0), in.getAttributes(1));
        assertThat(attributes(out)).containsKeys("http.route", "user.id", "SampleRate", "sampling.rule");
    }

    @Test
    void anIncomingRateOfOneIsKeptAsTheOriginal() {
        Map<String, AnyValue> a = attributes(WeightStamp.stamp(withAttribute(span(), "SampleRate", i(1)), PLAIN,
                KEEP_10));

        assertThat(a.get("SampleRate")).isEqualTo(i(10));
        assertThat(a.get("sampling.original_sample_rate")).isEqualTo(i(1));
    }

    @Test
    void multipliesAnIntegerSpanRateAndKeepsTheOriginal() {
        Map<String, AnyValue> a = attributes(WeightStamp.stamp(withAttribute(span(), "SampleRate", i(4)), PLAIN,
                KEEP_10));

        assertThat(a.get("SampleRate")).isEqualTo(i(40));
        assertThat(a.get("sampling.original_sample_rate")).isEqualTo(i(4));
    }

    @Test
    void multipliesAStringResourceRateAndRemovesItFromTheResource() {
        Resource withRate = resource("svc", KeyValue.newBuilder().setKey("sampleRate").setValue(s(" 3 ")).build());

        Map<String, AnyValue> a = attributes(WeightStamp.stamp(span(), withRate, KEEP_10));

        assertThat(a.get("SampleRate")).isEqualTo(i(30));
        assertThat(a.get("sampling.original_sample_rate")).isEqualTo(s(" 3 "));
        assertThat(WeightStamp.withoutRates(withRate).getAttributesList()).extracting(KeyValue::getKey)
                .containsExactly("service.name");
        assertThat(WeightStamp.withoutRates(PLAIN)).isSameAs(PLAIN);
    }

    @Test
    void roundsTheProductOfADoubleRate() {
        Map<String, AnyValue> a = attributes(WeightStamp.stamp(withAttribute(span(), "sampleRate", d(2.5)), PLAIN,
                Decision.keep(3, "r", "fixed_rate")));

        assertThat(a.get("SampleRate")).isEqualTo(i(8));
        assertThat(a.get("sampling.original_sample_rate")).isEqualTo(d(2.5));
        assertThat(a).doesNotContainKey("sampleRate");
    }

    @Test
    void theSpansRateWinsOverTheResourcesAndTheLowercaseDuplicateIsRemoved() {
        Span span = withAttribute(withAttribute(span(), "sampleRate", i(7)), "SampleRate", i(5));
        Resource withRate = resource("svc", KeyValue.newBuilder().setKey("SampleRate").setValue(i(100)).build());

        Map<String, AnyValue> a = attributes(WeightStamp.stamp(span, withRate, KEEP_10));

        assertThat(a.get("SampleRate")).isEqualTo(i(50));
        assertThat(a.get("sampling.original_sample_rate")).isEqualTo(i(5));
        assertThat(a).doesNotContainKey("sampleRate");
    }

    @Test
    void anUnusableRateIsIgnored() {
        Span span = withAttribute(withAttribute(span(), "SampleRate", s("lots")), "sampleRate", i(0));

        Map<String, AnyValue> a = attributes(WeightStamp.stamp(span, PLAIN, KEEP_10));

        assertThat(a.get("SampleRate")).isEqualTo(i(10));
        assertThat(a).doesNotContainKeys("sampleRate", "sampling.original_sample_rate");
    }

    @Test
    void theProductSaturatesInsteadOfOverflowing() {
        Map<String, AnyValue> a = attributes(WeightStamp.stamp(withAttribute(span(), "SampleRate",
                i(Long.MAX_VALUE / 2)), PLAIN, Decision.keep(3, "r", "fixed_rate")));

        assertThat(a.get("SampleRate")).isEqualTo(i(Long.MAX_VALUE));
    }

    @Test
    void staleRuleAndReasonAreReplaced() {
        Span span = withAttribute(withAttribute(span(), "sampling.rule", s("old")), "sampling.reason", s("old"));

        Map<String, AnyValue> a = attributes(WeightStamp.stamp(span, PLAIN, KEEP_10));

        assertThat(a.get("sampling.rule")).isEqualTo(s("rule-a"));
        assertThat(a.get("sampling.reason")).isEqualTo(s("fixed_rate"));
    }

    // ---- tracestate ----

    @Test
    void aProbabilisticDecisionWritesTheThresholdKeepingOtherSubKeysAndVendors() {
        String out = WeightStamp.traceState("vendor=abc, ot=rv:0123456789abcd;th:c , other=x", 0x80000000000000L);

        assertThat(out).isEqualTo("ot=th:8;rv:0123456789abcd,vendor=abc,other=x");
    }

    @Test
    void aProbabilisticDecisionAddsAnOtEntryInFront() {
        assertThat(WeightStamp.traceState("", 0)).isEqualTo("ot=th:0");
        assertThat(WeightStamp.traceState("congo=t61rcWkgMzE", 0xfffffffffffff0L))
                .isEqualTo("ot=th:fffffffffffff,congo=t61rcWkgMzE");
    }

    @Test
    void aNonProbabilisticDecisionErasesTheThreshold() {
        assertThat(WeightStamp.traceState("a=1,ot=th:8;rv:00000000000001", Decision.NOT_PROBABILISTIC))
                .isEqualTo("ot=rv:00000000000001,a=1");
        assertThat(WeightStamp.traceState("a=1,ot=th:8", Decision.NOT_PROBABILISTIC)).isEqualTo("a=1");
        assertThat(WeightStamp.traceState("ot=th:8", Decision.NOT_PROBABILISTIC)).isEmpty();
    }

    @Test
    void aTraceStateWithoutThresholdIsLeftAsItIs() {
        String in = "a=1 ,ot=rv:00000000000001";

        assertThat(WeightStamp.traceState(in, Decision.NOT_PROBABILISTIC)).isSameAs(in);
    }

    @Test
    void formatsThresholdsAsOpenTelemetryDoes() {
        assertThat(TraceRandomness.thresholdHex(0)).isEqualTo("0");
        assertThat(TraceRandomness.thresholdHex(1)).isEqualTo("00000000000001");
        assertThat(TraceRandomness.thresholdHex(0xc0000000000000L)).isEqualTo("c");
        assertThat(TraceRandomness.thresholdHex(0x0f0f0000000000L)).isEqualTo("0f0f");
    }

    @Test
    void theStampedSpanCarriesTheTraceState() {
        Span span = root(trace(1), 1).toBuilder().setTraceState("ot=rv:abcdef01234567").build();

        Span out = WeightStamp.stamp(span, PLAIN, new Decision(true, 4, "r", "fixed_rate", 0xc0000000000000L));

        assertThat(out.getTraceState()).isEqualTo("ot=th:c;rv:abcdef01234567");
    }

    // ---- through the stage ----

    @Test
    void eachRouteStampsItsOwnWeightOnTheSameSpan() {
        try (RelayMetrics metrics = new RelayMetrics()) {
            BufferFixtures.FakeClock clock = new BufferFixtures.FakeClock();
            Capture honeycomb = new Capture();
            Capture xray = new Capture();
            SamplingStage stage = new SamplingStage(BufferFixtures.settings().build(),
                    List.of(new Route("honeycomb", keepWeighted(2, "hc"), honeycomb),
                            new Route("xray", keepWeighted(7, "xr"), xray)), noPassthrough(), metrics, clock);
            Resource incoming = resource("svc", KeyValue.newBuilder().setKey("SampleRate").setValue(i(3)).build());

            stage.accept(batch(BufferFixtures.CLIENT, incoming, root(trace(1), 1)));
            clock.advance(Duration.ofSeconds(2));
            stage.tick();

            assertThat(honeycomb.spans()).singleElement().satisfies(r -> {
                assertThat(r.attributeInt("SampleRate")).isEqualTo(6);
                assertThat(r.resource().getAttributesList()).extracting(KeyValue::getKey)
                        .containsExactly("service.name");
            });
            assertThat(xray.spans()).singleElement().satisfies(r -> assertThat(r.attributeInt("SampleRate"))
                    .isEqualTo(21));
        }
    }
}
