package dev.otlprelay.export.xray;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.SerializedString;
import java.io.IOException;

/**
 * Fields whose names are encoded once. {@link JsonGenerator#writeFieldName(SerializableString)} copies a name's
 * bytes, where a String name is copied into a char buffer and checked for escapes character by character in every
 * document; the sections keep their fixed names as {@link #name} constants. Jackson's {@code write*Field} shortcuts
 * take String names only: these are the same for encoded ones.
 */
final class JsonFields {
    private JsonFields() {
    }

    /** A field name, encoded for {@link JsonGenerator#writeFieldName(SerializableString)}. */
    static SerializableString name(String name) {
        return new SerializedString(name);
    }

    /**
     * {@code name} encoded, when it is printable ASCII without quotes or backslashes; else null, for the generator
     * to write it. Encoded names are escaped by Jackson's {@code JsonStringEncoder}, which does not always write
     * what the generator does (it writes a surrogate pair as one UTF-8 sequence, the generator as two escapes).
     */
    static SerializableString plainName(String name) {
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c < 0x20 || c > 0x7e || c == '"' || c == '\\') {
                return null;
            }
        }
        return name(name);
    }

    static void string(JsonGenerator g, SerializableString name, String value) throws IOException {
        g.writeFieldName(name);
        g.writeString(value);
    }

    static void number(JsonGenerator g, SerializableString name, long value) throws IOException {
        g.writeFieldName(name);
        g.writeNumber(value);
    }

    static void bool(JsonGenerator g, SerializableString name, boolean value) throws IOException {
        g.writeFieldName(name);
        g.writeBoolean(value);
    }

    static void startObject(JsonGenerator g, SerializableString name) throws IOException {
        g.writeFieldName(name);
        g.writeStartObject();
    }

    static void startArray(JsonGenerator g, SerializableString name) throws IOException {
        g.writeFieldName(name);
        g.writeStartArray();
    }
}
