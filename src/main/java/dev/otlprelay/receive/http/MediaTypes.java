package dev.otlprelay.receive.http;

import dev.otlprelay.pipeline.OtlpEncoding;
import java.util.Locale;

/**
 * What a request's {@code Content-Type} says: the encoding its body is read with, and the media type it is
 * answered in — its own when it is an OTLP one, JSON (readable) otherwise, so that even a refusal of a wrong
 * Content-Type can be read.
 */
final class MediaTypes {
    static final String JSON = "application/json";

    private MediaTypes() {
    }

    /** A header's media type (or coding) without parameters, lower case; "" when absent. */
    static String token(String header) {
        if (header == null) {
            return "";
        }
        int semi = header.indexOf(';');
        return (semi >= 0 ? header.substring(0, semi) : header).trim().toLowerCase(Locale.ROOT);
    }

    /** The media type of the answer to a request of this (parameterless) Content-Type. */
    static String answerType(String contentType) {
        return switch (contentType) {
            case "application/x-protobuf", "application/protobuf" -> contentType;
            default -> JSON;
        };
    }

    /** The encoding of a body of this (parameterless) Content-Type; null when it is not an OTLP one. */
    static OtlpEncoding encodingOf(String contentType) {
        return switch (contentType) {
            case "application/x-protobuf", "application/protobuf" -> OtlpEncoding.PROTOBUF;
            case JSON -> OtlpEncoding.JSON;
            default -> null;
        };
    }
}
