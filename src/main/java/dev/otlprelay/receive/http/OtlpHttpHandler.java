package dev.otlprelay.receive.http;

import dev.otlprelay.pipeline.ClientContext;
import dev.otlprelay.pipeline.OtlpEncoding;
import dev.otlprelay.receive.Admission;
import dev.otlprelay.receive.Ingest;
import dev.otlprelay.receive.OtlpErrors;
import dev.otlprelay.receive.OtlpOutcome;
import dev.otlprelay.telemetry.ConnectionErrors;
import dev.otlprelay.telemetry.RelayMetrics;
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
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.timeout.IdleStateEvent;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Handles OTLP/HTTP requests on one connection, one at a time: route ({@link OtlpPath}), check media type and
 * encoding ({@link MediaTypes}), read the body under the size limit and the admission budget and inflate it
 * boundedly ({@link RequestBody}), hand it to {@link Ingest}, answer ({@link OtlpResponses}, with {@link Cors}'
 * headers). A CORS preflight is answered by {@link Cors}.
 *
 * <p>Errors found before the body is read (404, 405, 415, 413 by {@code Content-Length}, 503) are answered at
 * once; the rest of that body is then read and discarded so the connection stays usable, up to a cap. A request
 * must arrive whole within {@code receiver.request_timeout}.
 */
final class OtlpHttpHandler extends SimpleChannelInboundHandler<HttpObject> {
    static final String TRANSPORT = RelayMetrics.TRANSPORT_HTTP;

    private final Ingest ingest;
    private final Admission admission;
    private final RelayMetrics metrics;
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
    private final RequestBody body;

    /** A handler on its own (as tests build one), counting connection errors itself. */
    OtlpHttpHandler(Ingest ingest, Admission admission, RelayMetrics metrics, long maxRequestBytes,
                    Duration requestTimeout, Cors cors) {
        this(ingest, admission, metrics, maxRequestBytes, requestTimeout, cors,
                new ConnectionErrors(metrics, TRANSPORT));
    }

    /** @param errors counts connection errors; one for the listener, shared by its handlers */
    OtlpHttpHandler(Ingest ingest, Admission admission, RelayMetrics metrics, long maxRequestBytes,
                    Duration requestTimeout, Cors cors, ConnectionErrors errors) {
        this.requestTimeout = requestTimeout;
        this.cors = cors;
        this.errors = errors;
        this.ingest = ingest;
        this.admission = admission;
        this.metrics = metrics;
        this.body = new RequestBody(ingest, admission, maxRequestBytes);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
        if (msg instanceof HttpRequest request) {
            startDeadline(ctx);
            startRequest(ctx, request);
        }
        if (msg instanceof HttpContent content) {
            if (body.discarding()) {
                discard(ctx, content);
            } else if (body.reading()) {
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
        boolean reading = body.reading() || body.discarding();
        body.reset();
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
            answerEarly(ctx, request, undecodable(request.decoderResult().cause()));
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
        client = new ClientContext(TRANSPORT, headers.get("x-honeycomb-team"), headers.get("x-honeycomb-dataset"));
        body.start(HttpUtil.getContentLength(request, -1L));
        if (HttpUtil.is100ContinueExpected(request)) {
            ctx.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE));
        }
    }

    /** Why a request the HTTP decoder could not read is refused: 431 for headers too large, else 400. */
    private OtlpOutcome undecodable(Throwable cause) {
        if (cause instanceof TooLongHttpHeaderException) {
            return ingest.fail(TRANSPORT, OtlpOutcome.Kind.HEADERS_TOO_LARGE, "headers_too_large",
                    "request headers too large: " + cause.getMessage() + " (expected: at most 8 KiB of headers)");
        }
        return ingest.fail(TRANSPORT, OtlpOutcome.Kind.BAD_REQUEST, "malformed_http",
                "malformed HTTP request: " + cause.getMessage());
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
        encoding = MediaTypes.encodingOf(contentType);
        if (encoding == null) {
            return ingest.fail(TRANSPORT, OtlpOutcome.Kind.UNSUPPORTED_MEDIA_TYPE, "unsupported_content_type",
                    "unsupported Content-Type \"" + contentType
                            + "\" (expected: application/x-protobuf, application/protobuf or application/json)");
        }
        String contentEncoding = MediaTypes.token(request.headers().get(HttpHeaderNames.CONTENT_ENCODING));
        switch (contentEncoding) {
            case "", "identity" -> gzip = false;
            case "gzip", "x-gzip" -> gzip = true;
            default -> {
                return ingest.fail(TRANSPORT, OtlpOutcome.Kind.UNSUPPORTED_MEDIA_TYPE,
                        "unsupported_encoding", "unsupported Content-Encoding \"" + contentEncoding
                                + "\" (expected: gzip or identity)");
            }
        }
        return body.refusal(HttpUtil.getContentLength(request, -1L));
    }

    private void append(ChannelHandlerContext ctx, HttpContent content) {
        OtlpOutcome refused = body.append(content.content());
        if (refused != null) {
            failMidBody(ctx, content, refused);
        } else if (content instanceof LastHttpContent) {
            finish(ctx);
        }
    }

    private void finish(ChannelHandlerContext ctx) {
        CompletableFuture<OtlpOutcome> result = body.handOn(route, encoding, gzip, client);
        if (result.isDone()) {
            // Give the budget back before answering: once a client has its answer, the bytes are no longer held.
            resetRequest();
            respond(ctx, result.join());
            return;
        }
        // A destination acknowledges once the data is durable: keep the budget, read nothing more on this
        // connection, and answer when it is settled.
        long held = body.keepBudget();
        resetRequest();
        ctx.channel().config().setAutoRead(false);
        result.whenComplete((outcome, error) -> ctx.executor().execute(() -> {
            admission.release(held);
            respond(ctx, outcome != null ? outcome : ingest.refuse(TRANSPORT, "spool_unavailable"));
            ctx.channel().config().setAutoRead(true);
        }));
    }

    /** Answers before (all of) the body is read, then discards the rest of it. */
    private void answerEarly(ChannelHandlerContext ctx, HttpRequest request, OtlpOutcome outcome) {
        if (HttpUtil.is100ContinueExpected(request)) {
            // The client may or may not send the body now; only a fresh connection is unambiguous.
            keepAlive = false;
        }
        body.release();
        respond(ctx, outcome);
        if (keepAlive) {
            body.discardRest();
        }
    }

    /** A CORS preflight, answered by {@link Cors}; a refused one is counted as {@code cors_refused}. */
    private void answerPreflight(ChannelHandlerContext ctx, HttpRequest request) {
        String refusal = cors.refusal(request);
        if (refusal != null) {
            metrics.refusedRequests(TRANSPORT, "cors_refused").increment();
        }
        send(ctx, cors.preflightAnswer(request, refusal));
        if (keepAlive) {
            body.discardRest();
        }
    }

    private void failMidBody(ChannelHandlerContext ctx, HttpContent content, OtlpOutcome outcome) {
        body.release();
        respond(ctx, outcome);
        if (keepAlive) {
            body.discardRest();
            discard(ctx, content);
        }
    }

    private void discard(ChannelHandlerContext ctx, HttpContent content) {
        if (!body.discard(content)) {
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
        body.reset();
        gzip = false;
        encoding = null;
        client = null;
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        cancelDeadline();
        body.release();
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
        body.release();
        errors.caught(cause);
        ctx.close();
    }
}
