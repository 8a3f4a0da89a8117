package dev.otlprelay.pipeline;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Parser;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.UnsafeByteOperations;
import com.google.protobuf.WireFormat;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the structure of an encoded {@code ExportTraceServiceRequest} from its length prefixes, without decoding
 * a span: where each {@code ResourceSpans} and each {@code Span} lies, and how long they are. Stages that keep or
 * forward spans unchanged hold these bytes instead of decoded messages, which take several times their size on
 * the heap and are slow to collect.
 *
 * <p>The wire format is OTLP's: a request is its repeated field 1 ({@code resource_spans}); a {@code ResourceSpans}
 * has {@code resource} (1) and {@code scope_spans} (2); a {@code ScopeSpans} has {@code spans} (2). Other fields
 * are skipped. Every method answers null (or -1) for bytes that do not parse or do not hold what the decoded
 * request says, so that callers fall back to encoding their decoded messages.
 */
public final class TraceWire {
    private static final int RESOURCE_SPANS = lengthDelimited(1);
    private static final int RESOURCE = lengthDelimited(1);
    private static final int SCOPE_SPANS = lengthDelimited(2);
    private static final int SPANS = lengthDelimited(2);

    private TraceWire() {
    }

    private static int lengthDelimited(int field) {
        return (field << 3) | WireFormat.WIRETYPE_LENGTH_DELIMITED;
    }

    /**
     * The request's {@code resource_spans}, in order, as views of {@code request} (no copy); null unless there are
     * exactly {@code expected} of them.
     */
    public static List<ByteString> resourceSpans(ByteString request, int expected) {
        List<ByteString> out = new ArrayList<>(expected);
        try {
            CodedInputStream in = request.newCodedInput();
            for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
                if (tag == RESOURCE_SPANS) {
                    out.add(view(request, in));
                } else {
                    in.skipField(tag);
                }
            }
        } catch (IOException e) {
            return null;
        }
        return out.size() == expected ? out : null;
    }

    /**
     * Every span of the request, in the order the decoded request lists them, each copied into its own array (so
     * that holding a span does not hold the whole request); null unless there are exactly {@code expected}.
     */
    public static List<ByteString> spans(ByteString request, int expected) {
        List<ByteString> out = new ArrayList<>(expected);
        try {
            CodedInputStream in = request.newCodedInput();
            for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
                if (tag != RESOURCE_SPANS) {
                    in.skipField(tag);
                    continue;
                }
                int resourceSpans = in.pushLimit(in.readRawVarint32());
                parts(in, (span, start, length) -> {
                    if (span) {
                        out.add(UnsafeByteOperations.unsafeWrap(request.substring(start, start + length)
                                .toByteArray()));
                    }
                });
                in.popLimit(resourceSpans);
            }
        } catch (IOException e) {
            return null;
        }
        return out.size() == expected ? out : null;
    }

    /**
     * The encoded length of the largest of a {@code ResourceSpans}' resource and spans; -1 when the bytes do not
     * parse. A limit on the length of values cannot apply to a part shorter than the limit.
     */
    public static int largestPart(ByteString resourceSpans) {
        int[] largest = {0};
        try {
            parts(resourceSpans.newCodedInput(), (span, start, length) -> largest[0] = Math.max(largest[0], length));
        } catch (IOException e) {
            return -1;
        }
        return largest[0];
    }

    /** Where one part of a ResourceSpans lies, in bytes from the start of the stream. */
    @FunctionalInterface
    private interface PartVisitor {
        void part(boolean span, int start, int length);
    }

    /** Reads one ResourceSpans (up to the stream's limit) and visits its resource and each of its spans. */
    private static void parts(CodedInputStream in, PartVisitor visitor) throws IOException {
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            if (tag == RESOURCE) {
                part(in, false, visitor);
            } else if (tag == SCOPE_SPANS) {
                int scopeSpans = in.pushLimit(in.readRawVarint32());
                for (int ssTag = in.readTag(); ssTag != 0; ssTag = in.readTag()) {
                    if (ssTag == SPANS) {
                        part(in, true, visitor);
                    } else {
                        in.skipField(ssTag);
                    }
                }
                in.popLimit(scopeSpans);
            } else {
                in.skipField(tag);
            }
        }
    }

    private static void part(CodedInputStream in, boolean span, PartVisitor visitor) throws IOException {
        int length = in.readRawVarint32();
        int start = in.getTotalBytesRead();
        in.skipRawBytes(length);
        visitor.part(span, start, length);
    }

    /** The length-delimited field at the stream's position, as a view of {@code whole}. */
    private static ByteString view(ByteString whole, CodedInputStream in) throws IOException {
        int length = in.readRawVarint32();
        int start = in.getTotalBytesRead();
        in.skipRawBytes(length);
        return whole.substring(start, start + length);
    }

    /**
     * Decodes bytes that the relay decoded once already (received and validated) or encoded itself: held as bytes
     * while they waited, decoded again when read. A failure is a bug, not bad input.
     *
     * @param what the message, for the exception ("a buffered span")
     */
    public static <T> T decodeAgain(Parser<T> parser, ByteString bytes, String what) {
        try {
            return parser.parseFrom(Nesting.input(bytes, 0));
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException(what + " no longer decodes", e);
        }
    }
}
