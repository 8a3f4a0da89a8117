package dev.otlprelay.export.spool;

import java.nio.file.Path;
import java.util.logging.Level;
import java.util.logging.Logger;

/** Keeps a failing listener from breaking a scan or the writer thread. */
final class GuardedListener implements SpoolListener {
    private static final Logger LOG = Logger.getLogger(GuardedListener.class.getName());

    private final SpoolListener delegate;

    GuardedListener(SpoolListener delegate) {
        this.delegate = delegate == null ? SpoolListener.NONE : delegate;
    }

    @Override
    public void corruptRecordSkipped(Path segment, long offset, String why) {
        LOG.warning(() -> "spool: skipped corrupt data in " + segment + " at offset " + offset + ": " + why);
        try {
            delegate.corruptRecordSkipped(segment, offset, why);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "spool listener failed", e);
        }
    }

    @Override
    public void segmentDeleted(Path segment) {
        try {
            delegate.segmentDeleted(segment);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "spool listener failed", e);
        }
    }
}
