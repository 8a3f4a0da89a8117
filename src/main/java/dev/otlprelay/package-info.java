/**
 * otlp-relay: receives OTLP, samples once per trace, exports to Honeycomb and AWS X-Ray.
 * {@link dev.otlprelay.Main} reads the command line; {@link dev.otlprelay.Relay} composes the stages
 * {@code receive → sample → export}.
 */
package dev.otlprelay;
