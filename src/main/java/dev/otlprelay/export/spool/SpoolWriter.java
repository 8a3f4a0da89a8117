package dev.otlprelay.export.spool;

import dev.otlprelay.config.SpoolConfig;
import dev.otlprelay.config.SpoolConfig.Fsync;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The spool's one writer thread: every append, ack entry, fsync and deletion happens here, in the order the
 * operations were submitted, so that callers (Netty event loops) never wait for the disk.
 *
 * <p>Group commit: the thread takes every operation that is queued, writes them all, and then (policy
 * {@code always}) forces each file written once and completes the appends it covered; appends that arrive while
 * it forces are written and forced together next. Under {@code interval} the force happens at most
 * {@code fsyncInterval} after the first unforced write; under {@code never} an append completes once written.
 * Ack files are forced lazily, at most {@code fsyncInterval} after they were written ({@code never}: on close).
 *
 * <p>Futures complete on this thread: their callbacks must not block.
 */
final class SpoolWriter implements Runnable {
    private static final Logger LOG = Logger.getLogger(SpoolWriter.class.getName());

    sealed interface Op permits Append, Ack, Stop {
    }

    record Append(byte[] payload, CompletableFuture<Long> future) implements Op {
    }

    record Ack(Segment segment, int index) implements Op {
    }

    record Stop() implements Op {
    }

    private record Unforced(Segment segment, long id, CompletableFuture<Long> future) {
    }

    private final Path dir;
    private final Fsync policy;
    private final long intervalNanos;
    private final long segmentBytes;
    private final ChannelSync sync;
    private final SpoolListener listener;
    private final Segments segments;
    private final LinkedBlockingQueue<Op> ops = new LinkedBlockingQueue<>();
    private boolean stopped; // guarded by this: no operation is queued after Stop

    // Everything below belongs to the writer thread.
    private Segment active;
    private int nextNumber;
    private final List<Unforced> unforced = new ArrayList<>();
    private final Set<Segment> dirtyLogs = new LinkedHashSet<>();
    private final Set<Segment> dirtyAcks = new LinkedHashSet<>();
    private boolean logSyncScheduled;
    private long logSyncDue;
    private boolean ackSyncScheduled;
    private long ackSyncDue;

    SpoolWriter(SpoolConfig config, ChannelSync sync, SpoolListener listener, Segments segments, Segment active) {
        this.dir = config.dir();
        this.policy = config.fsync();
        this.intervalNanos = Math.max(0, config.fsyncInterval().toNanos());
        this.segmentBytes = config.segmentBytes();
        this.sync = sync;
        this.listener = listener;
        this.segments = segments;
        this.active = active;
        this.nextNumber = active.number + 1;
    }

    /** Queues an operation; false once the writer is stopping. */
    synchronized boolean submit(Op op) {
        if (stopped) {
            return false;
        }
        ops.add(op);
        return true;
    }

    /** Asks the thread to write and force what is queued, then end. */
    synchronized void stop() {
        if (!stopped) {
            stopped = true;
            ops.add(new Stop());
        }
    }

    @Override
    public void run() {
        try {
            loop();
        } catch (Throwable t) {
            LOG.log(Level.SEVERE, "spool " + dir + ": writer thread failed; appends fail until the relay restarts", t);
        } finally {
            shutDown();
        }
    }

    private void loop() throws InterruptedException {
        List<Op> batch = new ArrayList<>();
        while (true) {
            Op first = nextOp();
            if (first != null) {
                batch.add(first);
                ops.drainTo(batch);
            }
            boolean stopping = false;
            for (Op op : batch) {
                if (op instanceof Append append) {
                    append(append);
                } else if (op instanceof Ack ack) {
                    acknowledged(ack.segment(), ack.index());
                } else {
                    stopping = true;
                }
            }
            batch.clear();
            if (stopping) {
                syncLogs();
                syncAcks();
                return;
            }
            long now = System.nanoTime();
            if (policy == Fsync.ALWAYS ? !unforced.isEmpty() : logSyncScheduled && now - logSyncDue >= 0) {
                syncLogs();
            }
            if (ackSyncScheduled && now - ackSyncDue >= 0) {
                syncAcks();
            }
        }
    }

    /** The next operation, or {@code null} when a scheduled sync is due first. */
    private Op nextOp() throws InterruptedException {
        if (!logSyncScheduled && !ackSyncScheduled) {
            return ops.take();
        }
        long due;
        if (logSyncScheduled && ackSyncScheduled) {
            due = logSyncDue - ackSyncDue < 0 ? logSyncDue : ackSyncDue; // nanoTime values compare by difference
        } else {
            due = logSyncScheduled ? logSyncDue : ackSyncDue;
        }
        return ops.poll(Math.max(0, due - System.nanoTime()), TimeUnit.NANOSECONDS);
    }

    // ---- appends ----

    private void append(Append append) {
        long recordBytes = RecordFormat.RECORD_HEADER_BYTES + (long) append.payload().length;
        try {
            if (!hasRoomFor(recordBytes)) {
                retireActiveIfAcknowledged();
                if (!hasRoomFor(recordBytes)) {
                    append.future().completeExceptionally(full(recordBytes));
                    return;
                }
            }
            if (needsNewSegment(recordBytes)) {
                rotate();
            }
            write(append, recordBytes);
        } catch (IOException e) {
            append.future().completeExceptionally(e);
        } catch (RuntimeException e) {
            append.future().completeExceptionally(new IOException("spool " + dir + ": append failed", e));
        }
    }

    private boolean needsNewSegment(long recordBytes) {
        return !active.writable || active.nextIndex > 0
                && (active.logBytes + recordBytes > segmentBytes || active.nextIndex == Integer.MAX_VALUE);
    }

    private boolean hasRoomFor(long recordBytes) {
        long newSegment = needsNewSegment(recordBytes) ? RecordFormat.SEGMENT_HEADER_BYTES : 0;
        return segments.hasRoom(recordBytes + RecordFormat.ACK_ENTRY_BYTES + newSegment);
    }

    /** The active segment is never deleted; when the spool is full and it holds only acknowledged records, move on. */
    private void retireActiveIfAcknowledged() throws IOException {
        if (active.nextIndex > 0 && segments.fullyAcknowledged(active)) {
            rotate();
        }
    }

    private SpoolFullException full(long recordBytes) {
        return new SpoolFullException("spool " + dir + " full: honeycomb.spool.max_bytes: " + segments.maxBytes()
                + " (" + segments.diskBytes() + " bytes in use; a record of " + recordBytes + " bytes is refused "
                + "until delivered records free space)");
    }

    private void write(Append append, long recordBytes) throws IOException {
        Segment segment = active;
        int index = segment.nextIndex;
        long id = RecordFormat.id(segment.number, index);
        ByteBuffer[] buffers = {RecordFormat.recordHeader(id, append.payload()), ByteBuffer.wrap(append.payload())};
        try {
            while (buffers[0].hasRemaining() || buffers[1].hasRemaining()) {
                segment.channel.write(buffers);
            }
        } catch (IOException e) {
            // The record may be torn on disk: recovery stops there, so nothing more goes into this segment.
            segment.writable = false;
            segments.grew(segment, recordBytes - buffers[0].remaining() - buffers[1].remaining());
            dirtyLogs.add(segment);
            throw new IOException("spool " + segment + ": write failed", e);
        }
        segments.written(segment, index, recordBytes);
        dirtyLogs.add(segment);
        if (policy == Fsync.NEVER) {
            append.future().complete(id);
            return;
        }
        unforced.add(new Unforced(segment, id, append.future()));
        if (policy == Fsync.INTERVAL && !logSyncScheduled) {
            logSyncScheduled = true;
            logSyncDue = System.nanoTime() + intervalNanos;
        }
    }

    private void rotate() throws IOException {
        int number = nextNumber;
        if (number == Integer.MAX_VALUE) {
            throw new IOException("spool " + dir + ": segment numbers exhausted (expected: below "
                    + Integer.MAX_VALUE + "); empty the directory");
        }
        nextNumber++;
        Segment next = Segment.create(dir, number, sync, policy != Fsync.NEVER);
        Segment previous = segments.activate(next);
        active = next;
        previous.writable = false;
        if (policy == Fsync.NEVER || !dirtyLogs.contains(previous)) {
            dirtyLogs.remove(previous);
            Segment.closeQuietly(previous.channel);
        } // else: syncLogs forces it, then closes it
        if (segments.deletable(previous)) {
            delete(previous);
        }
    }

    // ---- acknowledgements ----

    /** A record was acknowledged (its live bit is already cleared): delete its segment, or write an ack entry. */
    private void acknowledged(Segment segment, int index) {
        if (segment.deleted) {
            return;
        }
        if (segments.deletable(segment)) {
            delete(segment);
            return;
        }
        if (segment.ackBroken) {
            return;
        }
        try {
            if (segment.ackChannel == null) {
                segment.ackChannel = FileChannel.open(segment.ack, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                        StandardOpenOption.APPEND);
            }
            ByteBuffer entry = RecordFormat.ackEntry(index);
            while (entry.hasRemaining()) {
                segment.ackChannel.write(entry);
            }
        } catch (IOException e) {
            segment.ackBroken = true;
            LOG.warning(() -> "spool " + segment.ack + ": ack entry could not be written (" + e + "); records of "
                    + "this segment acknowledged from now on may be delivered again after a restart");
            return;
        }
        segments.ackWritten(segment);
        dirtyAcks.add(segment);
        if (policy != Fsync.NEVER && !ackSyncScheduled) {
            ackSyncScheduled = true;
            ackSyncDue = System.nanoTime() + intervalNanos;
        }
    }

    private void delete(Segment segment) {
        dirtyLogs.remove(segment);
        dirtyAcks.remove(segment);
        segment.closeChannels();
        try {
            // The log first: an ack file without its log is removed at the next open, the reverse would replay.
            Files.deleteIfExists(segment.log);
            Files.deleteIfExists(segment.ack);
        } catch (IOException e) {
            LOG.warning(() -> "spool " + segment + ": could not delete the acknowledged segment (" + e + ")");
        }
        segments.removed(segment);
        listener.segmentDeleted(segment.log);
    }

    // ---- forcing ----

    /** Forces every log written since the last sync, then completes (or fails) the appends that waited for it. */
    private void syncLogs() {
        Map<Segment, IOException> failures = new IdentityHashMap<>();
        for (Segment segment : dirtyLogs) {
            try {
                sync.force(segment.channel, false);
            } catch (IOException e) {
                // After a failed fsync the kernel may have dropped the dirty pages: nothing more goes in here.
                segment.writable = false;
                failures.put(segment, e);
                LOG.warning(() -> "spool " + segment + ": fsync failed (" + e + "); its unforced appends fail");
            }
            if (segment != active) {
                Segment.closeQuietly(segment.channel);
            }
        }
        dirtyLogs.clear();
        logSyncScheduled = false;
        List<Unforced> done = new ArrayList<>(unforced);
        unforced.clear();
        for (Unforced u : done) {
            IOException failure = failures.get(u.segment());
            if (failure == null) {
                u.future().complete(u.id());
            } else {
                abandon(u.id());
                u.future().completeExceptionally(new IOException("spool " + u.segment() + ": fsync failed", failure));
            }
        }
    }

    /** A record whose append failed after it was written: acknowledged, so that it is not replayed. */
    private void abandon(long id) {
        Segment segment = segments.acknowledge(id);
        if (segment != null) {
            acknowledged(segment, RecordFormat.indexOf(id));
        }
    }

    private void syncAcks() {
        for (Segment segment : dirtyAcks) {
            try {
                sync.force(segment.ackChannel, false);
            } catch (IOException e) {
                LOG.warning(() -> "spool " + segment.ack + ": fsync failed (" + e + "); acknowledged records may "
                        + "be delivered again after a power loss");
            }
        }
        dirtyAcks.clear();
        ackSyncScheduled = false;
    }

    /** Fails what can no longer be done (only if the loop failed) and closes every file. */
    private void shutDown() {
        synchronized (this) {
            stopped = true;
        }
        IOException closed = new IOException("spool " + dir + " is closed");
        for (Unforced u : unforced) {
            u.future().completeExceptionally(closed);
        }
        unforced.clear();
        List<Op> left = new ArrayList<>();
        ops.drainTo(left);
        for (Op op : left) {
            if (op instanceof Append append) {
                append.future().completeExceptionally(closed);
            }
        }
        for (Segment segment : segments.all()) {
            segment.closeChannels();
        }
    }
}
