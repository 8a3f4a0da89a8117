package dev.otlprelay.receive.http;

import dev.otlprelay.telemetry.ConnectionErrors;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.util.AsciiString;
import io.netty.util.ReferenceCountUtil;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

/**
 * Routes one HTTP/2 stream on the OTLP/HTTP port (h2c with prior knowledge) by its request's content type. OTLP/HTTP
 * over HTTP/2 is served like HTTP/1.1: the stream's frames become HTTP messages and go through the same
 * {@link OtlpHttpHandler}, with the same statuses, limits and counters. A gRPC request (content type
 * {@code application/grpc…}) is answered with a gRPC "trailers-only" error saying where gRPC goes, so that a
 * misconfigured exporter logs a clear message instead of believing its data delivered.
 */
final class Http2StreamRouter extends ChannelInboundHandlerAdapter {
    private static final AsciiString GRPC = AsciiString.of("application/grpc");

    private final Supplier<String> grpcAddress;
    private final Supplier<ChannelHandler> otlp;
    private final ConnectionErrors errors;
    private final Runnable wrongProtocol;
    /** This stream is gRPC, answered already: whatever else it sends is dropped. */
    private boolean grpc;

    /**
     * @param grpcAddress where the relay's gRPC listener is bound, read when a gRPC request comes
     * @param otlp        makes the handler that serves one OTLP/HTTP request
     * @param wrongProtocol counts a gRPC request answered here
     */
    Http2StreamRouter(Supplier<String> grpcAddress, Supplier<ChannelHandler> otlp, ConnectionErrors errors,
                      Runnable wrongProtocol) {
        this.errors = errors;
        this.wrongProtocol = wrongProtocol;
        this.grpcAddress = grpcAddress;
        this.otlp = otlp;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (grpc) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (!(msg instanceof Http2HeadersFrame headers)) {
            // A stream opens with its headers; anything before them is not a request.
            ReferenceCountUtil.release(msg);
            return;
        }
        CharSequence contentType = headers.headers().get("content-type");
        if (contentType != null && AsciiString.regionMatches(contentType, true, 0, GRPC, 0, GRPC.length())) {
            grpc = true;
            wrongProtocol.run();
            answerGrpc(ctx);
            return;
        }
        ChannelPipeline p = ctx.pipeline();
        p.addAfter(ctx.name(), "http", new Http2StreamFrameToHttpObjectCodec(true));
        p.addAfter("http", "otlp", otlp.get());
        ctx.fireChannelRead(msg);
        p.remove(this);
    }

    private void answerGrpc(ChannelHandlerContext ctx) {
        Http2Headers answer = new DefaultHttp2Headers()
                .status("200")
                .set("content-type", "application/grpc")
                .setInt("grpc-status", io.grpc.Status.Code.UNIMPLEMENTED.value())
                .set("grpc-message", URLEncoder.encode(message(), StandardCharsets.UTF_8).replace("+", "%20"));
        ctx.writeAndFlush(new DefaultHttp2HeadersFrame(answer, true));
    }

    private String message() {
        return "this is otlp-relay's OTLP/HTTP port: it speaks OTLP/HTTP (POST /v1/traces, HTTP/1.1 or HTTP/2) "
                + "(expected: gRPC at " + grpcAddress.get() + ", or OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf here)";
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        errors.caught(cause);
        ctx.close();
    }
}
