/**
 * The entry point ({@link dev.otlprelay.cli.Main}, the only place that exits the process), the command-line words
 * ({@code run}, {@code check-config}, {@code healthcheck}, {@code loadgen}, {@code sink}, {@code help}) and
 * logging setup. The outermost layer: it uses {@link dev.otlprelay.Relay}, and nothing uses it.
 */
package dev.otlprelay.cli;
