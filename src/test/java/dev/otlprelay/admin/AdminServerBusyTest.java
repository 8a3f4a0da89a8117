package dev.otlprelay.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.otlprelay.config.HostPort;
import dev.otlprelay.telemetry.RelayMetrics;
import dev.otlprelay.transport.SocketTransport;
import io.netty.channel.EventLoopGroup;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Slow admin requests wait for the admin thread in a bounded line: each explain request may hold 4 MiB while it
 * waits, so past {@link AdminServer#MAX_WAITING} waiting the admin port answers 503 instead of holding more.
 */
class AdminServerBusyTest {

    @Test
    void explainRequestsBeyondTheWaitingLineAreAnswered503() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger started = new AtomicInteger();
        SamplingDebug slow = new SamplingDebug() {
            @Override
            public String describe() {
                return "{}";
            }

            @Override
            public Answer explain(byte[] otlpJson) {
                started.incrementAndGet();
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return new Answer(200, "{\"traces\":[]}");
            }
        };
        SocketTransport transport = SocketTransport.nio();
        EventLoopGroup boss = transport.group(1, "test-admin-accept");
        EventLoopGroup workers = transport.group(2, "test-admin-io");
        try (RelayMetrics metrics = new RelayMetrics()) {
            AdminServer admin = new AdminServer(new HostPort("127.0.0.1", 0), metrics, new Readiness(), () -> "",
                    slow, transport, boss, workers);
            admin.start();
            try {
                HttpClient client = HttpClient.newHttpClient();
                int sent = AdminServer.MAX_WAITING + 4;
                List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
                for (int i = 0; i < sent; i++) {
                    answers.add(client.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + admin.port()
                                    + "/debug/sampling/explain")).POST(HttpRequest.BodyPublishers.ofString("{}"))
                            .build(), HttpResponse.BodyHandlers.ofString()));
                    if (i == 0) {
                        await().atMost(Duration.ofSeconds(10)).until(() -> started.get() == 1);
                    }
                }
                // One runs, MAX_WAITING wait, the rest are refused at once.
                await().atMost(Duration.ofSeconds(10)).until(() -> answers.stream().filter(CompletableFuture::isDone)
                        .count() == sent - 1 - AdminServer.MAX_WAITING);
                for (CompletableFuture<HttpResponse<String>> a : answers) {
                    if (a.isDone()) {
                        assertThat(a.get().statusCode()).isEqualTo(503);
                        assertThat(a.get().body()).contains("busy");
                    }
                }
                release.countDown();
                long ok = 0;
                for (CompletableFuture<HttpResponse<String>> a : answers) {
                    ok += a.get(30, TimeUnit.SECONDS).statusCode() == 200 ? 1 : 0;
                }
                assertThat(ok).isEqualTo(1 + AdminServer.MAX_WAITING);
            } finally {
                release.countDown();
                admin.close();
            }
        } finally {
            boss.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            workers.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }
}
