package dev.otlprelay.export.honeycomb;

import dev.otlprelay.export.spool.Spool;

/**
 * One spooled request's claim on the spool. A request's spans may travel in several batches (and a 413 splits
 * batches further); the record is acknowledged only when every piece of it has been settled — delivered, or
 * given up on with a counted reason. Pieces still held when the relay stops are never settled, so the record
 * stays in the spool and is replayed by the next start.
 *
 * <p>The append completes on the spool's writer thread, possibly after the pieces were settled (a fast
 * Honeycomb, a slow disk): the acknowledgement then happens when the id becomes known.
 */
final class SpoolRef {
    private final Spool spool;
    private long id = -1;
    /** Starts at 1: the adder holds the request until every piece has been handed out. */
    private int pieces = 1;
    private boolean settled;

    SpoolRef(Spool spool) {
        this.spool = spool;
    }

    /** A ref for a record read back from the spool: its id is known. */
    static SpoolRef stored(Spool spool, long id) {
        SpoolRef ref = new SpoolRef(spool);
        ref.id = id;
        return ref;
    }

    /** One more batch carries part of the request. */
    synchronized void retain() {
        pieces++;
    }

    /** A piece is settled; the last one acknowledges the record. */
    synchronized void release() {
        if (--pieces == 0) {
            settled = true;
            if (id >= 0) {
                spool.acknowledge(id);
            }
        }
    }

    /** The append completed: the record is durable under this id. */
    synchronized void stored(long recordId) {
        id = recordId;
        if (settled) {
            spool.acknowledge(recordId);
        }
    }
}
