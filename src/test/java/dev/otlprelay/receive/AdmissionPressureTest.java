package dev.otlprelay.receive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.rpc.RetryInfo;
import com.google.rpc.Status;
import dev.otlprelay.support.Http;
import dev.otlprelay.support.Otlp;
import dev.otlprelay.support.TestRelay;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.protobuf.StatusProto;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.proto.collector.trace.v1.TraceServiceGrpc;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * When requests in flight hold the whole byte budget, new ones are told to retry (HTTP 503 + Retry-After,
 * gRPC UNAVAILABLE + RetryInfo), the budget is never exceeded, and clients that retry get through afterwards.
 */
class AdmissionPressureTest {
    static final int BUDGET = 1024 * 1024;

    /**
     * Opens a connection that announces a body and sends all of it but the last byte, holding what arrived of the
     * budget while it waits (the budget holds bytes that arrived, not what a client announces).
     */
    private static Socket slowClient(int port, int announced) throws IOException {
        Socket s = new Socket("127.0.0.1", port);
        OutputStream out = s.getOutputStream();
        out.write(("POST /v1/traces HTTP/1.1\r\nHost: relay\r\nContent-Type: application/x-protobuf\r\n"
                + "Content-Length: " + announced + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(new byte[announced - 1]);
        out.flush();
        return s;
    }

    private static TestRelay relay() throws IOException {
        Path yaml = Files.createTempFile("relay", ".yaml");
        yaml.toFile().deleteOnExit();
        Files.writeString(yaml, "receiver:\n  max_grpc_message_bytes: 524288\n");
        return new TestRelay(Map.of("RELAY_CONFIG", yaml.toString(),
                "RELAY_MAX_INFLIGHT_BYTES", Integer.toString(BUDGET),
                "RELAY_MAX_REQUEST_BYTES", Integer.toString(BUDGET)));
    }

    @Test
    void httpClientsGet503WithRetryAfterWhileTheBudgetIsHeld() throws Exception {
        try (TestRelay relay = relay(); Socket holder = slowClient(relay.relay.httpPort(), BUDGET)) {
            await().until(() -> relay.relay.admission().inflight() == BUDGET - 1);
            HttpResponse<byte[]> r = Http.post(relay.httpUrl() + "/v1/traces", "application/x-protobuf", null,
                    Otlp.validRequest(1).toByteArray());
            assertThat(r.statusCode()).isEqualTo(503);
            assertThat(r.headers().firstValue("retry-after")).contains("1");
            Status status = Status.parseFrom(r.body());
            assertThat(status.getCode()).isEqualTo(io.grpc.Status.Code.UNAVAILABLE.value());
            assertThat(status.getMessage()).contains("in-flight byte budget");
            assertThat(relay.metric("otlp_relay_receiver_refused_requests_total", "reason", "admission"))
                    .isEqualTo(1);
            assertThat(relay.admin("/readyz").statusCode()).isEqualTo(503);
            assertThat(relay.metric("otlp_relay_admission_inflight_bytes")).isEqualTo(BUDGET - 1);

            HttpResponse<byte[]> json = Http.post(relay.httpUrl() + "/v1/traces", "application/json", null,
                    "{}".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            assertThat(json.statusCode()).isEqualTo(503);
            com.fasterxml.jackson.databind.JsonNode detail = new com.fasterxml.jackson.databind.ObjectMapper()
                    .readTree(json.body()).get("details").get(0);
            assertThat(detail.get("@type").asText()).isEqualTo("type.googleapis.com/google.rpc.RetryInfo");
            assertThat(detail.get("retryDelay").asText()).isEqualTo("1s"); // as protobuf and gRPC carry it

            holder.close();
            await().until(() -> relay.relay.admission().inflight() == 0);
            assertThat(Http.post(relay.httpUrl() + "/v1/traces", "application/x-protobuf", null,
                    Otlp.validRequest(1).toByteArray()).statusCode()).isEqualTo(200);
            assertThat(relay.admin("/readyz").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void grpcClientsGetUnavailableWithRetryInfoWhileTheBudgetIsHeld() throws Exception {
        try (TestRelay relay = relay(); Socket holder = slowClient(relay.relay.httpPort(), BUDGET)) {
            await().until(() -> relay.relay.admission().inflight() == BUDGET - 1);
            ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", relay.relay.grpcPort())
                    .usePlaintext().build();
            try {
                StatusRuntimeException e = org.junit.jupiter.api.Assertions.assertThrows(
                        StatusRuntimeException.class, () -> TraceServiceGrpc.newBlockingStub(channel)
                                .withDeadlineAfter(10, TimeUnit.SECONDS).export(Otlp.validRequest(1)));
                assertThat(e.getStatus().getCode()).isEqualTo(io.grpc.Status.Code.UNAVAILABLE);
                Status details = StatusProto.fromThrowable(e);
                assertThat(details).isNotNull();
                RetryInfo retry = details.getDetails(0).unpack(RetryInfo.class);
                assertThat(retry.getRetryDelay().getSeconds()).isEqualTo(1);
            } finally {
                channel.shutdownNow();
            }
        }
    }

    @Test
    void manySlowClientsNeverPushInflightBytesPastTheBudget() throws Exception {
        try (TestRelay relay = relay()) {
            List<Socket> holders = new ArrayList<>();
            try {
                // 40 clients each sending 64 KiB but a byte: only 16 fit in 1 MiB; the rest must be refused, not
                // buffered.
                for (int i = 0; i < 40; i++) {
                    holders.add(slowClient(relay.relay.httpPort(), 64 * 1024));
                }
                await().until(() -> relay.metric("otlp_relay_receiver_refused_requests_total", "reason",
                        "admission") == 24);
                assertThat(relay.relay.admission().inflight()).isLessThanOrEqualTo(BUDGET)
                        .isEqualTo(16L * (64 * 1024 - 1));
            } finally {
                for (Socket s : holders) {
                    s.close();
                }
            }
            await().until(() -> relay.relay.admission().inflight() == 0);
        }
    }

    @Test
    void theSdkRetriesA503AndGetsThrough() throws Exception {
        try (TestRelay relay = relay()) {
            Socket holder = slowClient(relay.relay.httpPort(), BUDGET);
            await().until(() -> relay.relay.admission().inflight() == BUDGET - 1);
            OtlpHttpSpanExporter exporter = OtlpHttpSpanExporter.builder()
                    .setEndpoint(relay.httpUrl() + "/v1/traces").build();
            SdkTracerProvider provider = SdkConformanceSuite.provider(exporter);
            provider.get("retry").spanBuilder("retried").startSpan().end();
            CompletableResultCode flushed = provider.forceFlush();
            // Release the budget only once the SDK has really been refused, then it must retry and succeed.
            await().until(() -> relay.metric("otlp_relay_receiver_refused_requests_total", "reason",
                    "admission") >= 1);
            holder.close();
            flushed.join(30, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(30)).until(() -> relay.captured.spans().size() == 1);
            assertThat(relay.captured.spans().get(0).span().getName()).isEqualTo("retried");
            provider.shutdown().join(10, TimeUnit.SECONDS);
        }
    }
}
