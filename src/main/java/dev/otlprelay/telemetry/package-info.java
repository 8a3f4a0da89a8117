/** Every self-metric name, tag and unit of the relay, declared once in {@link dev.otlprelay.telemetry.RelayMetrics}. */
package dev.otlprelay.telemetry;
