package dev.otlprelay.receive.http;

import dev.otlprelay.receive.Http2Preface;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * Tells an HTTP/2 client (a gRPC exporter pointed at the HTTP port) from an HTTP/1.1 one by the first bytes of
 * the connection, then replaces itself with the matching pipeline. Bytes already read are passed on.
 */
final class ProtocolSniffer extends ByteToMessageDecoder {
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
        switch (Http2Preface.match(in)) {
            case NOT_HTTP2 -> {
                installer.http1(ctx);
                ctx.pipeline().remove(this);
            }
            case HTTP2 -> {
                installer.http2(ctx);
                ctx.pipeline().remove(this);
            }
            case UNDECIDED -> {
                // A prefix of the preface so far; wait for more bytes.
            }
        }
    }
}
