package dev.otlprelay.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.otlprelay.config.HostPort;
import dev.otlprelay.telemetry.RelayMetrics;
import dev.otlprelay.transport.SocketTransport;
import io.netty.channel.EventLoopGroup;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code /healthz} is liveness (restart me: a stage can no longer work) and {@code /readyz} is readiness (send me
 * nothing for now): a Honeycomb outage must not get a healthy relay restarted, and a dead thread must.
 */
class AdminServerHealthTest {
    private final AtomicReference<String> dead = new AtomicReference<>();
    private final AtomicReference<String> notReady = new AtomicReference<>();
    private final SocketTransport transport = SocketTransport.nio();
    private final EventLoopGroup boss = transport.group(1, "test-admin-accept");
    private final EventLoopGroup workers = transport.group(1, "test-admin-io");
    private final RelayMetrics metrics = new RelayMetrics();
    private final HttpClient client = HttpClient.newHttpClient();
    private AdminServer admin;

    @BeforeEach
    void start() throws Exception {
        Readiness readiness = new Readiness();
        readiness.add("honeycomb", notReady::get);
        Readiness liveness = new Readiness();
        liveness.add("honeycomb", dead::get);
        admin = new AdminServer(new HostPort("127.0.0.1", 0), metrics, readiness, liveness, () -> "",
                SamplingDebug.OFF, transport, boss, workers);
        admin.start();
    }

    @AfterEach
    void stop() {
        admin.close();
        boss.shutdownGracefully();
        workers.shutdownGracefully();
        metrics.close();
    }

    private HttpResponse<String> get(String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + admin.port() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aNotReadyRelayIsStillAlive() throws Exception {
        notReady.set("honeycomb: spool is 95% full");

        assertThat(get("/readyz").statusCode()).isEqualTo(503);
        HttpResponse<String> health = get("/healthz");
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).isEqualTo("ok\n");
    }

    @Test
    void aDeadStageFailsTheHealthCheckAndSaysWhich() throws Exception {
        dead.set("the thread that dispatches batches to Honeycomb has died");

        HttpResponse<String> health = get("/healthz");

        assertThat(health.statusCode()).isEqualTo(503);
        assertThat(health.body()).startsWith("not alive\n").contains("dispatches batches to Honeycomb");
    }
}
