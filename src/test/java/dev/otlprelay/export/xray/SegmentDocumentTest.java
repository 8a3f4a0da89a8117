package dev.otlprelay.export.xray;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SegmentDocumentTest {

    @Test
    void secondsAreExactToTheMicrosecond() {
        assertThat(seconds(XraySpans.START)).isEqualTo(XraySpans.START_TEXT);
        assertThat(seconds(1_000_000_000L)).isEqualTo("1.000000");
        assertThat(seconds(9_999_999_999_999L)).isEqualTo("9999.999999");
    }

    @Test
    void secondsDropNanosecondsBelowAMicrosecond() {
        assertThat(seconds(0)).isEqualTo("0.000000");
        assertThat(seconds(999)).isEqualTo("0.000000");
    }

    @Test
    void secondsBeforeTheEpochCountTheFractionUpFromTheWholeSecondBelow() {
        assertThat(seconds(-1)).isEqualTo("-1.999999");
        assertThat(seconds(-1_000_000_000L)).isEqualTo("-1.000000");
    }

    @Test
    void theExtremesFitTheLongestText() {
        assertThat(seconds(Long.MIN_VALUE)).isEqualTo("-9223372037.145224").hasSize(SegmentDocument.MAX_SECONDS_CHARS);
        assertThat(seconds(Long.MAX_VALUE)).isEqualTo("9223372036.854775");
    }

    private static String seconds(long nanos) {
        char[] out = new char[SegmentDocument.MAX_SECONDS_CHARS];
        return new String(out, 0, SegmentDocument.seconds(nanos, out));
    }
}
