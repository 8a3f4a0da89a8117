package dev.otlprelay.receive.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Tells an HTTP/2 client (a gRPC exporter pointed at the HTTP port) from an HTTP/1.1 one by the first bytes of
 * the connection, then replaces itself with the matching pipeline. Bytes already read are passed on.
 */
final class ProtocolSniffer extends ByteToMessageDecoder {
    private static final byte[] H2_PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    /** Installs the handlers for one protocol after the sniffer. */
    interface Installer {
        void http1(ChannelHandlerContext sniffer);

        void http2(ChannelHandlerContext sniffer);
    }

    private final Installer installer;

    ProtocolSniffer(Installer installer) {
        this.installer = installer;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        int n = Math.min(in.readableBytes(), H2_PREFACE.length);
        for (int i = 0; i < n; i++) {
            if (in.getByte(in.readerIndex() + i) != H2_PREFACE[i]) {
                installer.http1(ctx);
                ctx.pipeline().remove(this);
                return;
            }
        }
        if (n == H2_PREFACE.length) {
            installer.http2(ctx);
            ctx.pipeline().remove(this);
        }
        // else: a prefix of the preface so far; wait for more bytes.
    }
}
