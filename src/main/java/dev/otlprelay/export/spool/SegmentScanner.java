package dev.otlprelay.export.spool;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.logging.Logger;
import java.util.zip.CRC32C;

/**
 * Reads what an earlier process left in a segment: its valid records, up to the first one that is torn or fails
 * its check, and its acknowledged indexes. Never throws: what cannot be read is reported to the listener and
 * treated as absent (a record is then not recovered; an ack entry is then not applied, so its record is replayed).
 */
final class SegmentScanner {
    private static final Logger LOG = Logger.getLogger(SegmentScanner.class.getName());
    private static final int CHUNK = 64 * 1024;

    /** A valid record: where its payload is in the file. */
    record Scanned(int index, long payloadOffset, int length) {
    }

    /**
     * What a scan found. {@code readFailed}: an I/O error (not bad data) interrupted it; the segment is then left
     * alone, neither replayed nor deleted, for a later restart.
     */
    record Scan(List<Scanned> records, boolean readFailed) {
    }

    /** The acknowledged indexes of a segment; {@code appendable} is false if more entries would be misaligned. */
    record Acks(BitSet indexes, boolean appendable) {
    }

    private final SpoolListener listener;

    SegmentScanner(SpoolListener listener) {
        this.listener = listener;
    }

    /** The valid records of a {@code .log} file, in file order, ending at the first torn or corrupt one. */
    Scan records(Path log, int number) {
        List<Scanned> records = new ArrayList<>();
        long offset = 0;
        try (InputStream in = new BufferedInputStream(Files.newInputStream(log), CHUNK)) {
            long size = Files.size(log);
            byte[] header = new byte[RecordFormat.RECORD_HEADER_BYTES];
            String notASegment = segmentHeaderProblem(in, header);
            if (notASegment != null) {
                return corrupt(records, log, 0, notASegment);
            }
            offset = RecordFormat.SEGMENT_HEADER_BYTES;
            byte[] chunk = new byte[CHUNK];
            int previousIndex = -1;
            while (offset < size) {
                int got = in.readNBytes(header, 0, RecordFormat.RECORD_HEADER_BYTES);
                if (got < RecordFormat.RECORD_HEADER_BYTES) {
                    return corrupt(records, log, offset, "torn record header: " + got + " of "
                            + RecordFormat.RECORD_HEADER_BYTES + " bytes before the end of the file");
                }
                ByteBuffer h = ByteBuffer.wrap(header);
                int length = h.getInt();
                int checksum = h.getInt();
                long id = h.getLong();
                long room = size - offset - RecordFormat.RECORD_HEADER_BYTES;
                if (length < 0 || length > room) {
                    return corrupt(records, log, offset, "record length " + length + " runs past the end of the "
                            + "file (" + room + " bytes left)");
                }
                CRC32C crc = RecordFormat.headerChecksum(header);
                for (int left = length; left > 0; ) {
                    int n = in.read(chunk, 0, Math.min(left, chunk.length));
                    if (n < 0) {
                        return corrupt(records, log, offset, "file ended inside the record");
                    }
                    crc.update(chunk, 0, n);
                    left -= n;
                }
                if ((int) crc.getValue() != checksum) {
                    return corrupt(records, log, offset, "checksum mismatch");
                }
                int index = RecordFormat.indexOf(id);
                if (RecordFormat.segmentOf(id) != number || index <= previousIndex) {
                    return corrupt(records, log, offset, "record id " + id + " out of place (expected: segment "
                            + number + ", index above " + previousIndex + ")");
                }
                records.add(new Scanned(index, offset + RecordFormat.RECORD_HEADER_BYTES, length));
                previousIndex = index;
                offset += RecordFormat.RECORD_HEADER_BYTES + (long) length;
            }
        } catch (IOException e) {
            listener.corruptRecordSkipped(log, offset, "read failed, segment left for a later restart: " + e);
            return new Scan(records, true);
        }
        return new Scan(records, false);
    }

    /** Null when {@code in} starts with a segment header of this format and version; else what is wrong. */
    private static String segmentHeaderProblem(InputStream in, byte[] header) throws IOException {
        int got = in.readNBytes(header, 0, RecordFormat.SEGMENT_HEADER_BYTES);
        if (got < RecordFormat.SEGMENT_HEADER_BYTES) {
            return "torn segment header: " + got + " of " + RecordFormat.SEGMENT_HEADER_BYTES + " bytes";
        }
        ByteBuffer segmentHeader = ByteBuffer.wrap(header, 0, RecordFormat.SEGMENT_HEADER_BYTES);
        int magic = segmentHeader.getInt();
        int version = segmentHeader.getInt();
        if (magic != RecordFormat.SEGMENT_MAGIC || version != RecordFormat.SEGMENT_VERSION) {
            return String.format("not a spool segment: magic 0x%08x version %d (expected: magic 0x%08x version %d)",
                    magic, version, RecordFormat.SEGMENT_MAGIC, RecordFormat.SEGMENT_VERSION);
        }
        return null;
    }

    /**
     * The indexes acknowledged in an {@code .ack} file. A torn last entry (a crash while writing it) is cut off so
     * that entries appended later stay aligned.
     */
    Acks acknowledged(Path ack) {
        BitSet acknowledged = new BitSet();
        if (!Files.exists(ack)) {
            return new Acks(acknowledged, true);
        }
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(ack);
        } catch (IOException e) {
            listener.corruptRecordSkipped(ack, 0, "read failed: " + e);
            return new Acks(acknowledged, false);
        }
        ByteBuffer entries = ByteBuffer.wrap(bytes);
        while (entries.remaining() >= RecordFormat.ACK_ENTRY_BYTES) {
            int offset = entries.position();
            int index = entries.getInt();
            int checksum = entries.getInt();
            if (index >= 0 && checksum == RecordFormat.ackChecksum(index)) {
                acknowledged.set(index);
            } else {
                listener.corruptRecordSkipped(ack, offset, "ack entry checksum mismatch");
            }
        }
        if (entries.hasRemaining()) {
            int aligned = entries.position();
            listener.corruptRecordSkipped(ack, aligned, "torn ack entry: " + entries.remaining() + " of "
                    + RecordFormat.ACK_ENTRY_BYTES + " bytes");
            try (FileChannel channel = FileChannel.open(ack, StandardOpenOption.WRITE)) {
                channel.truncate(aligned);
            } catch (IOException e) {
                LOG.warning(() -> "spool: could not cut the torn entry off " + ack + " (" + e + "); records of this "
                        + "segment acknowledged from now on may be delivered again after a restart");
                return new Acks(acknowledged, false);
            }
        }
        return new Acks(acknowledged, true);
    }

    private Scan corrupt(List<Scanned> records, Path log, long offset, String why) {
        listener.corruptRecordSkipped(log, offset, why);
        return new Scan(records, false);
    }
}
