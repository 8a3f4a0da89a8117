package dev.otlprelay.bench;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;

/**
 * The floor: reads each request's body, decodes nothing and answers 200 with an empty export response, so that
 * the relay's cost can be told apart from the cost of moving OTLP bytes over loopback on the same machine.
 */
final class NullRelayHandler extends ChannelInboundHandlerAdapter {
    private final SinkCounts counts;
    private boolean countsRequested;

    NullRelayHandler(SinkCounts counts) {
        this.counts = counts;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (msg instanceof HttpRequest request) {
                countsRequested = request.method().equals(HttpMethod.GET) && request.uri().equals("/counts");
            }
            if (msg instanceof HttpContent content) {
                counts.nullRelayBytes.add(content.content().readableBytes());
            }
            if (msg instanceof LastHttpContent) {
                if (countsRequested) {
                    ctx.writeAndFlush(SinkResponses.json(counts.json()));
                    return;
                }
                counts.nullRelayRequests.increment();
                FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                        Unpooled.EMPTY_BUFFER);
                response.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/x-protobuf")
                        .setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
                ctx.writeAndFlush(response);
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
