/**
 * otlp-relay: receives OTLP, samples once per trace, exports to Honeycomb and AWS X-Ray.
 * {@link dev.otlprelay.Relay} composes the stages {@code receive → sample → export}; {@code cli} (with the entry
 * point, {@link dev.otlprelay.cli.Main}) reads the command line and runs it. Nothing here knows {@code cli}.
 */
package dev.otlprelay;
