/** The OTLP/gRPC listener: grpc-netty services calling the same receive core as HTTP. */
package dev.otlprelay.receive.grpc;
