package dev.otlprelay.receive;

import io.grpc.Status;
import java.time.Duration;

/**
 * How one OTLP request ended, independent of transport. {@link OtlpErrors} turns it into an HTTP status and body
 * or a gRPC status; both transports share this one mapping, so they can never disagree.
 *
 * @param kind the class of answer
 * @param reason the {@code reason} tag counted in metrics, e.g. {@code invalid_protobuf}; null when OK
 * @param message what was wrong and what is expected, shown to the client; for OK, the partial-success message
 * @param rejectedSpans spans refused individually (partial success)
 * @param retryAfter for {@link Kind#UNAVAILABLE}: when the client should retry
 */
public record OtlpOutcome(Kind kind, String reason, String message, long rejectedSpans, Duration retryAfter) {

    /** Classes of answer, with the status codes the OTLP specification prescribes for each. */
    public enum Kind {
        OK(200, Status.Code.OK),
        BAD_REQUEST(400, Status.Code.INVALID_ARGUMENT),
        NOT_FOUND(404, Status.Code.UNIMPLEMENTED),
        METHOD_NOT_ALLOWED(405, Status.Code.UNIMPLEMENTED),
        PAYLOAD_TOO_LARGE(413, Status.Code.RESOURCE_EXHAUSTED),
        /** The request's headers (or one header line) exceed what the HTTP decoder reads (8 KiB). */
        HEADERS_TOO_LARGE(431, Status.Code.INVALID_ARGUMENT),
        /** The request did not arrive whole in time ({@code receiver.request_timeout}). */
        REQUEST_TIMEOUT(408, Status.Code.DEADLINE_EXCEEDED),
        UNSUPPORTED_MEDIA_TYPE(415, Status.Code.INVALID_ARGUMENT),
        /** Retryable: the SDKs retry 503 and UNAVAILABLE (not 429 / RESOURCE_EXHAUSTED without RetryInfo). */
        UNAVAILABLE(503, Status.Code.UNAVAILABLE),
        /** A fault of the relay's own (a bug): not retried by the SDKs, counted and logged. */
        INTERNAL(500, Status.Code.INTERNAL);

        private final int httpStatus;
        private final Status.Code grpcCode;

        Kind(int httpStatus, Status.Code grpcCode) {
            this.httpStatus = httpStatus;
            this.grpcCode = grpcCode;
        }

        public int httpStatus() {
            return httpStatus;
        }

        public Status.Code grpcCode() {
            return grpcCode;
        }
    }

    private static final OtlpOutcome OK = new OtlpOutcome(Kind.OK, null, "", 0, null);

    public static OtlpOutcome ok() {
        return OK;
    }

    public static OtlpOutcome partial(long rejectedSpans, String message) {
        return new OtlpOutcome(Kind.OK, null, message, rejectedSpans, null);
    }

    public static OtlpOutcome failure(Kind kind, String reason, String message) {
        if (kind == Kind.OK || kind == Kind.UNAVAILABLE) {
            throw new IllegalArgumentException("kind: " + kind + " (expected: a failure; use unavailable())");
        }
        return new OtlpOutcome(kind, reason, message, 0, null);
    }

    public static OtlpOutcome unavailable(String reason, String message, Duration retryAfter) {
        return new OtlpOutcome(Kind.UNAVAILABLE, reason, message, 0, retryAfter);
    }

    public boolean isOk() {
        return kind == Kind.OK;
    }
}
