package dev.otlprelay.receive;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class Http2PrefaceTest {
    private static final String PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";

    private static Http2Preface.Match match(String bytes) {
        ByteBuf in = Unpooled.copiedBuffer(bytes, StandardCharsets.ISO_8859_1);
        try {
            Http2Preface.Match m = Http2Preface.match(in);
            assertThat(in.readerIndex()).as("nothing consumed").isZero();
            return m;
        } finally {
            in.release();
        }
    }

    @Test
    void wholePrefaceIsHttp2EvenWithFramesAfterIt() {
        assertThat(match(PREFACE)).isEqualTo(Http2Preface.Match.HTTP2);
        assertThat(match(PREFACE + "\0\0\0\4\0\0\0\0\0")).isEqualTo(Http2Preface.Match.HTTP2);
    }

    @Test
    void prefixOfThePrefaceIsUndecided() {
        assertThat(match("")).isEqualTo(Http2Preface.Match.UNDECIDED);
        assertThat(match("PRI * HTTP/2.0\r\n")).isEqualTo(Http2Preface.Match.UNDECIDED);
        assertThat(match(PREFACE.substring(0, PREFACE.length() - 1))).isEqualTo(Http2Preface.Match.UNDECIDED);
    }

    @Test
    void http1RequestIsNotHttp2AtTheFirstDifferentByte() {
        assertThat(match("POST /v1/traces HTTP/1.1\r\n")).isEqualTo(Http2Preface.Match.NOT_HTTP2);
        assertThat(match("P")).isEqualTo(Http2Preface.Match.UNDECIDED);
        assertThat(match("PO")).isEqualTo(Http2Preface.Match.NOT_HTTP2);
        assertThat(match("PRI * HTTP/1.1")).isEqualTo(Http2Preface.Match.NOT_HTTP2);
    }

    @Test
    void readsFromTheReaderIndex() {
        ByteBuf in = Unpooled.copiedBuffer("xx" + PREFACE, StandardCharsets.ISO_8859_1);
        try {
            in.skipBytes(2);
            assertThat(Http2Preface.match(in)).isEqualTo(Http2Preface.Match.HTTP2);
        } finally {
            in.release();
        }
    }
}
