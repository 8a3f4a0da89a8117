/**
 * The performance harness, run from outside the relay as users run it: {@code loadgen} sends Flask-like OTLP
 * load and reports throughput and ack latency; {@code sink} counts what a relay delivers (a fake Honeycomb that
 * decodes every batch, a fake X-Ray daemon that checks every datagram) or stands in for a relay that does nothing
 * ({@code --null-relay}), the floor every measurement is compared with. {@code bench/run} drives them.
 *
 * <p>This package knows the relay only by its wire protocols and its address syntax ({@code config.HostPort}),
 * never its stages, so what it measures cannot be shaped by the relay's own code.
 */
package dev.otlprelay.bench;
