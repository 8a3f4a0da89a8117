/** The command-line words ({@code run}, {@code check-config}, {@code healthcheck}, {@code help}) and logging setup. */
package dev.otlprelay.cli;
