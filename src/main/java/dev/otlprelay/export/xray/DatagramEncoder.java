package dev.otlprelay.export.xray;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.StreamWriteFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Writes one document as one daemon datagram — the protocol header line, then the JSON — and makes it fit.
 *
 * <p>Size policy, in order, stopping at the first that fits: the whole document; without {@code metadata.default};
 * then without annotations, dropping the largest first, one at a time; then {@link Limits#COMPACT} (long strings
 * cut, fewer stack frames, links without attributes); then {@link Limits#MINIMAL}. A shrunk document says so
 * itself (annotation {@code otlp_relay_truncated}, {@code metadata.otlp_relay.truncated} naming what was left out).
 * What does not fit even then is not sent. The JSON is always complete: a write that reaches the bound is
 * abandoned, never cut.
 */
final class DatagramEncoder {
    /**
     * The largest datagram we send. UDP over IPv4 carries at most 65,507 payload bytes; X-Ray documents may be up
     * to 64 kB. 64,000 leaves room below both, header line included.
     */
    static final int MAX_DATAGRAM_BYTES = 64_000;
    /** The daemon's protocol header, followed by a newline and the document. */
    static final byte[] HEADER = "{\"format\": \"json\", \"version\": 1}\n".getBytes(StandardCharsets.US_ASCII);

    enum Fit { WHOLE, TRUNCATED, TOO_LARGE }

    /**
     * Levels of subsegments nested in one another at most in a document. Each level is two levels of JSON (an array
     * and an object) and Jackson refuses to write more than 1,000 (its {@code StreamWriteConstraints}), which must
     * leave room for attribute values nested inside each document; SDKs nest a handful of levels.
     */
    static final int MAX_DEPTH = 64;

    private static final SerializableString SUBSEGMENTS = JsonFields.name("subsegments");

    /** Makes the generators, with no separator between root values: one writes document after document. */
    static final JsonFactory JSON = new JsonFactoryBuilder()
            .disable(StreamWriteFeature.AUTO_CLOSE_TARGET)
            .rootValueSeparator((String) null)
            .build();
    private final ByteSink sink;
    private final char[] text = new char[SegmentDocument.TEXT_CHARS];
    /**
     * Writes every document into {@link #sink}, flushed after each: creating a generator per attempt (its context,
     * buffers from the recycler) cost more than small documents' JSON. Null after an abandoned attempt, whose
     * generator is left inside an unfinished object; the next attempt creates a new one.
     */
    private JsonGenerator generator;

    DatagramEncoder(int maxDatagramBytes) {
        this.sink = new ByteSink(maxDatagramBytes);
    }

    /** Encodes {@code doc}; unless {@link Fit#TOO_LARGE}, {@link #datagram()} then holds the datagram. */
    Fit encode(SegmentDocument doc) {
        List<Annotations.Annotation> all = doc.annotations();
        if (attempt(doc, Limits.FULL, all)) {
            return Fit.WHOLE;
        }
        // Keep a place for the truncation marker within X-Ray's 50 annotations.
        List<Annotations.Annotation> kept = new ArrayList<>(all);
        List<Annotations.Annotation> largestFirst = new ArrayList<>(all);
        largestFirst.sort(Comparator.comparingInt(Annotations.Annotation::size).reversed());
        int dropped = 0;
        while (kept.size() >= Annotations.MAX_PER_DOCUMENT) {
            kept.remove(largestFirst.get(dropped++));
        }
        if (attempt(doc, Limits.FULL.withoutMetadata(dropped == 0 ? "metadata" : "metadata,annotations"), kept)) {
            return Fit.TRUNCATED;
        }
        Limits noAnnotations = Limits.FULL.withoutMetadata("metadata,annotations");
        while (!kept.isEmpty()) {
            kept.remove(largestFirst.get(dropped++));
            if (attempt(doc, noAnnotations, kept)) {
                return Fit.TRUNCATED;
            }
        }
        if (attempt(doc, Limits.COMPACT, List.of()) || attempt(doc, Limits.MINIMAL, List.of())) {
            return Fit.TRUNCATED;
        }
        sink.reset();
        return Fit.TOO_LARGE;
    }

    /**
     * Encodes {@code head} with every document nested under it, whole (no shrinking: a tree that does not fit is
     * split instead, see {@link DocumentSplitter}); false when it does not fit. The caller bounds the tree's depth.
     */
    boolean encodeTree(DocumentNode head) {
        sink.reset();
        boolean written = false;
        try {
            sink.write(HEADER, 0, HEADER.length);
            JsonGenerator g = generator();
            writeTree(g, head, 0);
            g.flush();
            written = true;
            return true;
        } catch (ByteSink.Full | NestedTooDeep full) {
            return false;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            if (!written) {
                abandon();
            }
        }
    }

    /** Thrown when a tree is nested deeper than {@link #MAX_DEPTH}: the tree does not fit, as when too large. */
    private static final class NestedTooDeep extends RuntimeException {
        private static final long serialVersionUID = 1L;
        static final NestedTooDeep INSTANCE = new NestedTooDeep();

        private NestedTooDeep() {
            super("nested too deep", null, false, false);
        }
    }

    private void writeTree(JsonGenerator g, DocumentNode node, int depth) throws IOException {
        if (depth > MAX_DEPTH) {
            throw NestedTooDeep.INSTANCE;
        }
        SegmentDocument doc = node.doc;
        doc.writeOpen(g, Limits.FULL, doc.annotations(), text, depth > 0);
        if (node.hasChildren()) {
            JsonFields.startArray(g, SUBSEGMENTS);
            for (DocumentNode child : node.children()) {
                writeTree(g, child, depth + 1);
            }
            g.writeEndArray();
        }
        g.writeEndObject();
    }

    /**
     * The bytes {@code doc} takes written whole as a nested subsegment, without its own nested documents, or
     * {@link Integer#MAX_VALUE} when it alone fills a datagram. Leaves nothing for {@link #datagram()}.
     */
    int measure(SegmentDocument doc) {
        sink.reset();
        boolean written = false;
        try {
            JsonGenerator g = generator();
            doc.writeOpen(g, Limits.FULL, doc.annotations(), text, true);
            g.writeEndObject();
            g.flush();
            written = true;
            return sink.size();
        } catch (ByteSink.Full full) {
            return Integer.MAX_VALUE;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            sink.reset();
            if (!written) {
                abandon();
            }
        }
    }

    /** Header and document of the last successful {@link #encode}; valid until the next one. */
    ByteBuffer datagram() {
        return sink.contents();
    }

    private boolean attempt(SegmentDocument doc, Limits limits, List<Annotations.Annotation> annotations) {
        sink.reset();
        boolean written = false;
        try {
            // The generator's buffer is empty here (flushed, or new), so the header goes first.
            sink.write(HEADER, 0, HEADER.length);
            JsonGenerator g = generator();
            doc.write(g, limits, annotations, text);
            g.flush();
            written = true;
            return true;
        } catch (ByteSink.Full full) {
            return false;
        } catch (IOException e) {
            // The sink does no I/O; Jackson only declares it.
            throw new UncheckedIOException(e);
        } finally {
            if (!written) {
                abandon();
            }
        }
    }

    private JsonGenerator generator() throws IOException {
        if (generator == null) {
            generator = JSON.createGenerator(sink);
        }
        return generator;
    }

    /** Drops the generator of an attempt that did not finish, whatever it still holds. */
    private void abandon() {
        JsonGenerator g = generator;
        generator = null;
        if (g == null) {
            return;
        }
        try {
            g.close();
        } catch (IOException | RuntimeException ignored) {
            // Closing flushes into the full sink again; the attempt is discarded anyway.
        }
    }
}
