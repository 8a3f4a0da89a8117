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
}
