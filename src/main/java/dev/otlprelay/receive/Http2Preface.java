package dev.otlprelay.receive;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/**
 * The HTTP/2 connection preface (RFC 9113, section 3.4), the first bytes every HTTP/2 client sends. Both listeners
 * look for it to tell a gRPC client from an HTTP/1.x one on the wrong port and answer each in its own protocol.
 */
public final class Http2Preface {
    private static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    /** What a connection's first bytes say so far. */
    public enum Match {
        /** The whole preface: HTTP/2. */
        HTTP2,
        /** A byte differs from the preface: not HTTP/2 (HTTP/1.x, or garbage). */
        NOT_HTTP2,
        /** A proper prefix of the preface so far: wait for more bytes. */
        UNDECIDED
    }

    private Http2Preface() {
    }

    /** Compares the readable bytes of {@code in} with the preface, without consuming them. */
    public static Match match(ByteBuf in) {
        int n = Math.min(in.readableBytes(), PREFACE.length);
        for (int i = 0; i < n; i++) {
            if (in.getByte(in.readerIndex() + i) != PREFACE[i]) {
                return Match.NOT_HTTP2;
            }
        }
        return n == PREFACE.length ? Match.HTTP2 : Match.UNDECIDED;
    }
}
