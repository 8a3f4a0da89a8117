/**
 * The Honeycomb exporter's durable spool: an append-only log of segment files in which a request is kept from
 * the moment the relay acknowledges it until it has been delivered, so that it survives a crash or restart.
 *
 * <p>{@link dev.otlprelay.export.spool.Spool} is the whole public surface; one writer thread
 * ({@code SpoolWriter}) does every write and fsync (group commit), {@code Segments} keeps the accounting,
 * {@code SegmentScanner} reads what a previous process left. The file format, the fsync policies and their
 * loss windows, the disk-full policy and the replay semantics are described in {@code docs/durability.md}.
 */
package dev.otlprelay.export.spool;
