/**
 * The transport-neutral receive core: decode, validate ids, admit under a byte budget, hand on, and the one
 * mapping from outcomes to OTLP status codes and {@code Status} bodies shared by HTTP and gRPC.
 */
package dev.otlprelay.receive;
