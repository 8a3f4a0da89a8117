package dev.otlprelay.receive.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.util.ReferenceCountUtil;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

/**
 * Answers HTTP/2 (gRPC) requests that reached the OTLP/HTTP port with a gRPC "trailers-only" error saying where
 * gRPC goes, so a misconfigured exporter logs a clear message instead of hanging or failing obscurely.
 */
final class GrpcOnHttpPortHandler extends ChannelInboundHandlerAdapter {
    private final Supplier<String> grpcAddress;

    /** @param grpcAddress where the relay's gRPC listener is bound, read when a request comes */
    GrpcOnHttpPortHandler(Supplier<String> grpcAddress) {
        this.grpcAddress = grpcAddress;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (msg instanceof Http2HeadersFrame request) {
                Http2Headers answer = new DefaultHttp2Headers()
                        .status("200")
                        .set("content-type", "application/grpc")
                        .setInt("grpc-status", io.grpc.Status.Code.UNIMPLEMENTED.value())
                        .set("grpc-message", URLEncoder.encode(message(), StandardCharsets.UTF_8).replace("+", "%20"));
                ctx.writeAndFlush(new DefaultHttp2HeadersFrame(answer, true).stream(request.stream()));
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private String message() {
        return "this is otlp-relay's OTLP/HTTP port: it speaks HTTP/1.1 with POST /v1/traces (expected: gRPC at "
                + grpcAddress.get() + ", or OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf here)";
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
