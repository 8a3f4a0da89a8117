package dev.otlprelay.export.spool;

import static dev.otlprelay.export.spool.SpoolFixture.await;
import static dev.otlprelay.export.spool.SpoolFixture.config;
import static dev.otlprelay.export.spool.SpoolFixture.files;
import static dev.otlprelay.export.spool.SpoolFixture.ids;
import static dev.otlprelay.export.spool.SpoolFixture.payload;
import static dev.otlprelay.export.spool.SpoolFixture.payloads;
import static dev.otlprelay.export.spool.SpoolFixture.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.otlprelay.config.SpoolConfig;
import dev.otlprelay.config.SpoolConfig.Fsync;
import dev.otlprelay.export.spool.SpoolFixture.RecordingListener;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpoolRecoveryTest {
    private static final int LENGTH = 50;
    /** Two records of {@link #LENGTH} bytes per segment. */
    private static final long SEGMENT_BYTES = SpoolFixture.offsetOf(2, LENGTH) + 1;

    @TempDir
    Path dir;

    private SpoolConfig smallSegments() {
        return config(dir, Fsync.ALWAYS, Duration.ofMillis(10), SpoolFixture.MIB, SEGMENT_BYTES);
    }

    private List<Long> appendAll(Spool spool, int count) throws Exception {
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ids.add(await(spool.append(payload(i, LENGTH))));
        }
        return ids;
    }

    @Test
    void reopeningRecoversTheUnacknowledgedRecordsInAppendOrderWithTheirIds() throws Exception {
        RecordingListener listener = new RecordingListener();
        List<Long> ids;
        try (Spool spool = Spool.open(smallSegments(), listener)) {
            assertThat(spool.recovered()).isEmpty();
            ids = appendAll(spool, 10);
            assertThat(ids).isSorted().doesNotHaveDuplicates();
            for (int acknowledged : new int[] {0, 1, 2, 5}) {
                spool.acknowledge(ids.get(acknowledged));
            }
            assertThat(spool.pendingRecords()).isEqualTo(6);
        }
        // Records 0 and 1 filled the first segment: it is gone, the half-acknowledged second one is not.
        assertThat(listener.deleted).containsExactly(RecordFormat.logPath(dir, 1));
        assertThat(dir.resolve("segment-0000000001.log")).doesNotExist();
        assertThat(dir.resolve("segment-0000000002.log")).exists();

        try (Spool reopened = Spool.open(smallSegments(), listener)) {
            List<SpoolRecord> recovered = reopened.recovered();
            assertThat(ids(recovered)).containsExactly(ids.get(3), ids.get(4), ids.get(6), ids.get(7), ids.get(8),
                    ids.get(9));
            assertThat(payloads(recovered)).containsExactly(text(payload(3, LENGTH)), text(payload(4, LENGTH)),
                    text(payload(6, LENGTH)), text(payload(7, LENGTH)), text(payload(8, LENGTH)),
                    text(payload(9, LENGTH)));
            assertThat(reopened.pendingRecords()).isEqualTo(6);
            assertThat(reopened.recovered()).isSameAs(recovered);
        }
        assertThat(listener.corruptions).isEmpty();
    }

    @Test
    void acknowledgedRecoveredRecordsAreNotReplayedAgainAndTheirSegmentsAreDeleted() throws Exception {
        try (Spool spool = Spool.open(smallSegments(), SpoolListener.NONE)) {
            appendAll(spool, 5);
        }
        RecordingListener listener = new RecordingListener();
        try (Spool reopened = Spool.open(smallSegments(), listener)) {
            assertThat(reopened.recovered()).hasSize(5);
            for (SpoolRecord r : reopened.recovered()) {
                reopened.acknowledge(r.id());
            }
            assertThat(reopened.pendingRecords()).isZero();
        }
        // Segments 1, 2 and 3 held the records; 4 was the (empty) segment the first reopen wrote to.
        assertThat(listener.deleted).contains(RecordFormat.logPath(dir, 1), RecordFormat.logPath(dir, 2),
                RecordFormat.logPath(dir, 3));

        try (Spool again = Spool.open(smallSegments(), SpoolListener.NONE)) {
            assertThat(again.recovered()).isEmpty();
            assertThat(again.pendingRecords()).isZero();
            assertThat(files(dir, ".log")).containsExactly(RecordFormat.logPath(dir, 5));
            assertThat(files(dir, ".ack")).isEmpty();
        }
    }

    @Test
    void recordIdsStayUniqueAcrossRestartsEvenWhenEverythingWasDelivered() throws Exception {
        List<Long> seen = new ArrayList<>();
        for (int session = 0; session < 3; session++) {
            try (Spool spool = Spool.open(smallSegments(), SpoolListener.NONE)) {
                assertThat(spool.recovered()).isEmpty();
                List<Long> ids = appendAll(spool, 3);
                ids.forEach(spool::acknowledge);
                seen.addAll(ids);
            }
        }
        assertThat(seen).doesNotHaveDuplicates().isSorted();
    }

    @Test
    void aSpoolThatWasNeverClosedIsRecoveredByTheNextOne() throws Exception {
        SpoolConfig never = config(dir, Fsync.NEVER);
        Spool crashed = Spool.open(never, SpoolListener.NONE);
        try {
            List<Long> ids = appendAll(crashed, 20);
            // No close: nothing was fsynced; a restarted process reads the same page cache. The crash also ends the
            // process's hold on the directory, which the operating system releases.
            crashed.releaseLockAsACrashWould();
            RecordingListener listener = new RecordingListener();
            try (Spool restarted = Spool.open(never, listener)) {
                assertThat(ids(restarted.recovered())).isEqualTo(ids);
                assertThat(payloads(restarted.recovered()))
                        .isEqualTo(IntStream.range(0, 20).mapToObj(i -> text(payload(i, LENGTH))).toList());
                assertThat(listener.corruptions).isEmpty();
            }
        } finally {
            crashed.close();
        }
    }

    @Test
    void emptyAndLargeRecordsRoundTrip() throws Exception {
        byte[] large = payload(7, 3 * 1024 * 1024 + 17);
        long emptyId;
        long largeId;
        try (Spool spool = Spool.open(config(dir, Fsync.INTERVAL), SpoolListener.NONE)) {
            emptyId = await(spool.append(new byte[0]));
            largeId = await(spool.append(large));
        }
        try (Spool reopened = Spool.open(config(dir, Fsync.INTERVAL), SpoolListener.NONE)) {
            List<SpoolRecord> recovered = reopened.recovered();
            assertThat(ids(recovered)).containsExactly(emptyId, largeId);
            assertThat(recovered.get(0).payload()).isEmpty();
            assertThat(recovered.get(1).payload()).isEqualTo(large);
        }
    }

    @Test
    void recoveredPayloadsAreReadFromDiskWhileTheSpoolIsOpen() throws Exception {
        try (Spool spool = Spool.open(config(dir, Fsync.ALWAYS), SpoolListener.NONE)) {
            await(spool.append(payload(1, LENGTH)));
        }
        Spool reopened = Spool.open(config(dir, Fsync.ALWAYS), SpoolListener.NONE);
        List<SpoolRecord> recovered = reopened.recovered();
        assertThat(text(recovered.get(0).payload())).isEqualTo(text(payload(1, LENGTH)));
        reopened.close();
        assertThatThrownBy(() -> recovered.get(0)).isInstanceOf(UncheckedIOException.class);
    }

    @Test
    void appendsAfterCloseFailAndCloseIsSafeTwice() throws Exception {
        Spool spool = Spool.open(config(dir, Fsync.ALWAYS), SpoolListener.NONE);
        spool.close();
        spool.close();
        assertThat(SpoolFixture.failure(spool.append(payload(1, LENGTH)))).isInstanceOf(IOException.class)
                .hasMessageContaining("closed");
    }

    @Test
    void openFailsWithAnIOExceptionWhenTheDirectoryIsUnusable() throws Exception {
        Path file = Files.writeString(dir.resolve("not-a-directory"), "x");
        assertThatThrownBy(() -> Spool.open(config(file, Fsync.ALWAYS), SpoolListener.NONE))
                .isInstanceOf(IOException.class);
        assertThatThrownBy(() -> Spool.open(config(file.resolve("below"), Fsync.ALWAYS), SpoolListener.NONE))
                .isInstanceOf(IOException.class);
    }

    @Test
    void aListenerThatThrowsDoesNotBreakTheSpool() throws Exception {
        SpoolListener failing = new SpoolListener() {
            @Override
            public void segmentDeleted(Path segment) {
                throw new IllegalStateException("listener bug");
            }
        };
        try (Spool spool = Spool.open(smallSegments(), failing)) {
            List<Long> ids = appendAll(spool, 4);
            ids.forEach(spool::acknowledge);
            assertThat(await(spool.append(payload(9, LENGTH)))).isGreaterThan(ids.get(3));
        }
    }
}
