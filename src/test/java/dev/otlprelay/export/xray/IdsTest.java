package dev.otlprelay.export.xray;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import org.junit.jupiter.api.Test;

class IdsTest {

    @Test
    void traceIdIsWrittenInXrayFormWithTheFirstFourBytesApart() {
        char[] out = new char[Ids.TRACE_ID_CHARS];

        int length = Ids.traceId(XraySpans.id(XraySpans.TRACE), out);

        assertThat(new String(out, 0, length)).isEqualTo(XraySpans.XRAY_TRACE);
    }

    @Test
    void spanIdIsWrittenAsSixteenLowerCaseHexDigits() {
        char[] out = new char[Ids.TRACE_ID_CHARS];
        out[Ids.SPAN_ID_CHARS] = '#';

        int length = Ids.spanId(XraySpans.id("00ff0aa0b1c2d3e4"), out);

        assertThat(new String(out, 0, length)).isEqualTo("00ff0aa0b1c2d3e4");
        assertThat(out[Ids.SPAN_ID_CHARS]).isEqualTo('#');
    }

    @Test
    void idsOfTheWrongLengthAreRefused() {
        char[] out = new char[Ids.TRACE_ID_CHARS];

        assertThatThrownBy(() -> Ids.traceId(ByteString.copyFrom(new byte[8]), out))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("trace id: 8 bytes");
        assertThatThrownBy(() -> Ids.requireSpanId(ByteString.EMPTY))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("span id: 0 bytes");
    }
}
