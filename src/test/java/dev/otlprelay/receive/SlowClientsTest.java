package dev.otlprelay.receive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.otlprelay.support.TestRelay;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Connections that declare a 16 MiB body and then send a byte now and then: they neither reserve the admission
 * budget for what they only announce (a real SDK client is answered 200 throughout), nor stay open past
 * {@code receiver.request_timeout}: each is answered 408, closed and counted.
 */
class SlowClientsTest {

    @ParameterizedTest(name = "{0} slow connections")
    @ValueSource(ints = {4, 50})
    void slowClientsStarveNobodyAndAreClosedAtTheRequestDeadline(int slow) throws Exception {
        try (TestRelay relay = new TestRelay(Map.of("RELAY_REQUEST_TIMEOUT", "2s"))) {
            List<Socket> sockets = new ArrayList<>();
            try {
                for (int i = 0; i < slow; i++) {
                    Socket s = new Socket("127.0.0.1", relay.relay.httpPort());
                    s.setSoTimeout(20_000);
                    OutputStream out = s.getOutputStream();
                    out.write(("POST /v1/traces HTTP/1.1\r\nHost: relay\r\nContent-Type: application/x-protobuf\r\n"
                            + "Content-Length: 16777216\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.write(0x0a);
                    out.flush();
                    sockets.add(s);
                }
                assertThat(relay.relay.admission().inflight()).as("only what arrived is held")
                        .isLessThan(1024L * slow);

                // A real SDK exporter meanwhile: every export accepted.
                for (int i = 0; i < 5; i++) {
                    assertThat(exportOneSpan(relay)).as("export %s while %s clients trickle", i, slow).isTrue();
                }
                assertThat(relay.admin("/readyz").statusCode()).isEqualTo(200);

                for (Socket s : sockets) {
                    InputStream in = s.getInputStream();
                    String answer = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                    assertThat(answer).startsWith("HTTP/1.1 408").contains("RELAY_REQUEST_TIMEOUT");
                }
                await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(relay.metric(
                        "otlp_relay_receiver_refused_requests_total", "transport", "http", "reason",
                        "request_timeout")).isEqualTo(slow));
                assertThat(relay.relay.admission().inflight()).as("nothing held once they are gone").isZero();
            } finally {
                for (Socket s : sockets) {
                    s.close();
                }
            }
        }
    }

    private static boolean exportOneSpan(TestRelay relay) {
        List<Boolean> results = new ArrayList<>();
        OtlpHttpSpanExporter otlp = OtlpHttpSpanExporter.builder().setEndpoint(relay.httpUrl() + "/v1/traces")
                .setTimeout(Duration.ofSeconds(5)).build();
        SpanExporter recording = new SpanExporter() {
            @Override
            public CompletableResultCode export(Collection<SpanData> spans) {
                CompletableResultCode r = otlp.export(spans).join(10, TimeUnit.SECONDS);
                results.add(r.isSuccess());
                return r;
            }

            @Override
            public CompletableResultCode flush() {
                return CompletableResultCode.ofSuccess();
            }

            @Override
            public CompletableResultCode shutdown() {
                return otlp.shutdown();
            }
        };
        SdkTracerProvider provider = SdkTracerProvider.builder()
                .setResource(Resource.create(Attributes.of(AttributeKey.stringKey("service.name"), "backend-flask")))
                .addSpanProcessor(SimpleSpanProcessor.create(recording)).build();
        provider.get("slow-clients").spanBuilder("GET /api/activities/home").startSpan().end();
        provider.shutdown().join(10, TimeUnit.SECONDS);
        return results.size() == 1 && results.get(0);
    }
}
