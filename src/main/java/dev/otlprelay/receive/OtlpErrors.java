package dev.otlprelay.receive;

import com.google.protobuf.Any;
import com.google.protobuf.Message;
import com.google.rpc.RetryInfo;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsPartialSuccess;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsPartialSuccess;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.ExportTracePartialSuccess;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;

/**
 * The one mapping from {@link OtlpOutcome} to what goes on the wire: OTLP export responses (with
 * {@code partial_success}) for success, {@code google.rpc.Status} bodies for failures, and gRPC statuses with
 * {@code RetryInfo} for retryable ones.
 */
public final class OtlpErrors {
    private OtlpErrors() {
    }

    /** Which export service a response belongs to; the success body differs per signal. */
    public enum Service { TRACES, METRICS, LOGS }

    /** The response message for an outcome: an export response when OK, a {@code google.rpc.Status} otherwise. */
    public static Message responseMessage(OtlpOutcome outcome, Service signal) {
        if (outcome.isOk()) {
            return successResponse(outcome, signal);
        }
        return status(outcome);
    }

    public static Message successResponse(OtlpOutcome outcome, Service signal) {
        boolean partial = outcome.rejectedSpans() > 0 || !outcome.message().isEmpty();
        return switch (signal) {
            case TRACES -> partial
                    ? ExportTraceServiceResponse.newBuilder().setPartialSuccess(ExportTracePartialSuccess.newBuilder()
                    .setRejectedSpans(outcome.rejectedSpans()).setErrorMessage(outcome.message())).build()
                    : ExportTraceServiceResponse.getDefaultInstance();
            case METRICS -> partial
                    ? ExportMetricsServiceResponse.newBuilder().setPartialSuccess(ExportMetricsPartialSuccess
                    .newBuilder().setErrorMessage(outcome.message())).build()
                    : ExportMetricsServiceResponse.getDefaultInstance();
            case LOGS -> partial
                    ? ExportLogsServiceResponse.newBuilder().setPartialSuccess(ExportLogsPartialSuccess.newBuilder()
                    .setErrorMessage(outcome.message())).build()
                    : ExportLogsServiceResponse.getDefaultInstance();
        };
    }

    /** The {@code google.rpc.Status} of a failure; retryable ones carry {@code RetryInfo}. */
    public static com.google.rpc.Status status(OtlpOutcome outcome) {
        com.google.rpc.Status.Builder b = com.google.rpc.Status.newBuilder()
                .setCode(outcome.kind().grpcCode().value())
                .setMessage(outcome.message());
        if (outcome.retryAfter() != null) {
            b.addDetails(Any.pack(retryInfo(outcome)));
        }
        return b.build();
    }

    private static RetryInfo retryInfo(OtlpOutcome outcome) {
        return RetryInfo.newBuilder().setRetryDelay(com.google.protobuf.Duration.newBuilder()
                .setSeconds(outcome.retryAfter().getSeconds()).setNanos(outcome.retryAfter().getNano())).build();
    }

    /** The gRPC error for a failed outcome (details, including RetryInfo, in {@code grpc-status-details-bin}). */
    public static StatusRuntimeException grpcError(OtlpOutcome outcome) {
        return StatusProto.toStatusRuntimeException(status(outcome));
    }

    /** {@code Retry-After} header value in whole seconds, at least 1. */
    public static String retryAfterSeconds(OtlpOutcome outcome) {
        long s = outcome.retryAfter().toSeconds() + (outcome.retryAfter().toNanosPart() > 0 ? 1 : 0);
        return Long.toString(Math.max(1, s));
    }
}
