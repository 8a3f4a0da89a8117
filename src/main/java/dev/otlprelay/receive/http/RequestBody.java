package dev.otlprelay.receive.http;

import dev.otlprelay.pipeline.ClientContext;
import dev.otlprelay.pipeline.OtlpEncoding;
import dev.otlprelay.receive.Admission;
import dev.otlprelay.receive.Ingest;
import dev.otlprelay.receive.OtlpOutcome;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.LastHttpContent;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;

/**
 * The body of the request being read on one connection, held under the request limit and the admission budget,
 * and the one place that says why a body is too large or over the budget. The budget holds the bytes that have
 * arrived, not what the client announced; a gzip body is inflated boundedly ({@link BoundedInflater}) before it is
 * handed on. After an early answer, the rest of a body is read and discarded, so the connection stays usable,
 * up to a cap.
 *
 * <p>The budget it took is given back by {@link #release} unless {@link #keepBudget} handed it to the caller. The
 * buffer is unpooled heap memory, handed on as its backing array without a copy (a destination may read the array
 * after the answer), and left to the garbage collector once dropped. The chunks it copies from stay the caller's:
 * {@code SimpleChannelInboundHandler} releases them.
 */
final class RequestBody {
    /** After an early answer, read and discard at most this much more before closing the connection. */
    private static final long MAX_DISCARD_BYTES = 64L * 1024 * 1024;
    /** The buffer starts at most this large and grows with what arrives. */
    private static final int INITIAL_BUFFER_BYTES = 64 * 1024;

    private final Ingest ingest;
    private final Admission admission;
    private final long maxRequestBytes;
    /** What has arrived of the body being read; null when none is. */
    private ByteBuf buffer;
    /** The admission budget held for the body (or for it inflated). */
    private long reserved;
    private boolean discarding;
    private long discarded;

    RequestBody(Ingest ingest, Admission admission, long maxRequestBytes) {
        this.ingest = ingest;
        this.admission = admission;
        this.maxRequestBytes = maxRequestBytes;
    }

    /**
     * Why a body the client says is {@code contentLength} bytes long (-1: it does not say) is refused before it is
     * read — 413 when over the limit, 503 when the budget is spent — or null.
     */
    OtlpOutcome refusal(long contentLength) {
        if (contentLength > maxRequestBytes) {
            return tooLarge("request body of " + contentLength + " bytes");
        }
        // Nothing is reserved, and little allocated, for what the client only says it will send: the budget holds
        // the bytes that have arrived (append), so slow clients declaring large bodies cannot starve the others.
        if (admission.utilisation() >= 1.0) {
            return ingest.refuse(OtlpHttpHandler.TRANSPORT, "admission");
        }
        return null;
    }

    /** Starts reading a body the client says is {@code contentLength} bytes long (-1: it does not say). */
    void start(long contentLength) {
        int initialCapacity = (int) Math.min(contentLength > 0 ? contentLength : 8192, INITIAL_BUFFER_BYTES);
        buffer = Unpooled.buffer(initialCapacity, (int) Math.min(Integer.MAX_VALUE - 8, maxRequestBytes));
    }

    /** A body is being read (started, and neither refused nor handed on yet). */
    boolean reading() {
        return buffer != null;
    }

    /**
     * Adds one chunk of the body; null when it fits under the limit and within the budget, else why not — the
     * caller answers that and {@linkplain #release releases} the body.
     */
    OtlpOutcome append(ByteBuf chunk) {
        long size = (long) buffer.readableBytes() + chunk.readableBytes();
        if (size > maxRequestBytes) {
            return tooLarge("request body of more than " + maxRequestBytes + " bytes");
        }
        if (size > reserved) {
            if (!admission.tryAcquire(size - reserved)) {
                return ingest.refuse(OtlpHttpHandler.TRANSPORT, "admission");
            }
            reserved = size;
        }
        buffer.writeBytes(chunk);
        return null;
    }

    /**
     * Hands the whole body to what serves {@code route}, gunzipped first when {@code gzip}; a body that does not
     * inflate within the limit and the budget is answered without being handed on.
     */
    CompletableFuture<OtlpOutcome> handOn(OtlpPath route, OtlpEncoding encoding, boolean gzip,
                                          ClientContext client) {
        byte[] bytes = buffer.array();
        int offset = buffer.arrayOffset() + buffer.readerIndex();
        int length = buffer.readableBytes();
        if (!gzip || length == 0) {
            return route.handOn(ingest, bytes, offset, length, encoding, client);
        }
        try {
            BoundedInflater.Inflated inflated = BoundedInflater.gunzip(bytes, offset, length, maxRequestBytes,
                    admission);
            release();
            reserved = inflated.reserved();
            return route.handOn(ingest, inflated.bytes(), 0, inflated.length(), encoding, client);
        } catch (BoundedInflater.TooLargeException e) {
            return completed(tooLarge("gzip body that inflates to more than " + maxRequestBytes + " bytes"));
        } catch (BoundedInflater.OverBudgetException e) {
            return completed(ingest.refuse(OtlpHttpHandler.TRANSPORT, "admission"));
        } catch (IOException e) {
            return completed(ingest.fail(OtlpHttpHandler.TRANSPORT, OtlpOutcome.Kind.BAD_REQUEST, "invalid_gzip",
                    "invalid gzip body: " + e.getMessage()
                            + " (expected: a complete gzip stream, as Content-Encoding: gzip says)"));
        }
    }

    /**
     * Hands the budget held for the body handed on to the caller, which gives it back to the admission budget
     * once the destination has settled; {@link #release} then gives back nothing.
     */
    long keepBudget() {
        long held = reserved;
        reserved = 0;
        return held;
    }

    /** Drops the body and gives back the budget it holds. */
    void release() {
        buffer = null;
        if (reserved > 0) {
            admission.release(reserved);
            reserved = 0;
        }
    }

    /** Between requests: no body held, none being discarded. */
    void reset() {
        release();
        discarding = false;
    }

    /** After an early answer: read and discard the rest of this request's body, up to a cap. */
    void discardRest() {
        discarding = true;
        discarded = 0;
    }

    boolean discarding() {
        return discarding;
    }

    /** Discards one chunk; false when the cap is passed and the connection should be closed. */
    boolean discard(HttpContent content) {
        discarded += content.content().readableBytes();
        if (content instanceof LastHttpContent) {
            discarding = false;
        } else if (discarded > MAX_DISCARD_BYTES) {
            return false;
        }
        return true;
    }

    private OtlpOutcome tooLarge(String what) {
        return ingest.fail(OtlpHttpHandler.TRANSPORT, OtlpOutcome.Kind.PAYLOAD_TOO_LARGE, "too_large", what
                + " is over the limit of " + maxRequestBytes + " bytes after decompression (expected: smaller "
                + "batches, e.g. a lower OTEL_BSP_MAX_EXPORT_BATCH_SIZE; the limit is RELAY_MAX_REQUEST_BYTES)");
    }

    private static CompletableFuture<OtlpOutcome> completed(OtlpOutcome outcome) {
        return CompletableFuture.completedFuture(outcome);
    }
}
