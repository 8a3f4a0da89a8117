/**
 * The transport-neutral receive core: decode, validate ids, admit under a byte budget, hand on, and the one
 * mapping from outcomes to OTLP status codes and {@code Status} bodies shared by HTTP and gRPC; and the HTTP/2
 * preface both listeners look for to tell gRPC from HTTP/1.x on their port.
 */
package dev.otlprelay.receive;
