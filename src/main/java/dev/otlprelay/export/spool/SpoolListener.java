package dev.otlprelay.export.spool;

import java.nio.file.Path;

/**
 * What the spool reports so that it can be counted. Called from the thread that opens the spool and from the
 * spool's writer thread; an implementation must be quick and must not call back into the spool. Exceptions it
 * throws are logged and otherwise ignored.
 */
public interface SpoolListener {

    /** A listener that ignores everything. */
    SpoolListener NONE = new SpoolListener() {
    };

    /**
     * Data that failed its check was skipped: a torn or corrupt record ends the scan of its segment
     * ({@code segment} is a {@code .log} file, {@code offset} where the bad record starts, the rest of the file is
     * ignored), or a torn or corrupt acknowledgement entry ({@code segment} is the {@code .ack} file; that one
     * record may be delivered again).
     */
    default void corruptRecordSkipped(Path segment, long offset, String why) {
    }

    /** A segment file was deleted because every record in it was acknowledged. */
    default void segmentDeleted(Path segment) {
    }
}
