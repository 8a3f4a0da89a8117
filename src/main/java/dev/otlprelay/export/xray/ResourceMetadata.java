package dev.otlprelay.export.xray;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.SerializedString;
import io.opentelemetry.proto.common.v1.KeyValue;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Set;

/**
 * A resource's attributes as every segment of it carries them in {@code metadata.default}: {@code otel.resource.}
 * and the key, then the value. They are the same in each of the resource's segments (for the Flask traces a
 * quarter of a segment's bytes), so the first segment writes them field by field and keeps the text it wrote, and
 * the next ones copy it.
 *
 * <p>Jackson writes no raw fields, only raw values; so the first field's name is written as usual and everything
 * after it, from its value to the last field, as that field's raw value. The generator then counts one field and
 * writes the comma before the next one as always. A segment that annotates some of the attributes or cuts strings
 * ({@link Limits#maxString}) writes them field by field.
 *
 * <p>Not thread-safe: one {@link XrayExporter} thread writes a resource's segments.
 */
final class ResourceMetadata {
    static final String PREFIX = "otel.resource.";

    private final Attributes attributes;
    /** Each attribute's field name, encoded, position by position; null where the key is not plain ASCII. */
    private final List<SerializableString> names;
    /** The first field's value and all the fields after it, as a segment wrote them; null until one has. */
    private SerializableString afterFirstName;
    /** Whether a segment's text was looked at, kept or not; a resource whose text cannot be kept is not tried again. */
    private boolean kept;

    private ResourceMetadata(Attributes attributes, List<SerializableString> names) {
        this.attributes = attributes;
        this.names = names;
    }

    static ResourceMetadata of(Attributes attributes) {
        SerializableString[] names = new SerializableString[attributes.list().size()];
        for (int i = 0; i < names.length; i++) {
            KeyValue kv = attributes.list().get(i);
            names[i] = JsonFields.plainName(PREFIX + kv.getKey());
        }
        return new ResourceMetadata(attributes, Collections.unmodifiableList(Arrays.asList(names)));
    }

    /** Writes the fields but those of {@code annotated} keys (annotations instead) into the current object. */
    void write(JsonGenerator g, Set<String> annotated, Limits limits) throws IOException {
        boolean all = annotated.isEmpty() && limits.maxString() == Integer.MAX_VALUE && !attributes.isEmpty();
        if (all && afterFirstName != null) {
            g.writeFieldName(names.get(0));
            g.writeRawValue(afterFirstName);
        } else if (all && !kept && names.get(0) != null && g.getOutputTarget() instanceof ByteSink sink) {
            writeAndKeep(g, sink);
        } else {
            SegmentDocument.writeAttributes(g, attributes, annotated, PREFIX, names, limits);
        }
    }

    /** Whether the fields are copied from a segment written before; for the tests. */
    boolean copied() {
        return afterFirstName != null;
    }

    /**
     * Writes the fields one by one, between two flushes of the generator, and keeps what it wrote to {@code sink}
     * after the first name and its colon; not when the text would not be copied as it is (a SerializedString holds
     * text, which it encodes as UTF-8 again). A datagram that fills up while they are written keeps nothing.
     */
    private void writeAndKeep(JsonGenerator g, ByteSink sink) throws IOException {
        g.flush();
        int start = sink.size();
        SegmentDocument.writeAttributes(g, attributes, Set.of(), PREFIX, names, Limits.FULL);
        g.flush();
        byte[] written = sink.copy(start, sink.size());
        kept = true;
        byte[] first = names.get(0).asQuotedUTF8();
        // The comma after the fields before, when there were any, then "name":
        int from = written.length > 0 && written[0] == ',' ? 1 : 0;
        int valueAt = from + first.length + 3;
        if (written.length <= valueAt || written[from] != '"' || written[valueAt - 2] != '"'
                || written[valueAt - 1] != ':'
                || !Arrays.equals(written, from + 1, valueAt - 2, first, 0, first.length)) {
            return;
        }
        byte[] text = Arrays.copyOfRange(written, valueAt, written.length);
        SerializedString raw = new SerializedString(new String(text, StandardCharsets.UTF_8));
        if (Arrays.equals(raw.asUnquotedUTF8(), text)) {
            afterFirstName = raw;
        }
    }
}
