package dev.otlprelay.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.otlprelay.support.Otlp;
import dev.otlprelay.support.TestRelay;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.TraceServiceGrpc;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The default configuration in a small container: the jar with {@code -Xmx192m} (what a 256 MiB container gives
 * with the image's {@code MaxRAMPercentage=75}), Honeycomb unreachable, clients sending as fast as they can over
 * HTTP and gRPC. The bounds sized from the heap keep it inside: no {@code OutOfMemoryError} (the JVM is told to
 * exit on one, as the image is, so one would end the process), every answer is 200 / OK or 503 / UNAVAILABLE,
 * every span a client was told was taken is accounted for, {@code /healthz} stays 200 and SIGTERM stops it cleanly.
 */
class SmallHeapIT {
    private static final Duration LOAD = Duration.ofSeconds(20);
    private static final int SPANS_PER_REQUEST = 512;

    private final AtomicLong acknowledgedSpans = new AtomicLong();
    private final AtomicLong refusedRequests = new AtomicLong();
    private final Map<String, AtomicLong> otherAnswers = new ConcurrentHashMap<>();

    @Test
    void defaultBoundsKeepASmallHeapAliveAtFullSpeedWithHoneycombDown() throws Exception {
        RelayProcess.Ports ports = RelayProcess.Ports.free();
        int deadHoneycomb = RelayProcess.freePort(); // nothing listens: every send is refused
        try (DatagramSocket daemon = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            Thread drain = drainDatagrams(daemon);
            Map<String, String> env = ports.env(Map.of(
                    "HONEYCOMB_API_KEY", "itsmallheapkey0123456789ABCDEFGH",
                    "HONEYCOMB_API_ENDPOINT", "http://127.0.0.1:" + deadHoneycomb,
                    "AWS_XRAY_DAEMON_ADDRESS", "127.0.0.1:" + daemon.getLocalPort()));
            try (RelayProcess relay = RelayProcess.start(
                    List.of("-Xmx192m", "-XX:+UseSerialGC", "-XX:+ExitOnOutOfMemoryError"), env, "run")) {
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(relay.allOutput())
                        .contains("otlp-relay listening"));

                byte[] body = Otlp.validRequest(SPANS_PER_REQUEST).toByteArray();
                long end = System.nanoTime() + LOAD.toNanos();
                List<Thread> clients = new ArrayList<>();
                for (int i = 0; i < 3; i++) {
                    clients.add(started(new Thread(() -> http(ports, body, end), "http-client-" + i)));
                }
                for (int i = 0; i < 2; i++) {
                    clients.add(started(new Thread(() -> grpc(ports, end), "grpc-client-" + i)));
                }
                for (Thread t : clients) {
                    t.join();
                }

                assertThat(relay.process.isAlive()).as("the relay is still running: %s", relay.allOutput())
                        .isTrue();
                assertThat(relay.allOutput()).doesNotContain("OutOfMemoryError");
                assertThat(otherAnswers).as("answers other than 200/OK and 503/UNAVAILABLE").isEmpty();
                assertThat(refusedRequests.get()).as("the queue filled: requests were refused").isPositive();
                assertThat(acknowledgedSpans.get()).isPositive();
                assertThat(get(ports, "/healthz").statusCode()).isEqualTo(200);

                String scrape = get(ports, "/metrics").body();
                double accepted = TestRelay.Scrape.value(scrape, "otlp_relay_receiver_accepted_spans_total");
                assertThat(accepted).as("spans the relay took = spans clients were told it took")
                        .isEqualTo(acknowledgedSpans.get());
                for (String exporter : List.of("honeycomb", "xray")) {
                    double enqueued = TestRelay.Scrape.value(scrape, "otlp_relay_exporter_enqueued_spans_total",
                            "exporter", exporter);
                    double sent = TestRelay.Scrape.value(scrape, "otlp_relay_exporter_sent_spans_total",
                            "exporter", exporter);
                    double dropped = TestRelay.Scrape.value(scrape, "otlp_relay_dropped_spans_total", "exporter",
                            exporter);
                    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                        String s = get(ports, "/metrics").body();
                        double e = TestRelay.Scrape.value(s, "otlp_relay_exporter_enqueued_spans_total",
                                "exporter", exporter);
                        double done = TestRelay.Scrape.value(s, "otlp_relay_exporter_sent_spans_total", "exporter",
                                exporter) + TestRelay.Scrape.value(s, "otlp_relay_dropped_spans_total", "exporter",
                                exporter) + TestRelay.Scrape.value(s, "otlp_relay_exporter_queue_spans", "exporter",
                                exporter);
                        assertThat(done).as("%s: sent + dropped + queued = enqueued", exporter).isEqualTo(e);
                    });
                    assertThat(enqueued).as("%s received every accepted span", exporter).isEqualTo(accepted);
                    if (exporter.equals("honeycomb")) {
                        assertThat(sent).as("Honeycomb is down").isZero();
                        assertThat(dropped).as("nothing acknowledged is given up within the retry window")
                                .isZero();
                    }
                }

                assertThat(relay.terminate(Duration.ofSeconds(10))).isZero();
            } finally {
                drain.interrupt();
            }
        }
    }

    private void http(RelayProcess.Ports ports, byte[] body, long end) {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ports.httpPort()
                        + "/v1/traces")).header("Content-Type", "application/x-protobuf")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        while (System.nanoTime() < end) {
            try {
                int status = client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
                if (status == 200) {
                    acknowledgedSpans.addAndGet(SPANS_PER_REQUEST);
                } else if (status == 503) {
                    refusedRequests.incrementAndGet();
                } else {
                    otherAnswers.computeIfAbsent("http " + status, k -> new AtomicLong()).incrementAndGet();
                }
            } catch (Exception e) {
                otherAnswers.computeIfAbsent("http " + e, k -> new AtomicLong()).incrementAndGet();
            }
        }
    }

    private void grpc(RelayProcess.Ports ports, long end) {
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", ports.grpcPort()).usePlaintext()
                .build();
        ExportTraceServiceRequest request = Otlp.validRequest(SPANS_PER_REQUEST);
        try {
            TraceServiceGrpc.TraceServiceBlockingStub stub = TraceServiceGrpc.newBlockingStub(channel);
            while (System.nanoTime() < end) {
                try {
                    stub.withDeadlineAfter(10, TimeUnit.SECONDS).export(request);
                    acknowledgedSpans.addAndGet(SPANS_PER_REQUEST);
                } catch (StatusRuntimeException e) {
                    if (e.getStatus().getCode() == Status.Code.UNAVAILABLE) {
                        refusedRequests.incrementAndGet();
                    } else {
                        otherAnswers.computeIfAbsent("grpc " + e.getStatus(), k -> new AtomicLong())
                                .incrementAndGet();
                    }
                }
            }
        } finally {
            channel.shutdownNow();
        }
    }

    private static HttpResponse<String> get(RelayProcess.Ports ports, String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + ports.adminPort() + path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static Thread drainDatagrams(DatagramSocket daemon) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[65536];
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    daemon.receive(p);
                } catch (Exception e) {
                    return;
                }
            }
        }, "xray-daemon");
        t.setDaemon(true);
        return started(t);
    }

    private static Thread started(Thread t) {
        t.start();
        return t;
    }
}
