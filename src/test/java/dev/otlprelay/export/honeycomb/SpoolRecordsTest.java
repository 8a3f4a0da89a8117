package dev.otlprelay.export.honeycomb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import org.junit.jupiter.api.Test;

class SpoolRecordsTest {
    @Test
    void roundTripsATraceRecordWithoutAKey() throws IOException {
        var stored = new SpoolRecords.Stored(true, null, "flask", "/v1/traces", "application/x-protobuf",
                new byte[] {1, 2, 3});
        var back = SpoolRecords.decode(SpoolRecords.encode(stored));
        assertThat(back.traces()).isTrue();
        assertThat(back.key()).isNull();
        assertThat(back.dataset()).isEqualTo("flask");
        assertThat(back.body()).containsExactly(1, 2, 3);
    }

    @Test
    void roundTripsAForwardedBodyWithAClientKey() throws IOException {
        var stored = new SpoolRecords.Stored(false, "client-key", null, "/v1/metrics", "application/json",
                "{}".getBytes());
        var back = SpoolRecords.decode(SpoolRecords.encode(stored));
        assertThat(back.traces()).isFalse();
        assertThat(back.key()).isEqualTo("client-key");
        assertThat(back.dataset()).isNull();
        assertThat(back.path()).isEqualTo("/v1/metrics");
        assertThat(back.contentType()).isEqualTo("application/json");
    }

    @Test
    void refusesARecordOfAnotherVersion() {
        byte[] record = SpoolRecords.encode(new SpoolRecords.Stored(true, null, null, "/v1/traces", "t", new byte[0]));
        record[0] = 9;
        assertThatThrownBy(() -> SpoolRecords.decode(record)).isInstanceOf(IOException.class)
                .hasMessage("spool record version: 9 (expected: 1)");
    }
}
