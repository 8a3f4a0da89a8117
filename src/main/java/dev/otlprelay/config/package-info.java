/**
 * Configuration of the relay: reads the YAML file ({@code --config}, else {@code RELAY_CONFIG}, else
 * {@code config/relay.yaml} when present), substitutes {@code ${VAR}} / {@code ${VAR:-default}} in its
 * string values, lets the documented environment variables override it, validates every value and
 * collects every problem into one {@link dev.otlprelay.config.ConfigException}, and produces immutable
 * records ({@link dev.otlprelay.config.RelayConfig} and its parts) that the rest of the relay is built
 * from once at start-up. The environment variable names and YAML keys are a sidecar contract and must
 * never be renamed; the Honeycomb API key is carried as a {@link dev.otlprelay.config.Secret} so it only
 * ever shows up as its fingerprint in messages, logs and {@link dev.otlprelay.config.EffectiveConfig}.
 */
package dev.otlprelay.config;
