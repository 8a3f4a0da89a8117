package dev.otlprelay.bench;

import com.google.protobuf.InvalidProtocolBufferException;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.concurrent.TimeUnit;

/**
 * OTLP/gRPC: {@code TraceService/Export} over one HTTP/2 connection, as the SDK exporters use it. The request is
 * already encoded, so the method carries raw bytes both ways (the relay's own receiver does the same).
 */
final class GrpcTransport implements Transport {
    static final MethodDescriptor<byte[], byte[]> EXPORT = MethodDescriptor.<byte[], byte[]>newBuilder()
            .setType(MethodDescriptor.MethodType.UNARY)
            .setFullMethodName(MethodDescriptor.generateFullMethodName(
                    "opentelemetry.proto.collector.trace.v1.TraceService", "Export"))
            .setRequestMarshaller(BytesMarshaller.INSTANCE)
            .setResponseMarshaller(BytesMarshaller.INSTANCE)
            .build();

    private final ManagedChannel channel;

    GrpcTransport(URI endpoint) {
        int port = endpoint.getPort() < 0 ? 4317 : endpoint.getPort();
        this.channel = NettyChannelBuilder.forAddress(endpoint.getHost(), port).usePlaintext()
                .maxInboundMessageSize(16 * 1024 * 1024).build();
    }

    @Override
    public Reply send(byte[] body) {
        try {
            byte[] response = ClientCalls.blockingUnaryCall(channel, EXPORT,
                    CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS), body);
            return new Reply(true, "grpc_OK", rejected(response));
        } catch (StatusRuntimeException e) {
            return new Reply(false, "grpc_" + e.getStatus().getCode().name(), 0);
        }
    }

    private static long rejected(byte[] body) {
        try {
            return ExportTraceServiceResponse.parseFrom(body).getPartialSuccess().getRejectedSpans();
        } catch (InvalidProtocolBufferException e) {
            return 0;
        }
    }

    @Override
    public void close() {
        channel.shutdownNow();
        try {
            channel.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Bytes as they are: the body was encoded before the load started. */
    enum BytesMarshaller implements MethodDescriptor.Marshaller<byte[]> {
        INSTANCE;

        @Override
        public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
            try {
                return stream.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
