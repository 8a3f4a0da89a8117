package dev.otlprelay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.otlprelay.config.ConfigLoader;
import dev.otlprelay.config.RelayConfig;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The order a relay starts in: its ports first, then what they feed, so that a failed start leaves no trace. */
class RelayStartTest {

    @Test
    void aTakenPortFailsTheStartNamingThatListenerBeforeTheSpoolIsTouched(@TempDir Path dir) throws Exception {
        Path spool = dir.resolve("spool");
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            for (String listener : List.of("RELAY_HTTP_ADDRESS", "RELAY_GRPC_ADDRESS", "RELAY_ADMIN_ADDRESS")) {
                Map<String, String> env = new java.util.HashMap<>(Map.of("RELAY_HTTP_ADDRESS", "127.0.0.1:0",
                        "RELAY_GRPC_ADDRESS", "127.0.0.1:0", "RELAY_ADMIN_ADDRESS", "127.0.0.1:0",
                        "HONEYCOMB_API_KEY", "hcaik_startorder", "HONEYCOMB_API_ENDPOINT", "http://127.0.0.1:9",
                        "RELAY_SPOOL_DIR", spool.toString()));
                env.put(listener, "127.0.0.1:" + taken.getLocalPort());
                RelayConfig config = ConfigLoader.load(null, env, dir);
                Relay relay = new Relay(config);
                String name = switch (listener) {
                    case "RELAY_HTTP_ADDRESS" -> "OTLP/HTTP";
                    case "RELAY_GRPC_ADDRESS" -> "OTLP/gRPC";
                    default -> "admin";
                };
                assertThatThrownBy(relay::start).isInstanceOf(UncheckedIOException.class)
                        .hasMessageStartingWith("could not bind " + name + " 127.0.0.1:" + taken.getLocalPort());
                assertThat(Files.exists(spool)).as("the spool of a relay that could not bind %s", name).isFalse();
                relay.stop();
            }
        }
    }
}
