package dev.otlprelay.export.spool;

import dev.otlprelay.config.SpoolConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * The durable spool ({@code honeycomb.spool}): an append-only log of segment files that keeps each record from
 * its {@link #append} until its {@link #acknowledge}, across crashes and restarts. The format, the fsync policies
 * with their loss windows, the disk-full policy and the replay semantics are in {@code docs/durability.md}.
 *
 * <p>Accounting, at every instant: {@code pendingRecords = recovered + appended - acknowledged} (appended: written;
 * acknowledging an unknown or already acknowledged id changes nothing). An append is accepted only if
 * {@code diskBytes} plus the 8-byte ack entry reserved for each record whose entry is not written yet stays within
 * {@code maxBytes}; a directory already over the bound at open (a lowered {@code max_bytes}) refuses appends
 * until delivery brings it under.
 *
 * <p>One spool per directory: {@link DirectoryLock} refuses a second one, in this process or another, before it
 * reads or deletes anything (two spools in one directory would delete and corrupt each other's segments).
 */
public final class Spool implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Spool.class.getName());

    private final Segments segments;
    private final SpoolWriter writer;
    private final Thread thread;
    private final List<SpoolRecord> recovered;
    private final DirectoryLock lock;
    private final Path dir;

    private Spool(Segments segments, SpoolWriter writer, List<SpoolRecord> recovered, Path dir, DirectoryLock lock) {
        this.lock = lock;
        this.dir = dir;
        this.segments = segments;
        this.writer = writer;
        this.recovered = recovered;
        // The directory stays locked until the writer has written its last byte.
        this.thread = new Thread(() -> {
            try {
                writer.run();
            } finally {
                release(lock, dir);
            }
        }, "spool-writer " + dir);
        this.thread.setDaemon(true);
    }

    private static void release(DirectoryLock lock, Path dir) {
        try {
            lock.close();
        } catch (IOException e) {
            LOG.warning(() -> "spool " + dir + ": could not release the directory's lock (" + e + ")");
        }
    }

    /**
     * Opens (creating the directory if needed), locks the directory and scans existing segments; never throws for
     * corrupt data (skips it, counts it). Throws IOException if the directory is unusable or another relay holds it.
     */
    public static Spool open(SpoolConfig config, SpoolListener listener) throws IOException {
        return open(config, listener, ChannelSync.FORCE);
    }

    static Spool open(SpoolConfig config, SpoolListener listener, ChannelSync sync) throws IOException {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(sync, "sync");
        if (!config.enabled()) {
            throw new IllegalArgumentException("honeycomb.spool.dir: not set (expected: a directory)");
        }
        if (config.maxBytes() <= 0 || config.segmentBytes() <= 0) {
            throw new IllegalArgumentException("honeycomb.spool.max_bytes: " + config.maxBytes()
                    + ", honeycomb.spool.segment_bytes: " + config.segmentBytes() + " (expected: both > 0)");
        }
        SpoolListener guarded = new GuardedListener(listener);
        Path dir = config.dir();
        Files.createDirectories(dir);
        if (!Files.isWritable(dir)) {
            throw new IOException("honeycomb.spool.dir: " + dir + " is not writable (expected: a directory the "
                    + "relay can write)");
        }
        // Before anything in the directory is read or deleted: another relay may be writing it.
        DirectoryLock lock = DirectoryLock.take(dir);
        TreeSet<Integer> logs = new TreeSet<>();
        TreeSet<Integer> acks = new TreeSet<>();
        Segments segments = new Segments(config.maxBytes());
        RecoveredRecords recovered = new RecoveredRecords();
        Segment active;
        try {
            try (Stream<Path> files = Files.list(dir)) {
                files.forEach(f -> {
                    RecordFormat.logNumber(f).ifPresent(logs::add);
                    RecordFormat.ackNumber(f).ifPresent(acks::add);
                });
            }
            recover(dir, logs, acks, segments, recovered, guarded);
            int last = Math.max(logs.isEmpty() ? 0 : logs.last(), acks.isEmpty() ? 0 : acks.last());
            if (last + 1 == Integer.MAX_VALUE) {
                throw new IOException("honeycomb.spool.dir: " + dir + ": segment numbers exhausted (expected: "
                        + "below " + Integer.MAX_VALUE + "); empty the directory");
            }
            // A new process always writes a new segment: the last one may end in a torn record.
            active = Segment.create(dir, last + 1, sync, config.fsync() != SpoolConfig.Fsync.NEVER);
            segments.activate(active);
        } catch (IOException | RuntimeException e) {
            segments.all().forEach(Segment::closeChannels);
            release(lock, dir);
            throw e;
        }
        Spool spool = new Spool(segments, new SpoolWriter(config, sync, guarded, segments, active), recovered, dir,
                lock);
        spool.thread.start();
        if (!recovered.isEmpty()) {
            LOG.info(() -> "spool " + dir + ": " + recovered.size() + " records to replay, "
                    + segments.diskBytes() + " bytes on disk");
        }
        return spool;
    }

    /** Scans the segments left by an earlier process; deletes those with nothing left to deliver. */
    private static void recover(Path dir, TreeSet<Integer> logs, TreeSet<Integer> acks, Segments segments,
                                RecoveredRecords recovered, SpoolListener listener) {
        SegmentScanner scanner = new SegmentScanner(listener);
        for (int number : logs) {
            Path log = RecordFormat.logPath(dir, number);
            Path ack = RecordFormat.ackPath(dir, number);
            SegmentScanner.Acks acknowledged = scanner.acknowledged(ack);
            SegmentScanner.Scan scan = scanner.records(log, number);
            if (scan.readFailed()) {
                continue;
            }
            if (scan.records().stream().allMatch(r -> acknowledged.indexes().get(r.index()))) {
                deleteQuietly(log, ack);
                listener.segmentDeleted(log);
                continue;
            }
            Segment segment;
            try {
                segment = Segment.recovered(dir, number, Files.size(log), Files.exists(ack) ? Files.size(ack) : 0);
            } catch (IOException e) {
                listener.corruptRecordSkipped(log, 0, "read failed, segment left for a later restart: " + e);
                continue;
            }
            segment.ackBroken = !acknowledged.appendable();
            for (SegmentScanner.Scanned r : scan.records()) {
                if (!acknowledged.indexes().get(r.index())) {
                    segment.live.set(r.index());
                    recovered.add(segment, RecordFormat.id(number, r.index()), r.payloadOffset(), r.length());
                }
            }
            segments.addRecovered(segment);
        }
        for (int number : acks) {
            if (!logs.contains(number)) {
                deleteQuietly(RecordFormat.ackPath(dir, number)); // its log was deleted, the crash came before it
            }
        }
    }

    private static void deleteQuietly(Path... files) {
        for (Path f : files) {
            try {
                Files.deleteIfExists(f);
            } catch (IOException e) {
                LOG.warning(() -> "spool: could not delete " + f + " (" + e + ")");
            }
        }
    }

    /**
     * Appends one record. The returned future completes with the record's id when the record is durable under the
     * policy: {@code ALWAYS} after an fsync covering it (concurrent appends share one fsync: group commit, done by
     * a single writer thread); {@code INTERVAL} after the next periodic fsync (at most {@code fsyncInterval}
     * later), also a group commit; {@code NEVER} as soon as it is written to the file (OS page cache).
     *
     * <p>Completes exceptionally with {@link SpoolFullException} when the record would take disk use over
     * {@code maxBytes} (policy: refuse new data, keep what is there — the relay answers 503 so that clients
     * retry), or with {@link IOException} on write or fsync errors and after {@link #close}.
     *
     * <p>Never blocks: the write and fsync happen on the spool's writer thread, which also completes the future
     * (callbacks must not block). The array is written later on that thread: do not modify it until the future
     * completes.
     */
    public CompletableFuture<Long> append(byte[] record) {
        Objects.requireNonNull(record, "record");
        CompletableFuture<Long> future = new CompletableFuture<>();
        if (!writer.submit(new SpoolWriter.Append(record, future))) {
            future.completeExceptionally(new IOException("spool is closed"));
        }
        return future;
    }

    /**
     * Marks a record delivered (or permanently given up on); unknown and repeated ids are ignored. A segment whose
     * records are all acknowledged is deleted (not the one being written). Acknowledgements are persisted in the
     * segment's ack file, fsynced lazily: after a crash a few acknowledged records may be replayed again
     * (at-least-once). Never blocks on the disk.
     */
    public void acknowledge(long recordId) {
        Segment segment = segments.acknowledge(recordId);
        if (segment != null) {
            writer.submit(new SpoolWriter.Ack(segment, RecordFormat.indexOf(recordId)));
        }
    }

    /**
     * The records that were in the spool, not acknowledged, when it was opened (from a previous process), in
     * append order. Payloads are read from disk by {@link List#get} (not held in memory; iterate once, and
     * acknowledge as they are delivered); reading fails with {@link java.io.UncheckedIOException} after
     * {@link #close}.
     */
    public List<SpoolRecord> recovered() {
        return recovered;
    }

    /**
     * Releases the directory's lock without closing: what a process crash does (the operating system releases its
     * locks), for tests that restart a spool in the same process. The spool must not be written afterwards.
     */
    void releaseLockAsACrashWould() {
        release(lock, dir);
    }

    /** Bytes of the segment files on disk, with their ack files (not the lock file). */
    public long diskBytes() {
        return segments.diskBytes();
    }

    /** Records appended or recovered, not yet acknowledged. */
    public long pendingRecords() {
        return segments.pending();
    }

    /** Writes and fsyncs what was appended (completing those futures), stops the writer thread; safe twice. */
    @Override
    public void close() {
        writer.stop();
        if (Thread.currentThread() == thread) {
            return; // called from a future's callback: the thread ends once that callback returns
        }
        boolean interrupted = false;
        while (thread.isAlive()) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
