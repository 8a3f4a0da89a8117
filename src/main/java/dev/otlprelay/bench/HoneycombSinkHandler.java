package dev.otlprelay.bench;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import java.io.IOException;

/**
 * Honeycomb's OTLP/HTTP ingest, reduced to what a benchmark needs: {@code POST /v1/traces} bodies (gzip already
 * inflated by the pipeline) are decoded and their spans counted, then answered 200 with an empty
 * {@code ExportTraceServiceResponse}; {@code GET /counts} shows the counts.
 */
final class HoneycombSinkHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private final SinkCounts counts;

    HoneycombSinkHandler(SinkCounts counts) {
        this.counts = counts;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        String path = request.uri();
        if (request.method().equals(HttpMethod.GET) && path.equals("/counts")) {
            ctx.writeAndFlush(SinkResponses.json(counts.json()));
            return;
        }
        if (!request.method().equals(HttpMethod.POST)) {
            ctx.writeAndFlush(SinkResponses.empty(HttpResponseStatus.METHOD_NOT_ALLOWED));
            return;
        }
        String key = request.headers().get("x-honeycomb-team");
        if (key == null || key.isBlank()) {
            counts.honeycombNoKey.increment();
            ctx.writeAndFlush(SinkResponses.json(HttpResponseStatus.UNAUTHORIZED,
                    "{\"error\":\"unknown API key - check your credentials\"}"));
            return;
        }
        switch (path) {
            case "/v1/traces" -> ctx.writeAndFlush(traces(request.content()));
            case "/v1/metrics", "/v1/logs" -> {
                counts.passthroughRequests.increment();
                ctx.writeAndFlush(SinkResponses.empty(HttpResponseStatus.OK));
            }
            default -> ctx.writeAndFlush(SinkResponses.empty(HttpResponseStatus.NOT_FOUND));
        }
    }

    private FullHttpResponse traces(ByteBuf body) {
        ExportTraceServiceRequest request;
        try {
            CodedInputStream in = CodedInputStream.newInstance(body.nioBuffer());
            request = ExportTraceServiceRequest.parseFrom(in);
        } catch (InvalidProtocolBufferException e) {
            counts.honeycombBadRequests.increment();
            return SinkResponses.json(HttpResponseStatus.BAD_REQUEST, "{\"error\":\"request body could not be "
                    + "decoded\"}");
        } catch (IOException e) {
            counts.honeycombBadRequests.increment();
            return SinkResponses.empty(HttpResponseStatus.BAD_REQUEST);
        }
        long spans = 0;
        for (ResourceSpans rs : request.getResourceSpansList()) {
            for (ScopeSpans ss : rs.getScopeSpansList()) {
                spans += ss.getSpansCount();
            }
        }
        counts.honeycombSpans.add(spans);
        counts.honeycombRequests.increment();
        counts.honeycombBytes.add(body.readableBytes());
        // An empty ExportTraceServiceResponse encodes to zero bytes.
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                Unpooled.EMPTY_BUFFER);
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/x-protobuf")
                .setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
        return response;
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
