package dev.otlprelay.export.spool;

import static dev.otlprelay.export.spool.SpoolFixture.await;
import static dev.otlprelay.export.spool.SpoolFixture.config;
import static dev.otlprelay.export.spool.SpoolFixture.failure;
import static dev.otlprelay.export.spool.SpoolFixture.ids;
import static dev.otlprelay.export.spool.SpoolFixture.payload;
import static org.assertj.core.api.Assertions.assertThat;

import dev.otlprelay.config.SpoolConfig;
import dev.otlprelay.config.SpoolConfig.Fsync;
import dev.otlprelay.export.spool.SpoolFixture.RecordingListener;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpoolDiskBoundTest {
    private static final int LENGTH = 100;
    /** A record on disk with the ack entry reserved for it. */
    private static final long RECORD = RecordFormat.RECORD_HEADER_BYTES + LENGTH + RecordFormat.ACK_ENTRY_BYTES;
    private static final long MAX_BYTES = 1000;
    /** Two records per segment. */
    private static final long SEGMENT_BYTES = SpoolFixture.offsetOf(2, LENGTH);

    @TempDir
    Path dir;

    private SpoolConfig bounded(long maxBytes, long segmentBytes) {
        return config(dir, Fsync.ALWAYS, Duration.ofMillis(10), maxBytes, segmentBytes);
    }

    /** Appends until one is refused; returns the ids of those accepted. */
    private List<Long> fill(Spool spool, long maxBytes) throws Exception {
        List<Long> ids = new ArrayList<>();
        for (int i = 0; ; i++) {
            CompletableFuture<Long> append = spool.append(payload(i, LENGTH));
            try {
                ids.add(await(append));
            } catch (java.util.concurrent.ExecutionException e) {
                assertThat(e.getCause()).isInstanceOf(SpoolFullException.class)
                        .hasMessageContaining("honeycomb.spool.max_bytes: " + maxBytes);
                return ids;
            }
            assertThat(spool.diskBytes()).isLessThanOrEqualTo(maxBytes);
            assertThat(i).as("appends accepted").isLessThan(100);
        }
    }

    private long bytesInDirectory() throws Exception {
        // The segments and their ack files; the lock file (a line naming the holder) is not spooled data.
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> !f.getFileName().toString().equals(DirectoryLock.FILE))
                    .mapToLong(f -> f.toFile().length()).sum();
        }
    }

    @Test
    void appendsThatWouldGoOverMaxBytesAreRefusedAndWhatIsSpooledIsKept() throws Exception {
        List<Long> accepted;
        try (Spool spool = Spool.open(bounded(MAX_BYTES, SEGMENT_BYTES), SpoolListener.NONE)) {
            accepted = fill(spool, MAX_BYTES);
            assertThat(accepted.size()).isGreaterThanOrEqualTo((int) ((MAX_BYTES - 3 * 8) / RECORD) - 1);
            assertThat(failure(spool.append(payload(99, LENGTH)))).isInstanceOf(SpoolFullException.class);
            assertThat(spool.pendingRecords()).isEqualTo(accepted.size());
            assertThat(spool.diskBytes()).isEqualTo(bytesInDirectory()).isLessThanOrEqualTo(MAX_BYTES);
        }
        try (Spool reopened = Spool.open(bounded(MAX_BYTES, SEGMENT_BYTES), SpoolListener.NONE)) {
            assertThat(ids(reopened.recovered())).isEqualTo(accepted);
        }
    }

    @Test
    void appendsSucceedAgainOnceAcknowledgedSegmentsAreDeleted() throws Exception {
        RecordingListener listener = new RecordingListener();
        try (Spool spool = Spool.open(bounded(MAX_BYTES, SEGMENT_BYTES), listener)) {
            List<Long> accepted = fill(spool, MAX_BYTES);
            long before = spool.diskBytes();
            // The first segment's two records are delivered: it is deleted, and there is room again.
            spool.acknowledge(accepted.get(0));
            spool.acknowledge(accepted.get(1));
            long id = await(spool.append(payload(100, LENGTH)));
            assertThat(id).isGreaterThan(accepted.get(accepted.size() - 1));
            assertThat(listener.deleted).containsExactly(RecordFormat.logPath(dir, 1));
            assertThat(spool.diskBytes()).isLessThanOrEqualTo(before).isEqualTo(bytesInDirectory());
        }
    }

    @Test
    void acknowledgementsCountAgainstTheBoundAndNeverTakeItOver() throws Exception {
        try (Spool spool = Spool.open(bounded(MAX_BYTES, SEGMENT_BYTES), SpoolListener.NONE)) {
            List<Long> accepted = fill(spool, MAX_BYTES);
            // The second record of each segment acknowledged: ack files are written, nothing can be deleted.
            for (int i = 1; i < accepted.size(); i += 2) {
                spool.acknowledge(accepted.get(i));
            }
            assertThat(failure(spool.append(payload(100, LENGTH)))).isInstanceOf(SpoolFullException.class);
            assertThat(spool.diskBytes()).isEqualTo(bytesInDirectory()).isLessThanOrEqualTo(MAX_BYTES);
        }
    }

    @Test
    void aRecordThatCanNeverFitIsRefused() throws Exception {
        try (Spool spool = Spool.open(bounded(MAX_BYTES, SEGMENT_BYTES), SpoolListener.NONE)) {
            assertThat(failure(spool.append(new byte[(int) MAX_BYTES]))).isInstanceOf(SpoolFullException.class);
            assertThat(await(spool.append(payload(1, LENGTH)))).isPositive();
        }
    }

    @Test
    void aFullyAcknowledgedActiveSegmentMakesRoomWhenSegmentsAreLargerThanTheBound() throws Exception {
        // segment_bytes above max_bytes: everything lands in the active segment, which is never deleted while
        // written; once all of it is delivered the spool moves to a new segment instead of staying full forever.
        try (Spool spool = Spool.open(bounded(MAX_BYTES, 64 * SpoolFixture.MIB), SpoolListener.NONE)) {
            List<Long> accepted = fill(spool, MAX_BYTES);
            accepted.forEach(spool::acknowledge);
            long id = await(spool.append(payload(100, LENGTH)));
            assertThat(RecordFormat.segmentOf(id)).isEqualTo(2);
            assertThat(spool.diskBytes()).isEqualTo(bytesInDirectory()).isLessThanOrEqualTo(MAX_BYTES);
        }
    }
}
