package dev.otlprelay.export.spool;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32C;

/**
 * The bytes on disk (all integers big-endian; see {@code docs/durability.md}).
 *
 * <pre>
 * segment-NNNNNNNNNN.log   "OTSP" | version:int32 = 1 | record*
 *   record                 length:int32 | crc32c:int32 | id:int64 | payload[length]
 *                          crc32c covers length, id and payload
 * segment-NNNNNNNNNN.ack   entry*
 *   entry                  index:int32 | crc32c(index):int32
 * </pre>
 *
 * A record id is {@code segment number << 32 | index in segment}; segment numbers only grow in a directory, so
 * ids are unique across restarts and increase in append order.
 */
final class RecordFormat {
    static final int SEGMENT_MAGIC = 0x4F54_5350; // "OTSP"
    static final int SEGMENT_VERSION = 1;
    static final int SEGMENT_HEADER_BYTES = 8;
    static final int RECORD_HEADER_BYTES = 16;
    static final int ACK_ENTRY_BYTES = 8;

    private static final Pattern LOG_NAME = Pattern.compile("segment-(\\d{10})\\.log");
    private static final Pattern ACK_NAME = Pattern.compile("segment-(\\d{10})\\.ack");

    private RecordFormat() {
    }

    static long id(int segment, int index) {
        return ((long) segment << 32) | (index & 0xFFFF_FFFFL);
    }

    static int segmentOf(long id) {
        return (int) (id >>> 32);
    }

    static int indexOf(long id) {
        return (int) id;
    }

    static Path logPath(Path dir, int segment) {
        return dir.resolve(String.format("segment-%010d.log", segment));
    }

    static Path ackPath(Path dir, int segment) {
        return dir.resolve(String.format("segment-%010d.ack", segment));
    }

    /** The segment number of a {@code .log} file name, if it is one. */
    static OptionalInt logNumber(Path file) {
        return number(LOG_NAME, file);
    }

    /** The segment number of an {@code .ack} file name, if it is one. */
    static OptionalInt ackNumber(Path file) {
        return number(ACK_NAME, file);
    }

    private static OptionalInt number(Pattern pattern, Path file) {
        Matcher m = pattern.matcher(file.getFileName().toString());
        if (!m.matches()) {
            return OptionalInt.empty();
        }
        long n = Long.parseLong(m.group(1));
        return n >= 1 && n < Integer.MAX_VALUE ? OptionalInt.of((int) n) : OptionalInt.empty();
    }

    static ByteBuffer segmentHeader() {
        return ByteBuffer.allocate(SEGMENT_HEADER_BYTES).putInt(SEGMENT_MAGIC).putInt(SEGMENT_VERSION).flip();
    }

    static ByteBuffer recordHeader(long id, byte[] payload) {
        ByteBuffer header = ByteBuffer.allocate(RECORD_HEADER_BYTES).putInt(payload.length).putInt(0).putLong(id);
        CRC32C crc = headerChecksum(header.array());
        crc.update(payload);
        return header.putInt(4, (int) crc.getValue()).flip();
    }

    /** A checksum started over the length and id of a record header; the caller adds the payload. */
    static CRC32C headerChecksum(byte[] header) {
        CRC32C crc = new CRC32C();
        crc.update(header, 0, 4);
        crc.update(header, 8, 8);
        return crc;
    }

    static ByteBuffer ackEntry(int index) {
        return ByteBuffer.allocate(ACK_ENTRY_BYTES).putInt(index).putInt(ackChecksum(index)).flip();
    }

    static int ackChecksum(int index) {
        CRC32C crc = new CRC32C();
        crc.update(ByteBuffer.allocate(4).putInt(index).flip());
        return (int) crc.getValue();
    }
}
