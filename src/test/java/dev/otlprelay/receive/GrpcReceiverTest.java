package dev.otlprelay.receive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.otlprelay.support.Http;
import dev.otlprelay.support.Otlp;
import dev.otlprelay.support.TestRelay;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.logs.v1.LogsServiceGrpc;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.MetricsServiceGrpc;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.TraceServiceGrpc;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.metrics.v1.Gauge;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The gRPC listener: same validation and partial success as HTTP, its own limits, clear misdirection errors. */
class GrpcReceiverTest {
    static TestRelay relay;
    ManagedChannel channel;

    @BeforeAll
    static void start() {
        relay = new TestRelay(Map.of());
    }

    @AfterAll
    static void stop() {
        relay.close();
    }

    private ManagedChannel channel(int port) {
        channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext()
                .maxInboundMessageSize(64 * 1024 * 1024).build();
        return channel;
    }

    @AfterEach
    void closeChannel() {
        if (channel != null) {
            channel.shutdownNow();
        }
    }

    private TraceServiceGrpc.TraceServiceBlockingStub traces() {
        return TraceServiceGrpc.newBlockingStub(channel(relay.relay.grpcPort())).withDeadlineAfter(10,
                TimeUnit.SECONDS);
    }

    @Test
    void invalidIdsAreRejectedOneByOneWithPartialSuccess() {
        var request = Otlp.request("backend-flask",
                Otlp.span("good", "0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331"),
                Otlp.span("bad", "0af7651916cd43dd8448eb211c80319c", "00000000000000000000"));
        ExportTraceServiceResponse response = traces().export(request);
        assertThat(response.getPartialSuccess().getRejectedSpans()).isEqualTo(1);
        assertThat(response.getPartialSuccess().getErrorMessage()).contains("\"bad\"").contains("span_id");
        assertThat(relay.metric("otlp_relay_receiver_refused_spans_total", "transport", "grpc", "reason",
                "invalid_id")).isGreaterThanOrEqualTo(1);
    }

    @Test
    void messagesOverFourMebibytesGetResourceExhausted() {
        Span big = Otlp.span("big", "0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331").toBuilder()
                .addAttributes(io.opentelemetry.proto.common.v1.KeyValue.newBuilder().setKey("blob").setValue(
                        io.opentelemetry.proto.common.v1.AnyValue.newBuilder().setStringValue("x".repeat(5 << 20))))
                .build();
        double before = relay.metric("otlp_relay_receiver_refused_requests_total", "transport", "grpc", "reason",
                "too_large");
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
                () -> traces().export(Otlp.request("svc", big)));
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        await().until(() -> relay.metric("otlp_relay_receiver_refused_requests_total", "transport", "grpc",
                "reason", "too_large") == before + 1);
        assertThat(relay.metric("otlp_relay_receiver_requests_total", "transport", "grpc", "code",
                "RESOURCE_EXHAUSTED")).isGreaterThanOrEqualTo(1);
    }

    @Test
    void garbageProtobufGetsInvalidArgument() {
        // A span whose trace_id field holds a truncated varint-length payload cannot be decoded.
        io.grpc.MethodDescriptor<byte[], byte[]> raw = io.grpc.MethodDescriptor.<byte[], byte[]>newBuilder()
                .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
                .setFullMethodName("opentelemetry.proto.collector.trace.v1.TraceService/Export")
                .setRequestMarshaller(new BytesMarshaller()).setResponseMarshaller(new BytesMarshaller()).build();
        byte[] garbage = new byte[24];
        java.util.Arrays.fill(garbage, (byte) 0xff);
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> io.grpc.stub.ClientCalls
                .blockingUnaryCall(channel(relay.relay.grpcPort()), raw, io.grpc.CallOptions.DEFAULT, garbage));
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(e.getStatus().getDescription()).contains("invalid OTLP/protobuf");
    }

    @Test
    void anUnknownMethodIsUnimplementedAndCountedAsAWrongPath() {
        io.grpc.MethodDescriptor<byte[], byte[]> unknown = io.grpc.MethodDescriptor.<byte[], byte[]>newBuilder()
                .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
                .setFullMethodName("opentelemetry.proto.collector.trace.v1.TraceService/Exports")
                .setRequestMarshaller(new BytesMarshaller()).setResponseMarshaller(new BytesMarshaller()).build();
        double before = relay.metric("otlp_relay_receiver_refused_requests_total", "transport", "grpc", "reason",
                "wrong_path");
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> io.grpc.stub.ClientCalls
                .blockingUnaryCall(channel(relay.relay.grpcPort()), unknown, io.grpc.CallOptions.DEFAULT,
                        new byte[0]));
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNIMPLEMENTED);
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(relay.metric("otlp_relay_receiver_refused_requests_total", "transport", "grpc", "reason",
                        "wrong_path")).isEqualTo(before + 1));
    }

    @Test
    void metricsAndLogsAreHandedOnUntouched() {
        ExportMetricsServiceRequest metrics = ExportMetricsServiceRequest.newBuilder().addResourceMetrics(
                ResourceMetrics.newBuilder().addScopeMetrics(ScopeMetrics.newBuilder().addMetrics(Metric.newBuilder()
                        .setName("requests").setGauge(Gauge.newBuilder().addDataPoints(NumberDataPoint.newBuilder()
                                .setAsInt(7)))))).build();
        ExportLogsServiceRequest logs = ExportLogsServiceRequest.newBuilder().addResourceLogs(ResourceLogs
                .newBuilder().addScopeLogs(ScopeLogs.newBuilder().addLogRecords(LogRecord.newBuilder()
                        .setSeverityText("INFO")))).build();
        ManagedChannel ch = channel(relay.relay.grpcPort());
        MetricsServiceGrpc.newBlockingStub(ch).export(metrics);
        LogsServiceGrpc.newBlockingStub(ch).export(logs);
        await().until(() -> relay.captured.passthroughBatches().stream()
                .filter(p -> p.client().transport().equals("grpc")).count() == 2);
        assertThat(relay.captured.passthroughBatches()).anySatisfy(p -> assertThat(p.body())
                .isEqualTo(metrics.toByteArray()));
        assertThat(relay.captured.passthroughBatches()).anySatisfy(p -> assertThat(p.body())
                .isEqualTo(logs.toByteArray()));
    }

    @Test
    void honeycombHeadersFromTheClientAreCarriedAlong() {
        io.grpc.Metadata headers = new io.grpc.Metadata();
        headers.put(io.grpc.Metadata.Key.of("x-honeycomb-team", io.grpc.Metadata.ASCII_STRING_MARSHALLER), "k123");
        traces().withInterceptors(io.grpc.stub.MetadataUtils.newAttachHeadersInterceptor(headers))
                .export(Otlp.request("tenant", Otlp.span("t", "1af7651916cd43dd8448eb211c80319c",
                        "c7ad6b7169203331")));
        await().until(() -> relay.captured.traceBatches().stream()
                .anyMatch(b -> "k123".equals(b.client().honeycombTeam())));
    }

    @Test
    void http1OnTheGrpcPortGetsAnExplanationNotAHang() throws Exception {
        double before = relay.metric("otlp_relay_receiver_refused_requests_total", "transport", "grpc", "reason",
                "wrong_protocol");
        try (Socket s = new Socket("127.0.0.1", relay.relay.grpcPort())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(("POST /v1/traces HTTP/1.1\r\nHost: relay\r\nContent-Type: application/x-protobuf\r\n"
                    + "Content-Length: 0\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            String response = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            assertThat(response).startsWith("HTTP/1.1 400 Bad Request").contains("OTLP/gRPC port")
                    .contains("127.0.0.1:" + relay.relay.httpPort()).contains("/v1/traces");
        }
        assertThat(relay.metric("otlp_relay_receiver_refused_requests_total", "transport", "grpc", "reason",
                "wrong_protocol")).isEqualTo(before + 1);
    }

    @Test
    void grpcOnTheHttpPortGetsAnExplanationNotAHang() {
        double before = relay.metric("otlp_relay_receiver_refused_requests_total", "transport", "http", "reason",
                "wrong_protocol");
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> TraceServiceGrpc
                .newBlockingStub(channel(relay.relay.httpPort())).withDeadlineAfter(10, TimeUnit.SECONDS)
                .export(Otlp.validRequest(1)));
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNIMPLEMENTED);
        assertThat(e.getStatus().getDescription()).contains("OTLP/HTTP port").contains("gRPC at");
        assertThat(relay.metric("otlp_relay_receiver_refused_requests_total", "transport", "http", "reason",
                "wrong_protocol")).isEqualTo(before + 1);
        // The HTTP port still serves HTTP afterwards.
        assertThat(Http.post(relay.httpUrl() + "/v1/traces", "application/x-protobuf", null,
                Otlp.validRequest(1).toByteArray()).statusCode()).isEqualTo(200);
    }

    static final class BytesMarshaller implements io.grpc.MethodDescriptor.Marshaller<byte[]> {
        @Override
        public InputStream stream(byte[] value) {
            return new java.io.ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
            try {
                return stream.readAllBytes();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }
}
