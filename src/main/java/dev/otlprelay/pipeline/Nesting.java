package dev.otlprelay.pipeline;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;

/**
 * How deep OTLP data may nest, in one place for every stage that decodes it (the receivers, the spool's replay,
 * the exporters' splitting), so that what was accepted once always decodes again.
 *
 * <p>The unit users see is {@link #MAX_VALUE_DEPTH}: an attribute value ({@code AnyValue}) may hold kvlists and
 * arrays nested this deep, in either encoding. Protobuf counts nesting in messages instead: a span's attribute is
 * 4 messages below the request (request, resource spans, scope spans, span), an event's or link's one more, and
 * each kvlist level adds 3 (KeyValueList, KeyValue, AnyValue). {@link #MAX_MESSAGE_DEPTH} is that depth for the
 * deepest place an attribute can sit, so that every value within {@link #MAX_VALUE_DEPTH} decodes; the walks over
 * decoded values recurse at most this deep, far from any thread's stack size.
 */
public final class Nesting {
    /** kvlist or array levels an attribute value may nest (the Collector's decoder allows about 10,000). */
    public static final int MAX_VALUE_DEPTH = 128;
    /** Protobuf message nesting that admits {@link #MAX_VALUE_DEPTH} everywhere an attribute can be. */
    public static final int MAX_MESSAGE_DEPTH = 3 * MAX_VALUE_DEPTH + 8;

    private Nesting() {
    }

    /** A protobuf input over {@code bytes[offset, offset+length)} that decodes as deep as the relay accepts. */
    public static CodedInputStream input(byte[] bytes, int offset, int length) {
        CodedInputStream in = CodedInputStream.newInstance(bytes, offset, length);
        in.setRecursionLimit(MAX_MESSAGE_DEPTH);
        in.setSizeLimit(Integer.MAX_VALUE);
        return in;
    }

    /** The same, over a whole array. */
    public static CodedInputStream input(byte[] bytes) {
        return input(bytes, 0, bytes.length);
    }

    /** The same, over a ByteString, its nesting limit lowered by {@code depthAbove} enclosing messages. */
    public static CodedInputStream input(ByteString bytes, int depthAbove) {
        CodedInputStream in = bytes.newCodedInput();
        in.setRecursionLimit(MAX_MESSAGE_DEPTH - depthAbove);
        in.setSizeLimit(Integer.MAX_VALUE);
        return in;
    }

    /** True when protobuf refused a message for nesting deeper than its recursion limit. */
    public static boolean tooDeep(com.google.protobuf.InvalidProtocolBufferException e) {
        String message = e.getMessage();
        return message != null && message.contains("too many levels of nesting");
    }
}
