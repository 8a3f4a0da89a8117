package dev.otlprelay.export.spool;

import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.List;
import java.util.RandomAccess;

/**
 * The records an earlier process left unacknowledged, in append order. Payloads are read from their segment
 * when asked for, not at open: a full spool (1 GiB by default) need not fit in the heap. Each {@link #get} reads
 * the file again; it throws {@link UncheckedIOException} after the spool is closed, or for a record whose segment
 * was deleted because every record in it was acknowledged.
 */
final class RecoveredRecords extends AbstractList<SpoolRecord> implements RandomAccess {

    private record Located(Segment segment, long id, long payloadOffset, int length) {
    }

    private final List<Located> entries = new ArrayList<>();

    void add(Segment segment, long id, long payloadOffset, int length) {
        entries.add(new Located(segment, id, payloadOffset, length));
    }

    @Override
    public SpoolRecord get(int i) {
        Located e = entries.get(i);
        ByteBuffer payload = ByteBuffer.allocate(e.length());
        try {
            while (payload.hasRemaining()) {
                if (e.segment().channel.read(payload, e.payloadOffset() + payload.position()) < 0) {
                    throw new EOFException("segment ended inside the record");
                }
            }
        } catch (IOException x) {
            throw new UncheckedIOException("reading spooled record " + e.id() + " from " + e.segment(), x);
        }
        return new SpoolRecord(e.id(), payload.array());
    }

    @Override
    public int size() {
        return entries.size();
    }
}
