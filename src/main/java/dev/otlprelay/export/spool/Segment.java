package dev.otlprelay.export.spool;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.BitSet;

/**
 * One segment: its {@code .log} file of records, its {@code .ack} file of acknowledged indexes, and which of its
 * records are still live (written and not acknowledged).
 *
 * <p>Threads: the fields marked "Segments" are guarded by the {@link Segments} lock and written only by the
 * writer thread (or by {@link Spool#open} before it starts); the channels and flags marked "writer" belong to the
 * writer thread. {@link #channel} is also read, by position, by {@link RecoveredRecords}.
 */
final class Segment {
    final int number;
    final Path log;
    final Path ack;
    /** Read-write for a segment this process created; read-only for one recovered from an earlier process. */
    final FileChannel channel;

    // Segments
    final BitSet live = new BitSet();
    int nextIndex;
    long logBytes;
    long ackBytes;
    /** Records (live or acknowledged) whose ack entry is not written yet: disk is reserved for those entries. */
    int unwrittenAcks;
    boolean deleted;

    // writer
    FileChannel ackChannel;
    /** False once another segment is active, or after a write or fsync on it failed (its tail may be torn). */
    boolean writable;
    /** After an ack entry could not be written nothing more is appended to the ack file (it would be misaligned). */
    boolean ackBroken;

    private Segment(int number, Path dir, FileChannel channel, boolean writable) {
        this.number = number;
        this.log = RecordFormat.logPath(dir, number);
        this.ack = RecordFormat.ackPath(dir, number);
        this.channel = channel;
        this.writable = writable;
    }

    /**
     * Creates the file of a new, empty segment with its header. With {@code durable}, the directory is fsynced so
     * that the new file itself survives a power loss (its data is forced by the writer's next sync).
     */
    static Segment create(Path dir, int number, ChannelSync sync, boolean durable) throws IOException {
        Path log = RecordFormat.logPath(dir, number);
        FileChannel channel = FileChannel.open(log, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        try {
            ByteBuffer header = RecordFormat.segmentHeader();
            while (header.hasRemaining()) {
                channel.write(header);
            }
            if (durable) {
                syncDirectory(dir, sync);
            }
        } catch (IOException e) {
            closeQuietly(channel);
            throw e;
        }
        Segment segment = new Segment(number, dir, channel, true);
        segment.logBytes = RecordFormat.SEGMENT_HEADER_BYTES;
        return segment;
    }

    /** A segment left by an earlier process, opened for reading its records. */
    static Segment recovered(Path dir, int number, long logBytes, long ackBytes) throws IOException {
        FileChannel channel = FileChannel.open(RecordFormat.logPath(dir, number), StandardOpenOption.READ);
        Segment segment = new Segment(number, dir, channel, false);
        segment.logBytes = logBytes;
        segment.ackBytes = ackBytes;
        return segment;
    }

    /**
     * Forces the directory's entries (a new segment's name) to disk. Only where directories cannot be opened at
     * all (Windows) is there nothing to force; elsewhere a directory that cannot be opened is an error, not a skip.
     */
    static void syncDirectory(Path dir, ChannelSync sync) throws IOException {
        FileChannel directory;
        try {
            directory = FileChannel.open(dir, StandardOpenOption.READ);
        } catch (UnsupportedOperationException e) {
            return;
        } catch (IOException e) {
            if (System.getProperty("os.name", "").startsWith("Windows")) {
                return;
            }
            throw new IOException("cannot open the spool directory " + dir + " to fsync it: " + e.getMessage(), e);
        }
        try (directory) {
            sync.force(directory, true);
        }
    }

    void closeChannels() {
        closeQuietly(channel);
        if (ackChannel != null) {
            closeQuietly(ackChannel);
        }
    }

    static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing was pending on it that closing could lose
        }
    }

    @Override
    public String toString() {
        return log.toString();
    }
}
