package dev.otlprelay.export.spool;

import java.io.IOException;

/**
 * An append was refused because the record would take the spool's disk use over
 * {@code honeycomb.spool.max_bytes}. Nothing already spooled is dropped to make room: the caller refuses the
 * request (503, so that clients retry) until delivered records free space.
 */
public final class SpoolFullException extends IOException {
    private static final long serialVersionUID = 1L;

    public SpoolFullException(String message) {
        super(message);
    }
}
