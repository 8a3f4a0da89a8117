package dev.otlprelay.receive.http;

import com.google.protobuf.Message;
import dev.otlprelay.receive.OtlpErrors;
import dev.otlprelay.receive.OtlpJson;
import dev.otlprelay.receive.OtlpOutcome;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;

/**
 * The HTTP answer to one OTLP request's outcome: the status {@link OtlpErrors} prescribes for it, the OTLP response
 * message (partial success, or a {@code Status} for an error) in the answer's media type, and what that status
 * calls for: {@code Allow} on 405, {@code Retry-After} when the client should wait. The CORS and
 * {@code Connection} headers are the handler's to add: they depend on the request's origin and the connection.
 */
final class OtlpResponses {
    private OtlpResponses() {
    }

    /**
     * @param service   whose response message it is: the path's, or traces' when the path is none of OTLP's
     * @param mediaType the answer's media type, from {@link MediaTypes#answerType}
     */
    static FullHttpResponse of(OtlpOutcome outcome, OtlpErrors.Service service, String mediaType) {
        Message message = OtlpErrors.responseMessage(outcome, service);
        byte[] payload = mediaType.equals(MediaTypes.JSON) ? OtlpJson.write(message) : message.toByteArray();
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                HttpResponseStatus.valueOf(outcome.kind().httpStatus()), Unpooled.wrappedBuffer(payload));
        HttpHeaders h = response.headers();
        h.set(HttpHeaderNames.CONTENT_TYPE, mediaType);
        h.setInt(HttpHeaderNames.CONTENT_LENGTH, payload.length);
        if (outcome.kind() == OtlpOutcome.Kind.METHOD_NOT_ALLOWED) {
            h.set(HttpHeaderNames.ALLOW, "POST");
        }
        if (outcome.retryAfter() != null) {
            h.set(HttpHeaderNames.RETRY_AFTER, OtlpErrors.retryAfterSeconds(outcome));
        }
        return response;
    }
}
