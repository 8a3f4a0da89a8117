package dev.otlprelay.receive.http;

import dev.otlprelay.pipeline.ClientContext;
import dev.otlprelay.pipeline.OtlpEncoding;
import dev.otlprelay.receive.Admission;
import dev.otlprelay.receive.Ingest;
import dev.otlprelay.receive.OtlpErrors;
import dev.otlprelay.receive.OtlpOutcome;
import dev.otlprelay.telemetry.ConnectionErrors;
import dev.otlprelay.telemetry.RelayMetrics;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.timeout.IdleStateEvent;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Handles OTLP/HTTP requests on one connection, one at a time: route, check media type and encoding, read the
 * body under the size limit and the admission budget, inflate it boundedly, hand it to {@link Ingest}, answer.
 *
 * <p>Errors found before the body is read (404, 405, 415, 413 by {@code Content-Length}, 503) are answered at
 * once; the rest of that body is then read and discarded so the connection stays usable, up to a cap.
 */
final class OtlpHttpHandler extends SimpleChannelInboundHandler<HttpObject> {
    static final String TRANSPORT = RelayMetrics.TRANSPORT_HTTP;
    /** After an early answer, read and discard at most this much more before closing the connection. */
    private static final long MAX_DISCARD_BYTES = 64L * 1024 * 1024;
    /** The body buffer starts at most this large and grows with what arrives. */
    private static final int INITIAL_BUFFER_BYTES = 64 * 1024;

    private final Ingest ingest;
    private final Admission admission;
    private final RelayMetrics metrics;
    private final long maxRequestBytes;
    private final ConnectionErrors errors;
    private final Duration requestTimeout;
    private final Cors cors;
    /** Fires when the request being read has not arrived whole in time; null between requests. */
    private ScheduledFuture<?> deadline;

    // The request being read on this connection.
    /** Its origin when CORS allows it (kept until it is answered, which may be after the request is read). */
    private String origin;
    private OtlpPath route;
    private String responseType;
    private OtlpEncoding encoding;
    private boolean gzip;
    private boolean keepAlive;
    private ClientContext client;
    private ByteBuf body;
    private long reserved;
    private boolean discarding;
    private long discarded;

    OtlpHttpHandler(Ingest ingest, Admission admission, RelayMetrics metrics, long maxRequestBytes,
                    Duration requestTimeout, Cors cors) {
        this.requestTimeout = requestTimeout;
        this.cors = cors;
        this.errors = new ConnectionErrors(metrics, TRANSPORT);
        this.ingest = ingest;
        this.admission = admission;
        this.metrics = metrics;
        this.maxRequestBytes = maxRequestBytes;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
        if (msg instanceof HttpRequest request) {
            startDeadline(ctx);
            startRequest(ctx, request);
        }
        if (msg instanceof HttpContent content) {
            if (discarding) {
                discard(ctx, content);
            } else if (body != null) {
                append(ctx, content);
            }
            if (content instanceof LastHttpContent) {
                cancelDeadline();
            }
        }
    }

    /**
     * A request must arrive whole within {@code receiver.request_timeout} of its first line: a client that sends a
     * byte a second holds a connection and what it sent, and would otherwise hold them for as long as it likes.
     */
    private void startDeadline(ChannelHandlerContext ctx) {
        cancelDeadline();
        deadline = ctx.executor().schedule(() -> timedOut(ctx), requestTimeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    private void cancelDeadline() {
        if (deadline != null) {
            deadline.cancel(false);
            deadline = null;
        }
    }

    private void timedOut(ChannelHandlerContext ctx) {
        deadline = null;
        if (!ctx.channel().isActive()) {
            return;
        }
        keepAlive = false;
        boolean reading = body != null || discarding;
        releaseBody();
        discarding = false;
        if (reading) {
            respond(ctx, ingest.fail(TRANSPORT, OtlpOutcome.Kind.REQUEST_TIMEOUT, "request_timeout",
                    "the request did not arrive whole within " + requestTimeout.toMillis() + " ms (expected: a "
                            + "client that sends its request at once; the limit is RELAY_REQUEST_TIMEOUT)"));
        } else {
            ctx.close();
        }
    }

    private void startRequest(ChannelHandlerContext ctx, HttpRequest request) {
        resetRequest();
        keepAlive = HttpUtil.isKeepAlive(request);
        route = null;
        origin = null;
        String contentType = MediaTypes.token(request.headers().get(HttpHeaderNames.CONTENT_TYPE));
        responseType = MediaTypes.answerType(contentType);
        if (request.decoderResult().isFailure()) {
            keepAlive = false;
            Throwable cause = request.decoderResult().cause();
            answerEarly(ctx, request, cause instanceof TooLongHttpHeaderException
                    ? ingest.fail(TRANSPORT, OtlpOutcome.Kind.HEADERS_TOO_LARGE, "headers_too_large",
                            "request headers too large: " + cause.getMessage()
                                    + " (expected: at most 8 KiB of headers)")
                    : ingest.fail(TRANSPORT, OtlpOutcome.Kind.BAD_REQUEST, "malformed_http",
                            "malformed HTTP request: " + cause.getMessage()));
            return;
        }
        origin = cors.allowedOrigin(request);
        if (cors.enabled() && Cors.isPreflight(request)) {
            answerPreflight(ctx, request);
            return;
        }
        OtlpOutcome refused = refusal(request, contentType);
        if (refused != null) {
            answerEarly(ctx, request, refused);
            return;
        }
        HttpHeaders headers = request.headers();
        long contentLength = HttpUtil.getContentLength(request, -1L);
        reserved = 0;
        client = new ClientContext(TRANSPORT, headers.get("x-honeycomb-team"), headers.get("x-honeycomb-dataset"));
        int initialCapacity = (int) Math.min(contentLength > 0 ? contentLength : 8192, INITIAL_BUFFER_BYTES);
        body = Unpooled.buffer(initialCapacity, (int) Math.min(Integer.MAX_VALUE - 8, maxRequestBytes));
        if (HttpUtil.is100ContinueExpected(request)) {
            ctx.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE));
        }
    }

    /**
     * Why this request is refused before its body is read (404, 405, 415, 413 by {@code Content-Length}, 503), or
     * null; on the way it notes the path, encoding and compression the body will be read with.
     */
    private OtlpOutcome refusal(HttpRequest request, String contentType) {
        String path = OtlpPath.pathOf(request.uri());
        route = OtlpPath.of(path);
        if (route == null) {
            return ingest.fail(TRANSPORT, OtlpOutcome.Kind.NOT_FOUND, "wrong_path", PathHints.notFound(path));
        }
        if (!HttpMethod.POST.equals(request.method())) {
            return ingest.fail(TRANSPORT, OtlpOutcome.Kind.METHOD_NOT_ALLOWED, "wrong_method",
                    "method " + request.method() + " is not allowed on " + path + " (expected: POST"
                            + (Cors.isPreflight(request) ? "; this is a browser's CORS preflight, and CORS is "
                            + "off: allow the page's origin with RELAY_CORS_ALLOWED_ORIGINS)" : ")"));
        }
        HttpHeaders headers = request.headers();
        encoding = MediaTypes.encodingOf(contentType);
        if (encoding == null) {
            return ingest.fail(TRANSPORT, OtlpOutcome.Kind.UNSUPPORTED_MEDIA_TYPE, "unsupported_content_type",
                    "unsupported Content-Type \"" + contentType
                            + "\" (expected: application/x-protobuf, application/protobuf or application/json)");
        }
        String contentEncoding = MediaTypes.token(headers.get(HttpHeaderNames.CONTENT_ENCODING));
        switch (contentEncoding) {
            case "", "identity" -> gzip = false;
            case "gzip", "x-gzip" -> gzip = true;
            default -> {
                return ingest.fail(TRANSPORT, OtlpOutcome.Kind.UNSUPPORTED_MEDIA_TYPE,
                        "unsupported_encoding", "unsupported Content-Encoding \"" + contentEncoding
                                + "\" (expected: gzip or identity)");
            }
        }
        long contentLength = HttpUtil.getContentLength(request, -1L);
        if (contentLength > maxRequestBytes) {
            return tooLarge("request body of " + contentLength + " bytes");
        }
        // Nothing is reserved, and little allocated, for what the client only says it will send: the budget holds
        // the bytes that have arrived (append), so slow clients declaring large bodies cannot starve the others.
        if (admission.utilisation() >= 1.0) {
            return ingest.refuse(TRANSPORT, "admission");
        }
        return null;
    }

    private void append(ChannelHandlerContext ctx, HttpContent content) {
        ByteBuf chunk = content.content();
        long size = (long) body.readableBytes() + chunk.readableBytes();
        if (size > maxRequestBytes) {
            failMidBody(ctx, content, tooLarge("request body of more than " + maxRequestBytes + " bytes"));
            return;
        }
        if (size > reserved) {
            if (!admission.tryAcquire(size - reserved)) {
                failMidBody(ctx, content, ingest.refuse(TRANSPORT, "admission"));
                return;
            }
            reserved = size;
        }
        body.writeBytes(chunk);
        if (content instanceof LastHttpContent) {
            finish(ctx);
        }
    }

    private void finish(ChannelHandlerContext ctx) {
        byte[] bytes = body.array();
        int offset = body.arrayOffset() + body.readerIndex();
        int length = body.readableBytes();
        CompletableFuture<OtlpOutcome> result;
        if (gzip && length > 0) {
            try {
                BoundedInflater.Inflated inflated = BoundedInflater.gunzip(bytes, offset, length, maxRequestBytes,
                        admission);
                releaseBody();
                reserved = inflated.reserved();
                result = handOn(inflated.bytes(), 0, inflated.length());
            } catch (BoundedInflater.TooLargeException e) {
                result = completed(tooLarge("gzip body that inflates to more than " + maxRequestBytes + " bytes"));
            } catch (BoundedInflater.OverBudgetException e) {
                result = completed(ingest.refuse(TRANSPORT, "admission"));
            } catch (IOException e) {
                result = completed(ingest.fail(TRANSPORT, OtlpOutcome.Kind.BAD_REQUEST, "invalid_gzip",
                        "invalid gzip body: " + e.getMessage()
                                + " (expected: a complete gzip stream, as Content-Encoding: gzip says)"));
            }
        } else {
            result = handOn(bytes, offset, length);
        }
        if (result.isDone()) {
            // Give the budget back before answering: once a client has its answer, the bytes are no longer held.
            resetRequest();
            respond(ctx, result.join());
            return;
        }
        // A destination acknowledges once the data is durable: keep the budget, read nothing more on this
        // connection, and answer when it is settled.
        long held = reserved;
        reserved = 0;
        resetRequest();
        ctx.channel().config().setAutoRead(false);
        result.whenComplete((outcome, error) -> ctx.executor().execute(() -> {
            admission.release(held);
            respond(ctx, outcome != null ? outcome : ingest.refuse(TRANSPORT, "spool_unavailable"));
            ctx.channel().config().setAutoRead(true);
        }));
    }

    private CompletableFuture<OtlpOutcome> handOn(byte[] bytes, int offset, int length) {
        return route.handOn(ingest, bytes, offset, length, encoding, client);
    }

    private static CompletableFuture<OtlpOutcome> completed(OtlpOutcome outcome) {
        return CompletableFuture.completedFuture(outcome);
    }

    private OtlpOutcome tooLarge(String what) {
        return ingest.fail(TRANSPORT, OtlpOutcome.Kind.PAYLOAD_TOO_LARGE, "too_large", what + " is over the limit of "
                + maxRequestBytes + " bytes after decompression (expected: smaller batches, e.g. a lower "
                + "OTEL_BSP_MAX_EXPORT_BATCH_SIZE; the limit is RELAY_MAX_REQUEST_BYTES)");
    }

    /** Answers before (all of) the body is read, then discards the rest of it. */
    private void answerEarly(ChannelHandlerContext ctx, HttpRequest request, OtlpOutcome outcome) {
        if (HttpUtil.is100ContinueExpected(request)) {
            // The client may or may not send the body now; only a fresh connection is unambiguous.
            keepAlive = false;
        }
        releaseBody();
        respond(ctx, outcome);
        discarding = keepAlive;
        discarded = 0;
    }

    /**
     * A CORS preflight: 204 with what the page may do, or 403 saying why not (a browser shows only that CORS
     * blocked the request; the reason is for whoever looks with curl, and counted as {@code cors_refused}).
     */
    private void answerPreflight(ChannelHandlerContext ctx, HttpRequest request) {
        String refusal = cors.refusal(request);
        if (refusal != null) {
            metrics.refusedRequests(TRANSPORT, "cors_refused").increment();
        }
        send(ctx, cors.preflightAnswer(request, refusal));
        discarding = keepAlive;
        discarded = 0;
    }

    private void failMidBody(ChannelHandlerContext ctx, HttpContent content, OtlpOutcome outcome) {
        releaseBody();
        respond(ctx, outcome);
        discarding = keepAlive;
        discarded = 0;
        if (discarding) {
            discard(ctx, content);
        }
    }

    private void discard(ChannelHandlerContext ctx, HttpContent content) {
        discarded += content.content().readableBytes();
        if (content instanceof LastHttpContent) {
            discarding = false;
        } else if (discarded > MAX_DISCARD_BYTES) {
            ctx.close();
        }
    }

    private void respond(ChannelHandlerContext ctx, OtlpOutcome outcome) {
        FullHttpResponse response = OtlpResponses.of(outcome,
                route == null ? OtlpErrors.Service.TRACES : route.signal, responseType);
        cors.answerHeaders(origin, response.headers());
        send(ctx, response);
    }

    private void send(ChannelHandlerContext ctx, FullHttpResponse response) {
        HttpHeaders h = response.headers();
        metrics.requests(TRANSPORT, Integer.toString(response.status().code())).increment();
        if (keepAlive) {
            h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            ctx.writeAndFlush(response);
        } else {
            h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
    }

    private void resetRequest() {
        releaseBody();
        discarding = false;
        gzip = false;
        encoding = null;
        client = null;
    }

    private void releaseBody() {
        body = null;
        if (reserved > 0) {
            admission.release(reserved);
            reserved = 0;
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        cancelDeadline();
        releaseBody();
        super.channelInactive(ctx);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof IdleStateEvent) {
            ctx.close();
        } else {
            super.userEventTriggered(ctx, evt);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        releaseBody();
        errors.caught(cause);
        ctx.close();
    }
}
