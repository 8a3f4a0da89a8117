package dev.otlprelay.export.honeycomb;

import static org.assertj.core.api.Assertions.assertThat;

import dev.otlprelay.support.Otlp;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.Span;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Honeycomb's limits are applied before sending: long strings truncated, oversized events dropped. */
class HoneycombLimitsTest {
    private static Span withAttribute(String value) {
        return Otlp.span("big", "0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331").toBuilder()
                .addAttributes(KeyValue.newBuilder().setKey("blob").setValue(AnyValue.newBuilder()
                        .setStringValue(value))).build();
    }

    @Test
    void smallSpansPassUnchanged() {
        Span s = withAttribute("x");
        assertThat(HoneycombLimits.check(s).span()).isSameAs(s);
    }

    @Test
    void stringsOver65535BytesAreTruncatedWithoutSplittingACharacter() {
        HoneycombLimits.Checked c = HoneycombLimits.check(withAttribute("é".repeat(40_000)));
        assertThat(c.truncatedValues()).isEqualTo(1);
        String v = c.span().getAttributes(1).getValue().getStringValue();
        assertThat(v.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(65_535).isGreaterThan(65_530);
        assertThat(v).matches("é+");
    }

    @Test
    void eventsOverOneMegabyteAreDropped() {
        Span.Builder b = withAttribute("x").toBuilder();
        for (int i = 0; i < 20; i++) {
            b.addAttributes(KeyValue.newBuilder().setKey("k" + i).setValue(AnyValue.newBuilder()
                    .setStringValue("y".repeat(60_000))));
        }
        assertThat(HoneycombLimits.check(b.build()).span()).isNull();
    }

    private static AnyValue string(String v) {
        return AnyValue.newBuilder().setStringValue(v).build();
    }

    private static KeyValue kv(String key, AnyValue value) {
        return KeyValue.newBuilder().setKey(key).setValue(value).build();
    }

    @Test
    void aStringOfExactly65535BytesIsKeptAndOneByteMoreIsCutTo65535() {
        HoneycombLimits.Checked atLimit = HoneycombLimits.check(withAttribute("a".repeat(65_535)).toBuilder()
                .addAttributes(kv("pad", string("b".repeat(100)))).build());
        assertThat(atLimit.truncatedValues()).isZero();
        assertThat(atLimit.span().getAttributes(1).getValue().getStringValue()).hasSize(65_535);

        HoneycombLimits.Checked over = HoneycombLimits.check(withAttribute("a".repeat(65_536)));
        assertThat(over.truncatedValues()).isEqualTo(1);
        assertThat(over.span().getAttributes(1).getValue().getStringValue()).isEqualTo("a".repeat(65_535));
    }

    @Test
    void aCutThatWouldSplitACharacterEndsBeforeIt() {
        // 65,534 ASCII bytes then a two-byte character: the limit falls inside the character.
        String value = "a".repeat(65_534) + "é" + "z";
        assertThat(HoneycombLimits.truncate(value)).isEqualTo("a".repeat(65_534));
        String exactly = "a".repeat(65_533) + "é";
        assertThat(HoneycombLimits.truncate(exactly)).isSameAs(exactly);
    }

    @Test
    void longStringsAreCutWhereverTheyAreAndEachIsCounted() {
        String big = "x".repeat(70_000);
        Span span = Otlp.span("big", "0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331").toBuilder()
                .setName("n".repeat(70_000))
                .addAttributes(kv("array", AnyValue.newBuilder().setArrayValue(
                        io.opentelemetry.proto.common.v1.ArrayValue.newBuilder().addValues(string(big))
                                .addValues(string("small")).addValues(string(big))).build()))
                .addAttributes(kv("map", AnyValue.newBuilder().setKvlistValue(
                        io.opentelemetry.proto.common.v1.KeyValueList.newBuilder().addValues(kv("inner", string(big))))
                        .build()))
                .addAttributes(kv("number", AnyValue.newBuilder().setIntValue(7).build()))
                .addEvents(Span.Event.newBuilder().setName("e").addAttributes(kv("ev", string(big))))
                .addLinks(Span.Link.newBuilder().addAttributes(kv("lk", string(big))))
                .build();

        HoneycombLimits.Checked c = HoneycombLimits.check(span);

        assertThat(c.truncatedValues()).isEqualTo(6);
        Span out = c.span();
        assertThat(out.getName()).hasSize(65_535);
        assertThat(out.getAttributes(1).getValue().getArrayValue().getValues(0).getStringValue()).hasSize(65_535);
        assertThat(out.getAttributes(1).getValue().getArrayValue().getValues(1).getStringValue()).isEqualTo("small");
        assertThat(out.getAttributes(1).getValue().getArrayValue().getValues(2).getStringValue()).hasSize(65_535);
        assertThat(out.getAttributes(2).getValue().getKvlistValue().getValues(0).getValue().getStringValue())
                .hasSize(65_535);
        assertThat(out.getAttributes(3).getValue().getIntValue()).isEqualTo(7);
        assertThat(out.getEvents(0).getAttributes(0).getValue().getStringValue()).hasSize(65_535);
        assertThat(out.getLinks(0).getAttributes(0).getValue().getStringValue()).hasSize(65_535);
    }

    @Test
    void aSpanOfExactlyOneMegabyteIsKeptAndOneByteMoreIsDropped() {
        Span.Builder b = withAttribute("x").toBuilder();
        for (int i = 0; i < 16; i++) {
            b.addAttributes(kv("k" + i, string("y".repeat(60_000))));
        }
        b.addAttributes(kv("last", string("")));
        int lastIndex = b.getAttributesCount() - 1;
        // Grows the last value until the span is exactly at the limit (the length prefixes grow with it at first).
        int length = 0;
        while (b.build().getSerializedSize() != HoneycombLimits.MAX_EVENT_BYTES) {
            length += HoneycombLimits.MAX_EVENT_BYTES - b.build().getSerializedSize();
            b.setAttributes(lastIndex, kv("last", string("z".repeat(length))));
        }
        assertThat(HoneycombLimits.check(b.build()).span()).isNotNull();

        b.setAttributes(lastIndex, kv("last", string("z".repeat(length + 1))));
        assertThat(b.build().getSerializedSize()).isEqualTo(HoneycombLimits.MAX_EVENT_BYTES + 1);
        HoneycombLimits.Checked dropped = HoneycombLimits.check(b.build());
        assertThat(dropped.span()).isNull();
        assertThat(dropped.truncatedValues()).isZero();
    }

    @Test
    void resourceAttributesAreCutInPlaceAndCounted() {
        io.opentelemetry.proto.resource.v1.Resource.Builder r = io.opentelemetry.proto.resource.v1.Resource
                .newBuilder().addAttributes(kv("a", string("x".repeat(70_000)))).addAttributes(kv("b", string("y")))
                .addAttributes(kv("c", string("x".repeat(65_536))));
        int[] counter = {4};
        assertThat(HoneycombLimits.truncateAll(r.getAttributesBuilderList(), counter)).isEqualTo(2);
        assertThat(counter[0]).isEqualTo(6);
        assertThat(r.getAttributes(0).getValue().getStringValue()).hasSize(65_535);
        assertThat(r.getAttributes(1).getValue().getStringValue()).isEqualTo("y");
        assertThat(r.getAttributes(2).getValue().getStringValue()).hasSize(65_535);
    }
}
