package dev.otlprelay.export.spool;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The segments of the spool and its accounting, under one lock: which records are live, the bytes on disk and
 * the bytes reserved for ack entries not written yet.
 *
 * <p>Disk bound: {@code diskBytes + ackReserve <= maxBytes} after every accepted append, where
 * {@code ackReserve = ACK_ENTRY_BYTES * (records whose ack entry is not written yet)} — every record may get
 * exactly one ack entry, so the ack files are bounded with the segments.
 */
final class Segments {
    private final long maxBytes;
    private final Map<Integer, Segment> byNumber = new HashMap<>();
    private Segment active;
    private long diskBytes;
    private long ackReserve;
    private long pending;

    Segments(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    synchronized void addRecovered(Segment segment) {
        byNumber.put(segment.number, segment);
        segment.unwrittenAcks = segment.live.cardinality();
        diskBytes += segment.logBytes + segment.ackBytes;
        ackReserve += (long) RecordFormat.ACK_ENTRY_BYTES * segment.unwrittenAcks;
        pending += segment.live.cardinality();
    }

    /** Makes a new segment the one written to; returns the one that was. */
    synchronized Segment activate(Segment segment) {
        byNumber.put(segment.number, segment);
        diskBytes += segment.logBytes;
        Segment previous = active;
        active = segment;
        return previous;
    }

    synchronized boolean hasRoom(long bytes) {
        return diskBytes + ackReserve + bytes <= maxBytes;
    }

    long maxBytes() {
        return maxBytes;
    }

    synchronized void written(Segment segment, int index, long bytes) {
        segment.live.set(index);
        segment.nextIndex = index + 1;
        segment.unwrittenAcks++;
        grew(segment, bytes);
        ackReserve += RecordFormat.ACK_ENTRY_BYTES;
        pending++;
    }

    /** Bytes that reached the file without making a record (a write that failed part way). */
    synchronized void grew(Segment segment, long bytes) {
        segment.logBytes += bytes;
        diskBytes += bytes;
    }

    /** Clears a live record; returns its segment, or {@code null} if the id is unknown or was acknowledged. */
    synchronized Segment acknowledge(long id) {
        Segment segment = byNumber.get(RecordFormat.segmentOf(id));
        int index = RecordFormat.indexOf(id);
        if (segment == null || index < 0 || !segment.live.get(index)) {
            return null;
        }
        segment.live.clear(index);
        pending--;
        return segment;
    }

    synchronized void ackWritten(Segment segment) {
        segment.ackBytes += RecordFormat.ACK_ENTRY_BYTES;
        segment.unwrittenAcks--;
        diskBytes += RecordFormat.ACK_ENTRY_BYTES;
        ackReserve -= RecordFormat.ACK_ENTRY_BYTES;
    }

    synchronized boolean fullyAcknowledged(Segment segment) {
        return segment.live.isEmpty();
    }

    /** Every record acknowledged, and not the segment being written. */
    synchronized boolean deletable(Segment segment) {
        return !segment.deleted && segment != active && segment.live.isEmpty();
    }

    synchronized void removed(Segment segment) {
        if (byNumber.remove(segment.number) != segment) {
            return;
        }
        segment.deleted = true;
        diskBytes -= segment.logBytes + segment.ackBytes;
        ackReserve -= (long) RecordFormat.ACK_ENTRY_BYTES * segment.unwrittenAcks;
    }

    synchronized long diskBytes() {
        return diskBytes;
    }

    synchronized long pending() {
        return pending;
    }

    synchronized List<Segment> all() {
        return new ArrayList<>(byNumber.values());
    }
}
