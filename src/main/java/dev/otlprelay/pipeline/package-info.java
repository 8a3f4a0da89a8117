/**
 * What flows between the stages: the immutable {@link dev.otlprelay.pipeline.Batch}, the one-method
 * {@link dev.otlprelay.pipeline.BatchConsumer} seam, the {@link dev.otlprelay.pipeline.DestinationSet} to destinations
 * and the {@link dev.otlprelay.pipeline.DropReason}s under which spans may leave the relay unsent.
 */
package dev.otlprelay.pipeline;
