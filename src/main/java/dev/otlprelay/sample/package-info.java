/** The sampling stage: one decision per trace. Until rules are configured every trace is kept. */
package dev.otlprelay.sample;
