package dev.otlprelay.export.spool;

import static dev.otlprelay.export.spool.SpoolFixture.await;
import static dev.otlprelay.export.spool.SpoolFixture.ids;
import static dev.otlprelay.export.spool.SpoolFixture.offsetOf;
import static dev.otlprelay.export.spool.SpoolFixture.payload;
import static dev.otlprelay.export.spool.SpoolFixture.payloads;
import static dev.otlprelay.export.spool.SpoolFixture.text;
import static org.assertj.core.api.Assertions.assertThat;

import dev.otlprelay.config.SpoolConfig;
import dev.otlprelay.config.SpoolConfig.Fsync;
import dev.otlprelay.export.spool.SpoolFixture.RecordingListener;
import dev.otlprelay.export.spool.SpoolFixture.RecordingListener.Corruption;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SpoolCorruptionTest {
    private static final int LENGTH = 40;

    @TempDir
    Path dir;

    private SpoolConfig config() {
        return SpoolFixture.config(dir, Fsync.ALWAYS);
    }

    /** One session: appends {@code count} records to a new segment, closes. */
    private List<Long> session(int first, int count) throws Exception {
        List<Long> ids = new ArrayList<>();
        try (Spool spool = Spool.open(config(), SpoolListener.NONE)) {
            for (int i = first; i < first + count; i++) {
                ids.add(await(spool.append(payload(i, LENGTH))));
            }
        }
        return ids;
    }

    private static void truncate(Path file, long size) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.truncate(size);
        }
    }

    private static void flipByte(Path file, long offset) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.allocate(1);
            channel.read(b, offset);
            b.put(0, (byte) (b.get(0) ^ 0x5A)).rewind();
            channel.write(b, offset);
        }
    }

    @ParameterizedTest(name = "{0} bytes of the last record left")
    @ValueSource(ints = {1, 4, 8, 15, 16, 17, 30, 16 + LENGTH - 1})
    void aTornLastRecordIsSkippedAndCountedAndEverythingBeforeItIsRecovered(int kept) throws Exception {
        List<Long> ids = session(0, 5);
        Path log = RecordFormat.logPath(dir, 1);
        truncate(log, offsetOf(4, LENGTH) + kept);

        RecordingListener listener = new RecordingListener();
        try (Spool reopened = Spool.open(config(), listener)) {
            assertThat(ids(reopened.recovered())).isEqualTo(ids.subList(0, 4));
            assertThat(listener.corruptions).singleElement()
                    .satisfies(c -> assertThat(c.segment()).isEqualTo(log))
                    .satisfies(c -> assertThat(c.offset()).isEqualTo(offsetOf(4, LENGTH)));
        }
    }

    @Test
    void aSegmentCutAtARecordBoundaryIsNotCorrupt() throws Exception {
        List<Long> ids = session(0, 5);
        truncate(RecordFormat.logPath(dir, 1), offsetOf(4, LENGTH));

        RecordingListener listener = new RecordingListener();
        try (Spool reopened = Spool.open(config(), listener)) {
            assertThat(ids(reopened.recovered())).isEqualTo(ids.subList(0, 4));
            assertThat(listener.corruptions).isEmpty();
        }
    }

    @ParameterizedTest(name = "byte {0} of the record flipped")
    @ValueSource(ints = {0, 3, 5, 10, 16, 16 + LENGTH - 1})
    void aCorruptRecordEndsItsSegmentButLaterSegmentsAreStillRecovered(int byteInRecord) throws Exception {
        List<Long> first = session(0, 5);
        List<Long> second = session(5, 3);
        Path log = RecordFormat.logPath(dir, 1);
        flipByte(log, offsetOf(2, LENGTH) + byteInRecord);

        RecordingListener listener = new RecordingListener();
        try (Spool reopened = Spool.open(config(), listener)) {
            List<Long> expected = new ArrayList<>(first.subList(0, 2));
            expected.addAll(second);
            assertThat(ids(reopened.recovered())).isEqualTo(expected);
            assertThat(payloads(reopened.recovered())).containsExactly(text(payload(0, LENGTH)),
                    text(payload(1, LENGTH)), text(payload(5, LENGTH)), text(payload(6, LENGTH)),
                    text(payload(7, LENGTH)));
            assertThat(listener.corruptions).extracting(Corruption::segment, Corruption::offset)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple(log, offsetOf(2, LENGTH)));
        }
    }

    @Test
    void aTornSegmentIsDeletedOnceItsValidRecordsAreAcknowledgedAndNotReportedAgain() throws Exception {
        session(0, 3);
        truncate(RecordFormat.logPath(dir, 1), offsetOf(2, LENGTH) + 5);
        RecordingListener listener = new RecordingListener();
        try (Spool reopened = Spool.open(config(), listener)) {
            reopened.recovered().forEach(r -> reopened.acknowledge(r.id()));
        }
        assertThat(listener.corruptions).hasSize(1);
        assertThat(listener.deleted).contains(RecordFormat.logPath(dir, 1));

        RecordingListener later = new RecordingListener();
        try (Spool again = Spool.open(config(), later)) {
            assertThat(again.recovered()).isEmpty();
            assertThat(later.corruptions).isEmpty();
        }
    }

    @Test
    void segmentFilesThatAreEmptyOrNotSegmentsAreSkippedCountedAndRemoved() throws Exception {
        Files.write(RecordFormat.logPath(dir, 1), new byte[0]);                     // crash right after creating it
        Files.write(RecordFormat.logPath(dir, 2), new byte[] {'O', 'T'});            // ... or inside its header
        Files.writeString(RecordFormat.logPath(dir, 3), "definitely not a segment");
        List<Long> ids;
        RecordingListener listener = new RecordingListener();
        try (Spool spool = Spool.open(config(), listener)) {
            assertThat(spool.recovered()).isEmpty();
            ids = List.of(await(spool.append(payload(1, LENGTH))));
        }
        assertThat(listener.corruptions).extracting(Corruption::segment).containsExactly(
                RecordFormat.logPath(dir, 1), RecordFormat.logPath(dir, 2), RecordFormat.logPath(dir, 3));
        assertThat(ids).allMatch(id -> RecordFormat.segmentOf(id) == 4);
        try (Spool reopened = Spool.open(config(), SpoolListener.NONE)) {
            assertThat(ids(reopened.recovered())).isEqualTo(ids);
        }
    }

    @Test
    void aCorruptAckEntryIsCountedAndItsRecordReplayed() throws Exception {
        List<Long> ids;
        try (Spool spool = Spool.open(config(), SpoolListener.NONE)) {
            ids = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                ids.add(await(spool.append(payload(i, LENGTH))));
            }
            spool.acknowledge(ids.get(0));
            spool.acknowledge(ids.get(1));
        }
        Path ack = RecordFormat.ackPath(dir, 1);
        assertThat(ack).hasSize(2L * RecordFormat.ACK_ENTRY_BYTES);
        flipByte(ack, RecordFormat.ACK_ENTRY_BYTES + 2); // the entry of record 1

        RecordingListener listener = new RecordingListener();
        try (Spool reopened = Spool.open(config(), listener)) {
            assertThat(ids(reopened.recovered())).containsExactly(ids.get(1), ids.get(2), ids.get(3));
            assertThat(listener.corruptions).extracting(Corruption::segment, Corruption::offset)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple(ack, (long) RecordFormat.ACK_ENTRY_BYTES));
        }
    }

    @Test
    void aTornAckEntryIsCutOffSoThatLaterAcknowledgementsStillCount() throws Exception {
        List<Long> ids = new ArrayList<>();
        try (Spool spool = Spool.open(config(), SpoolListener.NONE)) {
            for (int i = 0; i < 4; i++) {
                ids.add(await(spool.append(payload(i, LENGTH))));
            }
            spool.acknowledge(ids.get(0));
        }
        Path ack = RecordFormat.ackPath(dir, 1);
        Files.write(ack, new byte[] {0, 0, 0}, StandardOpenOption.APPEND); // a crash while writing an entry

        RecordingListener listener = new RecordingListener();
        try (Spool reopened = Spool.open(config(), listener)) {
            assertThat(ids(reopened.recovered())).containsExactly(ids.get(1), ids.get(2), ids.get(3));
            assertThat(listener.corruptions).singleElement().satisfies(c -> assertThat(c.segment()).isEqualTo(ack));
            reopened.acknowledge(ids.get(1));
        }
        RecordingListener later = new RecordingListener();
        try (Spool again = Spool.open(config(), later)) {
            assertThat(ids(again.recovered())).containsExactly(ids.get(2), ids.get(3));
            assertThat(later.corruptions).isEmpty();
        }
    }
}
