package dev.otlprelay.receive.grpc;

import dev.otlprelay.receive.Http2Preface;
import io.grpc.netty.GrpcHttp2ConnectionHandler;
import io.grpc.netty.InternalProtocolNegotiator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.util.AsciiString;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Wraps gRPC's plaintext negotiator with a look at the connection's first bytes: an HTTP/1.x client (an
 * OTLP/HTTP exporter or curl pointed at the gRPC port) gets a plain HTTP/1.1 answer saying where OTLP/HTTP goes,
 * instead of HTTP/2 frames it cannot read. gRPC's own handlers are only installed once the bytes are HTTP/2,
 * so nothing of HTTP/2 is written to an HTTP/1.x client.
 */
final class Http1RejectingNegotiator implements InternalProtocolNegotiator.ProtocolNegotiator {
    private final InternalProtocolNegotiator.ProtocolNegotiator delegate;
    private final Supplier<String> httpAddress;
    private final Runnable wrongProtocol;

    /**
     * @param httpAddress   where the relay's OTLP/HTTP listener is bound, read when a client needs the hint
     * @param wrongProtocol counts a connection that spoke HTTP/1 here
     */
    Http1RejectingNegotiator(InternalProtocolNegotiator.ProtocolNegotiator delegate, Supplier<String> httpAddress,
                             Runnable wrongProtocol) {
        this.delegate = delegate;
        this.wrongProtocol = wrongProtocol;
        this.httpAddress = httpAddress;
    }

    @Override
    public AsciiString scheme() {
        return delegate.scheme();
    }

    @Override
    public ChannelHandler newHandler(GrpcHttp2ConnectionHandler grpcHandler) {
        return new Sniffer(delegate.newHandler(grpcHandler));
    }

    @Override
    public void close() {
        delegate.close();
    }

    private final class Sniffer extends ByteToMessageDecoder {
        private final ChannelHandler grpcNegotiation;
        /** gRPC's negotiation events that arrive before we know the protocol; replayed to its handler. */
        private final List<Object> heldEvents = new ArrayList<>();

        Sniffer(ChannelHandler grpcNegotiation) {
            this.grpcNegotiation = grpcNegotiation;
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            heldEvents.add(evt);
        }

        @Override
        protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
            switch (Http2Preface.match(in)) {
                case NOT_HTTP2 -> {
                    in.skipBytes(in.readableBytes());
                    rejectHttp1(ctx);
                }
                case HTTP2 -> {
                    ctx.pipeline().addAfter(ctx.name(), null, grpcNegotiation);
                    for (Object evt : heldEvents) {
                        ctx.fireUserEventTriggered(evt);
                    }
                    heldEvents.clear();
                    ctx.pipeline().remove(this);
                }
                case UNDECIDED -> {
                    // A prefix of the preface so far; wait for more bytes.
                }
            }
        }

        private void rejectHttp1(ChannelHandlerContext ctx) {
            for (Object evt : heldEvents) {
                ReferenceCountUtil.release(evt);
            }
            heldEvents.clear();
            wrongProtocol.run();
            String hint = "this is otlp-relay's OTLP/gRPC port: it speaks HTTP/2 gRPC only (expected: OTLP/HTTP at "
                    + httpAddress.get() + " with POST /v1/traces, or OTEL_EXPORTER_OTLP_PROTOCOL=grpc here)\n";
            byte[] body = hint.getBytes(StandardCharsets.UTF_8);
            String head = "HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: "
                    + body.length + "\r\nConnection: close\r\n\r\n";
            ByteBuf response = Unpooled.wrappedBuffer(head.getBytes(StandardCharsets.US_ASCII), body);
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
    }
}
