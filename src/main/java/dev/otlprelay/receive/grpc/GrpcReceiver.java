package dev.otlprelay.receive.grpc;

import com.google.protobuf.Message;
import dev.otlprelay.config.HostPort;
import dev.otlprelay.pipeline.ClientContext;
import dev.otlprelay.pipeline.OtlpEncoding;
import dev.otlprelay.pipeline.PassthroughBatch;
import dev.otlprelay.receive.Admission;
import dev.otlprelay.receive.Ingest;
import dev.otlprelay.receive.OtlpErrors;
import dev.otlprelay.receive.OtlpOutcome;
import dev.otlprelay.telemetry.RelayMetrics;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServerStreamTracer;
import io.grpc.Status;
import io.grpc.netty.InternalNettyServerCredentials;
import io.grpc.netty.InternalProtocolNegotiators;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import io.netty.channel.EventLoopGroup;
import dev.otlprelay.transport.SocketTransport;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The OTLP/gRPC listener (default port 4317): {@code TraceService/Export}, {@code MetricsService/Export} and
 * {@code LogsService/Export}. Requests arrive as raw bytes and go through the same {@link Ingest} core as HTTP,
 * so validation, partial success and error mapping are identical on both transports.
 */
public final class GrpcReceiver implements AutoCloseable {
    static final String TRANSPORT = RelayMetrics.TRANSPORT_GRPC;
    private static final Metadata.Key<String> HONEYCOMB_TEAM =
            Metadata.Key.of("x-honeycomb-team", Metadata.ASCII_STRING_MARSHALLER);
    private static final Metadata.Key<String> HONEYCOMB_DATASET =
            Metadata.Key.of("x-honeycomb-dataset", Metadata.ASCII_STRING_MARSHALLER);
    private static final Context.Key<ClientContext> CLIENT = Context.key("otlp-relay-client");

    private final HostPort address;
    private final Supplier<String> httpAddress;
    private final Ingest ingest;
    private final Admission admission;
    private final RelayMetrics metrics;
    private final int maxMessageBytes;
    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final SocketTransport transport;
    private Server server;

    public GrpcReceiver(HostPort address, Supplier<String> httpAddress, Ingest ingest, Admission admission,
                        RelayMetrics metrics, int maxMessageBytes, SocketTransport transport, EventLoopGroup boss,
                        EventLoopGroup workers) {
        this.address = address;
        this.httpAddress = httpAddress;
        this.ingest = ingest;
        this.admission = admission;
        this.metrics = metrics;
        this.maxMessageBytes = maxMessageBytes;
        this.boss = boss;
        this.workers = workers;
        this.transport = transport;
    }

    public void start() throws IOException {
        server = NettyServerBuilder.forAddress(new InetSocketAddress(address.host(), address.port()),
                        InternalNettyServerCredentials.create(new Http1RejectingNegotiator(
                                InternalProtocolNegotiators.serverPlaintext(), httpAddress,
                                () -> metrics.refusedRequests(TRANSPORT, "wrong_protocol").increment())))
                .bossEventLoopGroup(boss)
                .workerEventLoopGroup(workers)
                .channelType(transport.serverChannel())
                // Handlers never block: they decode and hand on to bounded queues, so the event loop can run them.
                .directExecutor()
                .maxInboundMessageSize(maxMessageBytes)
                .addStreamTracerFactory(new StatusCounter())
                .addService(withClientContext(service("opentelemetry.proto.collector.trace.v1.TraceService",
                        ExportTraceServiceResponse.getDefaultInstance(), OtlpErrors.Service.TRACES)))
                .addService(withClientContext(service("opentelemetry.proto.collector.metrics.v1.MetricsService",
                        ExportMetricsServiceResponse.getDefaultInstance(), OtlpErrors.Service.METRICS)))
                .addService(withClientContext(service("opentelemetry.proto.collector.logs.v1.LogsService",
                        ExportLogsServiceResponse.getDefaultInstance(), OtlpErrors.Service.LOGS)))
                .build()
                .start();
    }

    public int port() {
        return server.getPort();
    }

    public boolean isBound() {
        return server != null && !server.isShutdown();
    }

    /** Stops taking new calls; calls in progress complete. */
    public void closeListener() {
        if (server != null) {
            server.shutdown();
        }
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(5));
    }

    /** Stops taking calls and waits at most {@code wait} for those in progress, then cancels them. */
    public void close(Duration wait) {
        if (server != null) {
            server.shutdown();
            try {
                if (!server.awaitTermination(Math.max(1, wait.toMillis()), TimeUnit.MILLISECONDS)) {
                    server.shutdownNow();
                }
            } catch (InterruptedException e) {
                server.shutdownNow();
                Thread.currentThread().interrupt();
            }
        }
    }

    private ServerServiceDefinition service(String serviceName, Message responsePrototype, OtlpErrors.Service signal) {
        MethodDescriptor<byte[], Message> export = MethodDescriptor.<byte[], Message>newBuilder()
                .setType(MethodDescriptor.MethodType.UNARY)
                .setFullMethodName(MethodDescriptor.generateFullMethodName(serviceName, "Export"))
                .setRequestMarshaller(RawBytes.INSTANCE)
                .setResponseMarshaller(ProtoUtils.marshaller(responsePrototype))
                .build();
        return ServerServiceDefinition.builder(serviceName)
                .addMethod(export, ServerCalls.asyncUnaryCall((request, observer) -> export(request, observer, signal)))
                .build();
    }

    private void export(byte[] request, StreamObserver<Message> observer, OtlpErrors.Service signal) {
        ClientContext client = CLIENT.get();
        if (!admission.tryAcquire(request.length)) {
            answer(observer, ingest.refuse(TRANSPORT, "admission"), signal);
            return;
        }
        CompletableFuture<OtlpOutcome> result;
        try {
            result = switch (signal) {
                case TRACES -> ingest.traces(request, 0, request.length, OtlpEncoding.PROTOBUF, client);
                case METRICS -> ingest.passthrough(PassthroughBatch.Signal.METRICS, request, 0, request.length,
                        OtlpEncoding.PROTOBUF, client);
                case LOGS -> ingest.passthrough(PassthroughBatch.Signal.LOGS, request, 0, request.length,
                        OtlpEncoding.PROTOBUF, client);
            };
        } catch (RuntimeException e) {
            admission.release(request.length);
            throw e;
        }
        result.whenComplete((outcome, error) -> {
            admission.release(request.length);
            answer(observer, outcome != null ? outcome : ingest.refuse(TRANSPORT, "spool_unavailable"), signal);
        });
    }

    private static void answer(StreamObserver<Message> observer, OtlpOutcome outcome, OtlpErrors.Service signal) {
        if (outcome.isOk()) {
            observer.onNext(OtlpErrors.successResponse(outcome, signal));
            observer.onCompleted();
        } else {
            observer.onError(OtlpErrors.grpcError(outcome));
        }
    }

    private static ServerServiceDefinition withClientContext(ServerServiceDefinition service) {
        return ServerInterceptors.intercept(service, new ServerInterceptor() {
            @Override
            public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(ServerCall<ReqT, RespT> call,
                                                                         Metadata headers,
                                                                         ServerCallHandler<ReqT, RespT> next) {
                ClientContext client = new ClientContext(TRANSPORT, headers.get(HONEYCOMB_TEAM),
                        headers.get(HONEYCOMB_DATASET));
                return Contexts.interceptCall(Context.current().withValue(CLIENT, client), call, headers, next);
            }
        });
    }

    /**
     * Counts every call by its final status, including those gRPC ends itself before our handler runs
     * (a message over the size limit ends in RESOURCE_EXHAUSTED inside grpc-java).
     */
    private final class StatusCounter extends ServerStreamTracer.Factory {
        @Override
        public ServerStreamTracer newServerStreamTracer(String fullMethodName, Metadata headers) {
            return new ServerStreamTracer() {
                @Override
                public void streamClosed(Status status) {
                    metrics.requests(TRANSPORT, status.getCode().name()).increment();
                    if (status.getCode() == Status.Code.RESOURCE_EXHAUSTED) {
                        metrics.refusedRequests(TRANSPORT, "too_large").increment();
                    } else if (status.getCode() == Status.Code.UNIMPLEMENTED) {
                        // An unknown service or method: gRPC's path, /service/method, names neither of ours.
                        metrics.refusedRequests(TRANSPORT, "wrong_path").increment();
                    }
                }
            };
        }
    }

    /** Keeps the request as bytes, so decoding happens once, in {@link Ingest}, exactly as for HTTP. */
    private enum RawBytes implements MethodDescriptor.Marshaller<byte[]> {
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
