package dev.otlprelay.export.spool;

/**
 * One spooled record: its id (unique in the spool directory across restarts, increasing in append order) and
 * the bytes that were appended.
 */
public record SpoolRecord(long id, byte[] payload) {
}
