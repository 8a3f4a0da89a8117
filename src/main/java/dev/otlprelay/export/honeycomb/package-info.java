/** The Honeycomb destination: per-tenant batching, gzip, retries with backoff, 413 splitting, push-back. */
package dev.otlprelay.export.honeycomb;
