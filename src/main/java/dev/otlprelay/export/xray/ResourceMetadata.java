package dev.otlprelay.export.xray;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.SerializedString;
import io.opentelemetry.proto.common.v1.KeyValue;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Set;

/**
 * A resource's attributes as every segment of it carries them in {@code metadata.default}: {@code otel.resource.}
 * and the key, then the value. Encoded once per resource, since they are the same in each of its segments (for
 * the Flask traces a quarter of a segment's bytes), and copied into each segment as they are.
 *
 * <p>Jackson writes no raw fields, only raw values; so the first field's name is written as usual and everything
 * after it, from its value to the last field, as that field's raw value. The generator then counts one field and
 * writes the comma before the next one as always. The text is made by the same generator code that writes the
 * fields one by one, which a segment still does when the attributes are not all written (some are annotations) or
 * strings are cut ({@link Limits#maxString}).
 */
final class ResourceMetadata {
    static final String PREFIX = "otel.resource.";
    /** The longest text made ahead; larger resources (rare, and too large for most datagrams) go field by field. */
    static final int MAX_AHEAD_BYTES = 16 * 1024;

    private final Attributes attributes;
    /** Each attribute's field name, encoded, position by position; null where the key is not plain ASCII. */
    private final List<SerializableString> names;
    /** The first field's value and all the fields after it, or null when there is none or it could not be made. */
    private final SerializableString afterFirstName;

    private ResourceMetadata(Attributes attributes, List<SerializableString> names,
                             SerializableString afterFirstName) {
        this.attributes = attributes;
        this.names = names;
        this.afterFirstName = afterFirstName;
    }

    static ResourceMetadata of(Attributes attributes) {
        SerializableString[] names = new SerializableString[attributes.list().size()];
        for (int i = 0; i < names.length; i++) {
            KeyValue kv = attributes.list().get(i);
            names[i] = JsonFields.plainName(PREFIX + kv.getKey());
        }
        List<SerializableString> encoded = Collections.unmodifiableList(Arrays.asList(names));
        return new ResourceMetadata(attributes, encoded, afterFirstName(attributes, encoded));
    }

    /** Writes the fields but those of {@code annotated} keys (annotations instead) into the current object. */
    void write(JsonGenerator g, Set<String> annotated, Limits limits) throws IOException {
        if (afterFirstName != null && annotated.isEmpty() && limits.maxString() == Integer.MAX_VALUE) {
            g.writeFieldName(names.get(0));
            g.writeRawValue(afterFirstName);
        } else {
            SegmentDocument.writeAttributes(g, attributes, annotated, PREFIX, names, limits);
        }
    }

    /** Whether {@link #write} writes the fields from text made ahead; for the tests. */
    boolean writtenAhead() {
        return afterFirstName != null;
    }

    /**
     * All the fields as {@link #write} writes them one by one, in an object of their own, less the object's opening
     * brace, the first name and its colon, and the closing brace. Null when the first key is not plain ASCII (its
     * name is written from {@link #names}), when the text is longer than {@value #MAX_AHEAD_BYTES} bytes, or when it
     * would not be copied byte for byte (a SerializedString holds text, which it encodes as UTF-8 again). Null too
     * when the generator fails: then each segment fails, or not, as it would have without this.
     */
    private static SerializableString afterFirstName(Attributes attributes, List<SerializableString> names) {
        if (attributes.isEmpty() || names.get(0) == null) {
            return null;
        }
        ByteSink sink = ByteSink.heap(MAX_AHEAD_BYTES);
        JsonGenerator g = null;
        try {
            g = DatagramEncoder.JSON.createGenerator(sink);
            g.writeStartObject();
            SegmentDocument.writeAttributes(g, attributes, Set.of(), PREFIX, names, Limits.FULL);
            g.writeEndObject();
            g.close();
        } catch (IOException | RuntimeException tooLargeOrFailed) {
            DatagramEncoder.abandon(g);
            return null;
        }
        ByteBuffer contents = sink.contents();
        byte[] object = new byte[contents.remaining()];
        contents.get(object);
        // {"otel.resource.first": ... }
        int start = 1 + 1 + names.get(0).asQuotedUTF8().length + 1 + 1;
        byte[] text = Arrays.copyOfRange(object, start, object.length - 1);
        SerializedString raw = new SerializedString(new String(text, StandardCharsets.UTF_8));
        return Arrays.equals(raw.asUnquotedUTF8(), text) ? raw : null;
    }
}
