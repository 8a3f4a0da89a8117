package dev.otlprelay.export.xray;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ByteSinkTest {

    @Test
    void holdsWhatWasWrittenSinceTheLastReset() {
        ByteSink sink = new ByteSink(16);
        sink.write(bytes("stale"), 0, 5);
        sink.reset();

        sink.write(bytes("xhello"), 1, 5);
        sink.write('!');

        assertThat(text(sink.contents())).isEqualTo("hello!");
        assertThat(sink.size()).isEqualTo(6);
    }

    @Test
    void aWritePastTheBoundThrowsAtOnceAndWritesNothing() {
        ByteSink sink = new ByteSink(8);
        sink.write(bytes("1234567"), 0, 7);

        assertThatThrownBy(() -> sink.write(bytes("89"), 0, 2)).isSameAs(ByteSink.Full.INSTANCE);
        sink.write('8');
        assertThatThrownBy(() -> sink.write('9')).isSameAs(ByteSink.Full.INSTANCE);
        assertThat(text(sink.contents())).isEqualTo("12345678");
    }

    @Test
    void contentsAreADirectBufferThatReadingDoesNotConsume() {
        ByteSink sink = new ByteSink(8);
        sink.write(bytes("abc"), 0, 3);

        ByteBuffer first = sink.contents();
        assertThat(first.isDirect()).isTrue();
        assertThat(text(first)).isEqualTo("abc");
        assertThat(text(sink.contents())).isEqualTo("abc");
    }

    @Test
    void copiesAnyPartOfWhatWasWritten() {
        ByteSink sink = new ByteSink(8);
        sink.write(bytes("abcdef"), 0, 6);

        assertThat(new String(sink.copy(1, 4), StandardCharsets.US_ASCII)).isEqualTo("bcd");
        assertThat(sink.copy(6, 6)).isEmpty();
        assertThat(sink.size()).isEqualTo(6);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static String text(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return new String(out, StandardCharsets.US_ASCII);
    }
}
