package dev.otlprelay.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The memory bounds not set are sized from the max heap; bounds set that cannot fit it are refused at start. */
class MemoryBoundsTest extends ConfigFileTest {
    private static final long MIB = 1024L * 1024;
    private static final Pattern RULE = Pattern.compile("(\\d+)% of the max heap, at least (\\S+), at most (\\S+)");

    /** docs/configuration.md states each heap-sized default in words; the words say what the default is. */
    @Test
    void eachHeapSizedDefaultIsTheShareItsRuleStates() {
        long[] heaps = {0, MIB, 32 * MIB, 40 * MIB, 50 * MIB, 64 * MIB, 192 * MIB, 256 * MIB, 1000 * MIB, 1024 * MIB,
                2048 * MIB, 8192 * MIB, 65536 * MIB};
        for (Key<?> key : Keys.ALL) {
            if (!key.fromHeap()) {
                continue;
            }
            Matcher rule = RULE.matcher(key.heapRule());
            assertThat(rule.matches()).as("%s: %s", key.path(), key.heapRule()).isTrue();
            long percent = Long.parseLong(rule.group(1));
            long atLeast = Values.parseSize(rule.group(2), 0, Long.MAX_VALUE);
            long atMost = Values.parseSize(rule.group(3), 0, Long.MAX_VALUE);
            for (long heap : heaps) {
                assertThat(key.defaultValue(heap)).as("%s with a max heap of %d", key.path(), heap)
                        .isEqualTo(Math.min(atMost, Math.max(atLeast, heap / 100 * percent)));
            }
        }
    }

    @Test
    void inASmallHeapTheDefaultsAreShares() throws Exception {
        RelayConfig c = ConfigLoader.load(null, Map.of("HONEYCOMB_API_KEY", "hcaik_memory"), dir, 192 * MIB);

        assertThat(c.honeycomb().queueBytes()).isEqualTo(192 * MIB / 100 * 20);
        assertThat(c.xray().queueBytes()).isEqualTo(192 * MIB / 100 * 8);
        assertThat(c.receiver().maxInflightBytes()).isEqualTo(192 * MIB / 100 * 8);
        assertThat(c.receiver().maxRequestBytes()).as("never more than the budget admits")
                .isEqualTo(c.receiver().maxInflightBytes());
        assertThat(c.sampling().maxBufferBytes()).isEqualTo(192 * MIB / 100 * 12);
    }

    @Test
    void inALargeHeapTheDefaultsAreTheirFormerFixedValues() throws Exception {
        RelayConfig c = ConfigLoader.load(null, Map.of(), dir, 8192 * MIB);

        assertThat(c.honeycomb().queueBytes()).isEqualTo(256 * MIB);
        assertThat(c.xray().queueBytes()).isEqualTo(64 * MIB);
        assertThat(c.receiver().maxInflightBytes()).isEqualTo(64 * MIB);
        assertThat(c.receiver().maxRequestBytes()).isEqualTo(20 * MIB);
        assertThat(c.sampling().maxBufferBytes()).isEqualTo(128 * MIB);
    }

    @Test
    void boundsThatCannotFitTheHeapAreRefusedNamingEachOne() throws Exception {
        Map<String, String> env = Map.of("HONEYCOMB_API_KEY", "hcaik_memory", "AWS_XRAY_DAEMON_ADDRESS",
                "127.0.0.1:2000");
        String yaml = "honeycomb:\n  queue_bytes: 256MiB\n";

        assertThatThrownBy(() -> ConfigLoader.load(write("relay.yaml", yaml), env, dir, 192 * MIB))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).problems()).containsExactly(
                        "memory: honeycomb.queue_bytes 256MiB + xray.queue_bytes 15.4MiB + receiver.max_inflight_bytes"
                                + " 15.4MiB = 286.7MiB, more than 75% of the JVM's max heap of 192MiB (expected: smaller "
                                + "bounds, or leave them unset to size them from the heap; or a larger heap: a higher "
                                + "container memory limit, -XX:MaxRAMPercentage or -Xmx)"));
        // The same bounds fit a heap twice the size.
        assertThat(ConfigLoader.load(write("relay.yaml", yaml), env, dir, 512 * MIB).honeycomb().queueBytes())
                .isEqualTo(256 * MIB);
    }

    @Test
    void inATinyHeapTheDefaultsStillAdmitOneGrpcMessageAndOneRequestIntoTheBuffer() throws Exception {
        RelayConfig c = ConfigLoader.load(null, Map.of(), dir, 32 * MIB);

        assertThat(c.receiver().maxInflightBytes()).isEqualTo(4 * MIB);
        assertThat(c.receiver().maxRequestBytes()).isEqualTo(4 * MIB);
        assertThat(c.sampling().maxBufferBytes()).isGreaterThanOrEqualTo(c.receiver().maxRequestBytes());
    }
}
