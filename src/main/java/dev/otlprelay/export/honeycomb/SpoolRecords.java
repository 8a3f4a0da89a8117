package dev.otlprelay.export.honeycomb;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The payload of a spool record: one accepted request as the Honeycomb destination needs it to send it again
 * after a restart.
 *
 * <pre>
 * version (byte, 1) | kind (byte: 0 traces, 1 forwarded body)
 * | hasKey (byte) [key (UTF)] | hasDataset (byte) [dataset (UTF)]
 * | path (UTF) | contentType (UTF) | body length (int32) | body
 * </pre>
 *
 * The API key is stored only under {@code key_mode} {@code client} / {@code client-or-relay}, where it came with
 * the request and cannot be known otherwise; under {@code relay} the key in force at replay is used, so a rotated
 * key applies to spooled data too and the relay's own key never touches the disk.
 */
final class SpoolRecords {
    private static final int VERSION = 1;

    /** A decoded record. {@code key} is null when the relay's key applies. */
    record Stored(boolean traces, String key, String dataset, String path, String contentType, byte[] body) {
    }

    private SpoolRecords() {
    }

    static byte[] encode(Stored s) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(s.body().length + 128);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(VERSION);
            out.writeByte(s.traces() ? 0 : 1);
            writeOptional(out, s.key());
            writeOptional(out, s.dataset());
            out.writeUTF(s.path());
            out.writeUTF(s.contentType());
            out.writeInt(s.body().length);
            out.write(s.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
        }
        return bytes.toByteArray();
    }

    /** Throws IOException for a payload this version cannot read (its checksum was fine: a newer relay wrote it). */
    static Stored decode(byte[] payload) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(payload));
        int version = in.readUnsignedByte();
        if (version != VERSION) {
            throw new IOException("spool record version: " + version + " (expected: " + VERSION + ")");
        }
        int kind = in.readUnsignedByte();
        if (kind > 1) {
            throw new IOException("spool record kind: " + kind + " (expected: 0 or 1)");
        }
        String key = readOptional(in);
        String dataset = readOptional(in);
        String path = in.readUTF();
        String contentType = in.readUTF();
        int length = in.readInt();
        if (length < 0 || length > payload.length) {
            throw new IOException("spool record body length: " + length + " (expected: 0 to " + payload.length + ")");
        }
        byte[] body = in.readNBytes(length);
        if (body.length != length) {
            throw new IOException("spool record ends inside its body");
        }
        return new Stored(kind == 0, key, dataset, path, contentType, body);
    }

    private static void writeOptional(DataOutputStream out, String s) throws IOException {
        out.writeByte(s == null ? 0 : 1);
        if (s != null) {
            out.writeUTF(s);
        }
    }

    private static String readOptional(DataInputStream in) throws IOException {
        return in.readUnsignedByte() == 0 ? null : in.readUTF();
    }
}
