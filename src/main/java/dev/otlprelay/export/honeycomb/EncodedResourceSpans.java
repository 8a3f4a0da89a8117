package dev.otlprelay.export.honeycomb;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.WireFormat;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A trace batch for Honeycomb held as encoded {@code ResourceSpans}, one {@link ByteString} each, rather than as
 * decoded messages: what waits in the queue then takes its wire size on the heap (the decoded form takes several
 * times that), and spans forwarded unchanged are never encoded again.
 *
 * <p>An {@code ExportTraceServiceRequest} is nothing but its repeated field 1, so a request body is the
 * concatenation of each piece behind its tag and length, and a received body can be cut into pieces without
 * decoding the spans.
 */
final class EncodedResourceSpans {
    /** Field 1 of a request, wire type 2 (length-delimited). */
    private static final int RESOURCE_SPANS_TAG = lengthDelimited(1);
    /** ResourceSpans.resource, ResourceSpans.scope_spans, ScopeSpans.spans. */
    private static final int RESOURCE_TAG = lengthDelimited(1);
    private static final int SCOPE_SPANS_TAG = lengthDelimited(2);
    private static final int SPANS_TAG = lengthDelimited(2);

    private EncodedResourceSpans() {
    }

    private static int lengthDelimited(int field) {
        return (field << 3) | WireFormat.WIRETYPE_LENGTH_DELIMITED;
    }

    /**
     * The {@code resource_spans} of an encoded request, in order, as views of {@code request} (no copy). Null when
     * the bytes do not hold exactly {@code expected} of them: the caller then encodes its decoded messages.
     */
    static List<ByteString> slices(ByteString request, int expected) {
        List<ByteString> out = new ArrayList<>(expected);
        try {
            CodedInputStream in = request.newCodedInput();
            for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
                if (tag != RESOURCE_SPANS_TAG) {
                    in.skipField(tag); // unknown to this schema; not forwarded (the decoded path drops it too)
                    continue;
                }
                int length = in.readRawVarint32();
                int start = in.getTotalBytesRead();
                in.skipRawBytes(length);
                out.add(request.substring(start, start + length));
            }
        } catch (IOException e) {
            return null;
        }
        return out.size() == expected ? out : null;
    }

    /**
     * The encoded length of the largest of a ResourceSpans' resource and spans, read from the length prefixes
     * without decoding anything; -1 when the bytes do not parse. Honeycomb's limits cannot apply to a part
     * shorter than the limit, so most pieces need no closer look.
     */
    static int largestPart(ByteString resourceSpans) {
        try {
            CodedInputStream rs = resourceSpans.newCodedInput();
            int largest = 0;
            for (int tag = rs.readTag(); tag != 0; tag = rs.readTag()) {
                if (tag == RESOURCE_TAG) {
                    largest = Math.max(largest, skipLengthDelimited(rs));
                } else if (tag == SCOPE_SPANS_TAG) {
                    int limit = rs.pushLimit(rs.readRawVarint32());
                    for (int inner = rs.readTag(); inner != 0; inner = rs.readTag()) {
                        if (inner == SPANS_TAG) {
                            largest = Math.max(largest, skipLengthDelimited(rs));
                        } else {
                            rs.skipField(inner);
                        }
                    }
                    rs.popLimit(limit);
                } else {
                    rs.skipField(tag);
                }
            }
            return largest;
        } catch (IOException e) {
            return -1;
        }
    }

    private static int skipLengthDelimited(CodedInputStream in) throws IOException {
        int length = in.readRawVarint32();
        in.skipRawBytes(length);
        return length;
    }

    /** Bytes a piece takes in a request body: its tag, its length and itself. */
    static long wireSize(ByteString piece) {
        return 1L + CodedOutputStream.computeUInt32SizeNoTag(piece.size()) + piece.size();
    }

    /** The request body holding {@code pieces}, in order. */
    static byte[] request(List<ByteString> pieces) {
        long size = 0;
        for (ByteString piece : pieces) {
            size += wireSize(piece);
        }
        byte[] out = new byte[Math.toIntExact(size)];
        CodedOutputStream o = CodedOutputStream.newInstance(out);
        try {
            for (ByteString piece : pieces) {
                o.writeBytes(1, piece);
            }
            o.checkNoSpaceLeft();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // the array was sized exactly: cannot happen
        }
        return out;
    }

    /** Decodes one piece again (to split a batch Honeycomb found too large). */
    static ResourceSpans decode(ByteString piece) {
        try {
            return ResourceSpans.parseFrom(piece);
        } catch (InvalidProtocolBufferException e) {
            // Pieces are received bytes that already decoded once, or the relay's own encoding.
            throw new IllegalStateException("a queued ResourceSpans no longer decodes", e);
        }
    }
}
