package dev.otlprelay.receive;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnsafeByteOperations;
import dev.otlprelay.pipeline.Acceptance;
import dev.otlprelay.pipeline.BatchConsumer;
import dev.otlprelay.pipeline.ClientContext;
import dev.otlprelay.pipeline.Nesting;
import dev.otlprelay.pipeline.OtlpEncoding;
import dev.otlprelay.pipeline.PassthroughBatch;
import dev.otlprelay.pipeline.TraceBatch;
import dev.otlprelay.telemetry.RateLimitedLog;
import dev.otlprelay.telemetry.RelayMetrics;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;

/**
 * The transport-neutral core of both receivers: decode → validate ids → hand on → answer. The transports only
 * move bytes and hold the admission budget; everything a client can observe about a body is decided here, once.
 *
 * <p>Accounting, per transport: every span of a decodable request is counted exactly once, as
 * {@code accepted_spans} (handed on) or {@code refused_spans{reason}} (invalid id, or the pipeline was full).
 * Requests that cannot be decoded are counted in {@code refused_requests{reason}}.
 */
public final class Ingest {
    private final BatchConsumer next;
    private final RelayMetrics metrics;
    private final Duration retryAfter;
    private static final RateLimitedLog WARNINGS = new RateLimitedLog(
            java.util.logging.Logger.getLogger(Ingest.class.getName()), Duration.ofMinutes(1));

    private volatile boolean closing;
    /** Set while the relay binds its ports before its destinations run: requests are refused, to be retried. */
    private volatile boolean starting;

    public Ingest(BatchConsumer next, RelayMetrics metrics, Duration retryAfter) {
        this.next = next;
        this.metrics = metrics;
        this.retryAfter = retryAfter;
    }

    /** From now on every request is answered "unavailable, retry later": the relay is shutting down. */
    public void close() {
        closing = true;
    }

    /**
     * Until {@link #open()}, every request is answered "unavailable, retry later" (reason {@code starting}): the
     * listeners are bound before the destinations start (so that a relay whose ports are taken fails before it
     * touches its spool), and nothing may reach a destination before it runs.
     */
    public void refuseUntilOpen() {
        starting = true;
    }

    /** Takes requests from now on (unless closed). */
    public void open() {
        starting = false;
    }

    /** Why a request is refused before it is read, or null when the relay takes requests. */
    private String unavailable() {
        return closing ? "shutting_down" : starting ? "starting" : null;
    }

    public Duration retryAfter() {
        return retryAfter;
    }

    /**
     * Handles one trace export request whose (decompressed) body is {@code body[offset, offset+length)}. The
     * outcome is usually complete at return; it completes later when a destination acknowledges only once the
     * data is durable (the spool's fsync), and the transport answers the client then.
     *
     * <p>The caller hands {@code body} over: it must not change it afterwards, because a protobuf body is kept
     * (not copied) as the batch's {@link TraceBatch#encoded()} bytes.
     */
    public CompletableFuture<OtlpOutcome> traces(byte[] body, int offset, int length, OtlpEncoding encoding,
                                                 ClientContext client) {
        String transport = client.transport();
        metrics.requestBytes(transport).record(length);
        String unavailable = unavailable();
        if (unavailable != null) {
            return done(refuse(transport, unavailable));
        }
        ExportTraceServiceRequest request;
        SpanValidator.TooDeep tooDeep = new SpanValidator.TooDeep();
        try {
            request = encoding == OtlpEncoding.JSON
                    ? OtlpJson.mergeTraces(body, offset, length, ExportTraceServiceRequest.newBuilder(), tooDeep)
                    .build()
                    : parseProtobuf(body, offset, length, tooDeep);
        } catch (InvalidRequestException e) {
            return done(invalid(transport, encoding, e.getMessage()));
        }
        SpanValidator.Validated valid = SpanValidator.validate(request, tooDeep);
        if (valid.invalidIds() > 0) {
            metrics.refusedSpans(transport, "invalid_id").increment(valid.invalidIds());
        }
        if (valid.tooDeep() > 0) {
            metrics.refusedSpans(transport, "too_deep").increment(valid.tooDeep());
        }
        OtlpOutcome success = valid.rejectedSpans() == 0 ? OtlpOutcome.ok()
                : OtlpOutcome.partial(valid.rejectedSpans(), valid.message());
        if (valid.validSpans() == 0) {
            return done(success);
        }
        ByteString encoded = encoding == OtlpEncoding.PROTOBUF && valid.request() == request && !tooDeep.rebuilt
                ? received(body, offset, length) : null;
        TraceBatch batch = new TraceBatch(valid.request(), valid.validSpans(), length, client, System.nanoTime(),
                encoded);
        Acceptance acceptance;
        try {
            acceptance = next.accept(batch);
        } catch (RuntimeException e) {
            return done(internalError(transport, valid.validSpans(), e));
        }
        return settle(acceptance, transport, valid.validSpans(), success);
    }

    /**
     * A destination threw instead of answering: a bug. The request's spans are counted refused
     * ({@code internal_error}), so that every span of a decodable request stays either accepted or refused, and the
     * client is told 500 / INTERNAL. What destinations had already taken of it stays counted there.
     */
    private OtlpOutcome internalError(String transport, int spans, RuntimeException e) {
        metrics.refusedSpans(transport, "internal_error").increment(spans);
        WARNINGS.warn("internal_error", "a request could not be handed on (" + e.getClass().getName() + "); its "
                + spans + " spans are"
                + " counted in otlp_relay_receiver_refused_spans_total{reason=\"internal_error\"}");
        return fail(transport, OtlpOutcome.Kind.INTERNAL, "internal_error",
                "the relay failed to hand the request on (an internal error); see its log");
    }

    /** Turns a pipeline's acceptance into the client's answer, counting the spans once either way. */
    private CompletableFuture<OtlpOutcome> settle(Acceptance acceptance, String transport, int spans,
                                                  OtlpOutcome success) {
        if (acceptance.retryLater()) {
            metrics.refusedSpans(transport, "queue_full").increment(spans);
            return done(refuse(transport, "queue_full"));
        }
        if (acceptance.durable() == null) {
            metrics.acceptedSpans(transport).increment(spans);
            return done(success);
        }
        return acceptance.durable().handle((durable, error) -> {
            if (Boolean.TRUE.equals(durable)) {
                metrics.acceptedSpans(transport).increment(spans);
                return success;
            }
            metrics.refusedSpans(transport, "spool_unavailable").increment(spans);
            return refuse(transport, "spool_unavailable");
        });
    }

    /**
     * The body as a ByteString without a copy: the array is this request's own (the receivers allocate one per
     * request). Copied only when the array is much larger than the body (grown while reading a body of unknown
     * length, or inflated into a generous buffer), so that what is kept is what the queues count.
     */
    private static ByteString received(byte[] body, int offset, int length) {
        if (body.length - length > length / 4) {
            return ByteString.copyFrom(body, offset, length);
        }
        return UnsafeByteOperations.unsafeWrap(body, offset, length);
    }

    private static CompletableFuture<OtlpOutcome> done(OtlpOutcome outcome) {
        return CompletableFuture.completedFuture(outcome);
    }

    /**
     * Handles a metrics or logs request: it is checked to decode (so a client learns at once that it sent
     * garbage) and handed on, a protobuf body as received, a JSON body as the protobuf it decodes to (Honeycomb
     * takes both; in protobuf it can be split on a 413 and counted in its own units when replayed from the spool).
     */
    public CompletableFuture<OtlpOutcome> passthrough(PassthroughBatch.Signal signal, byte[] body, int offset,
                                                      int length, OtlpEncoding encoding, ClientContext client) {
        String transport = client.transport();
        metrics.requestBytes(transport).record(length);
        String unavailable = unavailable();
        if (unavailable != null) {
            return done(refuse(transport, unavailable));
        }
        int items;
        byte[] forwarded;
        try {
            if (encoding == OtlpEncoding.JSON) {
                com.google.protobuf.Message decoded = decodeJson(signal, body, offset, length);
                items = decoded instanceof ExportMetricsServiceRequest m ? PassthroughBatch.dataPoints(m)
                        : PassthroughBatch.logRecords((ExportLogsServiceRequest) decoded);
                forwarded = decoded.toByteArray();
            } else {
                items = checkDecodes(signal, body, offset, length);
                forwarded = offset == 0 && length == body.length ? body
                        : Arrays.copyOfRange(body, offset, offset + length);
            }
        } catch (InvalidRequestException e) {
            return done(invalid(transport, encoding, e.getMessage()));
        }
        if (length == 0) {
            return done(OtlpOutcome.ok());
        }
        PassthroughBatch batch = new PassthroughBatch(signal, forwarded, OtlpEncoding.PROTOBUF, forwarded.length,
                client, System.nanoTime(), items);
        Acceptance acceptance;
        try {
            acceptance = next.accept(batch);
        } catch (RuntimeException e) {
            return done(internalError(transport, 0, e));
        }
        if (acceptance.retryLater()) {
            return done(refuse(transport, "queue_full"));
        }
        metrics.passthroughRequests(transport, signal.label()).increment();
        if (acceptance.durable() == null) {
            return done(OtlpOutcome.ok());
        }
        return acceptance.durable().thenApply(durable -> durable ? OtlpOutcome.ok()
                : refuse(transport, "spool_unavailable"));
    }

    /** A refusal the client should retry; counted by reason. */
    public OtlpOutcome refuse(String transport, String reason) {
        metrics.refusedRequests(transport, reason).increment();
        String message = switch (reason) {
            case "shutting_down" -> "the relay is shutting down; retry against another instance or later";
            case "starting" -> "the relay is starting; retry after the delay";
            case "queue_full" -> "a destination's queue is full; retry after the delay";
            case "admission" -> "the relay is at its in-flight byte budget; retry after the delay";
            case "spool_unavailable" -> "the relay could not make the data durable (spool full or failing); "
                    + "retry after the delay";
            default -> "temporarily unavailable (" + reason + "); retry after the delay";
        };
        return OtlpOutcome.unavailable(reason, message, retryAfter);
    }

    /** A failure of the request as a whole, counted by reason. */
    public OtlpOutcome fail(String transport, OtlpOutcome.Kind kind, String reason, String message) {
        metrics.refusedRequests(transport, reason).increment();
        return OtlpOutcome.failure(kind, reason, message);
    }

    private OtlpOutcome invalid(String transport, OtlpEncoding encoding, String message) {
        return fail(transport, OtlpOutcome.Kind.BAD_REQUEST, encoding == OtlpEncoding.JSON ? "invalid_json"
                : "invalid_protobuf", message);
    }

    /**
     * Decodes a protobuf trace request; one that nests deeper than the decoder's limit somewhere is decoded again
     * span by span, so that only what holds the too-deep value is refused (counted in {@code tooDeep}).
     */
    private static ExportTraceServiceRequest parseProtobuf(byte[] body, int offset, int length,
                                                           SpanValidator.TooDeep tooDeep)
            throws InvalidRequestException {
        try {
            CodedInputStream in = Nesting.input(body, offset, length);
            ExportTraceServiceRequest request = ExportTraceServiceRequest.parseFrom(in);
            in.checkLastTagWas(0);
            return request;
        } catch (InvalidProtocolBufferException e) {
            if (Nesting.tooDeep(e)) {
                try {
                    return SpanBySpan.decode(body, offset, length, tooDeep);
                } catch (IOException other) { // malformed elsewhere as well: report that
                    throw protobufError("ExportTraceServiceRequest",
                            other instanceof InvalidProtocolBufferException ipe ? ipe : e);
                }
            }
            throw protobufError("ExportTraceServiceRequest", e);
        } catch (IOException e) {
            throw new InvalidRequestException("invalid OTLP/protobuf ExportTraceServiceRequest: " + e.getMessage());
        }
    }

    /** A JSON metrics or logs request, decoded. */
    private static com.google.protobuf.Message decodeJson(PassthroughBatch.Signal signal, byte[] body, int offset,
                                                          int length) throws InvalidRequestException {
        return switch (signal) {
            case METRICS -> OtlpJson.merge(body, offset, length, ExportMetricsServiceRequest.newBuilder()).build();
            case LOGS -> OtlpJson.merge(body, offset, length, ExportLogsServiceRequest.newBuilder()).build();
        };
    }

    /** Decodes a protobuf request to check it, and returns what it holds: data points or log records. */
    private static int checkDecodes(PassthroughBatch.Signal signal, byte[] body, int offset, int length)
            throws InvalidRequestException {
        String type = signal == PassthroughBatch.Signal.METRICS ? "ExportMetricsServiceRequest"
                : "ExportLogsServiceRequest";
        try {
            CodedInputStream in = Nesting.input(body, offset, length);
            return switch (signal) {
                case METRICS -> PassthroughBatch.dataPoints(ExportMetricsServiceRequest.parseFrom(in));
                case LOGS -> PassthroughBatch.logRecords(ExportLogsServiceRequest.parseFrom(in));
            };
        } catch (InvalidProtocolBufferException e) {
            throw protobufError(type, e);
        } catch (IOException e) {
            throw new InvalidRequestException("invalid OTLP/protobuf " + type + ": " + e.getMessage());
        }
    }

    private static InvalidRequestException protobufError(String type, InvalidProtocolBufferException e) {
        return new InvalidRequestException("invalid OTLP/protobuf " + type + ": " + e.getMessage()
                + " (expected: a binary protobuf-encoded " + type + "; for JSON send Content-Type: application/json)");
    }


}
