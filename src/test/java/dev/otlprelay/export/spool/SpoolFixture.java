package dev.otlprelay.export.spool;

import static org.assertj.core.api.Assertions.assertThat;

import dev.otlprelay.config.SpoolConfig;
import dev.otlprelay.config.SpoolConfig.Fsync;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/** What the spool tests share: configs, payloads, a recording listener, a counting fsync, the files on disk. */
final class SpoolFixture {
    static final long MIB = 1024 * 1024;

    private SpoolFixture() {
    }

    static SpoolConfig config(Path dir, Fsync fsync) {
        return config(dir, fsync, Duration.ofMillis(10), 64 * MIB, 8 * MIB);
    }

    static SpoolConfig config(Path dir, Fsync fsync, Duration interval, long maxBytes, long segmentBytes) {
        return new SpoolConfig(dir, fsync, interval, maxBytes, segmentBytes);
    }

    /** A payload of exactly {@code length} bytes that names {@code i}. */
    static byte[] payload(int i, int length) {
        byte[] bytes = new byte[length];
        byte[] name = ("record-" + i + "-").getBytes(StandardCharsets.US_ASCII);
        for (int k = 0; k < length; k++) {
            bytes[k] = name[k % name.length];
        }
        return bytes;
    }

    static long await(CompletableFuture<Long> future) throws Exception {
        return future.get(30, TimeUnit.SECONDS);
    }

    /** The cause an append failed with. */
    static Throwable failure(CompletableFuture<Long> future) throws InterruptedException, TimeoutException {
        try {
            future.get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return e.getCause();
        }
        throw new AssertionError("append succeeded: expected it to fail");
    }

    static List<Long> ids(List<SpoolRecord> records) {
        return records.stream().map(SpoolRecord::id).toList();
    }

    static List<String> payloads(List<SpoolRecord> records) {
        List<String> out = new ArrayList<>();
        for (SpoolRecord r : records) {
            out.add(new String(r.payload(), StandardCharsets.US_ASCII));
        }
        return out;
    }

    static String text(byte[] payload) {
        return new String(payload, StandardCharsets.US_ASCII);
    }

    static List<Path> files(Path dir, String suffix) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(suffix)).sorted().toList();
        }
    }

    /** Offset of record {@code i} in a segment whose records all have {@code payloadLength} bytes. */
    static long offsetOf(int i, int payloadLength) {
        return RecordFormat.SEGMENT_HEADER_BYTES + (long) i * (RecordFormat.RECORD_HEADER_BYTES + payloadLength);
    }

    /** Every report the spool made. */
    static final class RecordingListener implements SpoolListener {
        record Corruption(Path segment, long offset, String why) {
        }

        final List<Corruption> corruptions = new CopyOnWriteArrayList<>();
        final List<Path> deleted = new CopyOnWriteArrayList<>();

        @Override
        public void corruptRecordSkipped(Path segment, long offset, String why) {
            corruptions.add(new Corruption(segment, offset, why));
        }

        @Override
        public void segmentDeleted(Path segment) {
            deleted.add(segment);
        }
    }

    /**
     * Counts file fsyncs (directories apart) and remembers the largest size a forced file had; can fail the next
     * one, and can hold the first one until released.
     */
    static class CountingSync implements ChannelSync {
        final AtomicInteger fileForces = new AtomicInteger();
        final AtomicLong largestForcedSize = new AtomicLong();
        volatile boolean failNext;

        @Override
        public void force(FileChannel channel, boolean metaData) throws IOException {
            if (metaData) {
                channel.force(true); // a directory, when a segment is created
                return;
            }
            beforeForce();
            if (failNext) {
                failNext = false;
                throw new IOException("injected fsync failure");
            }
            channel.force(false);
            largestForcedSize.accumulateAndGet(channel.size(), Math::max);
            fileForces.incrementAndGet();
        }

        void beforeForce() {
        }
    }

    static void assertWithinBound(Spool spool, long maxBytes) {
        assertThat(spool.diskBytes()).isLessThanOrEqualTo(maxBytes);
    }
}
