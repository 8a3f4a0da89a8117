package dev.otlprelay.export.honeycomb;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import dev.otlprelay.pipeline.TraceWire;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * A trace batch for Honeycomb held as encoded {@code ResourceSpans}, one {@link ByteString} each, rather than as
 * decoded messages: what waits in the queue then takes its wire size on the heap (the decoded form takes several
 * times that), and spans forwarded unchanged are never encoded again.
 *
 * <p>An {@code ExportTraceServiceRequest} is nothing but its repeated field 1, so a request body is the
 * concatenation of each piece behind its tag and length; {@link dev.otlprelay.pipeline.TraceWire} cuts a received
 * body into pieces without decoding the spans.
 */
final class EncodedResourceSpans {
    private EncodedResourceSpans() {
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
        return TraceWire.decodeAgain(ResourceSpans.parser(), piece, "a queued ResourceSpans");
    }
}
