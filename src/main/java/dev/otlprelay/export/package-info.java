/**
 * What every destination shares: the {@link dev.otlprelay.export.Exporter} interface and the byte-bounded
 * {@link dev.otlprelay.export.ExportQueue} with its own sending thread; the debug printer.
 */
package dev.otlprelay.export;
