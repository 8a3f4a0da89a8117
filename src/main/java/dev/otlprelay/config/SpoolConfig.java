package dev.otlprelay.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * The Honeycomb exporter's durable spool (YAML section {@code honeycomb.spool}).
 *
 * @param dir           directory of the segment log ({@code honeycomb.spool.dir}, env {@code RELAY_SPOOL_DIR});
 *                      {@code null} = spool off (default)
 * @param fsync         when appended data is forced to disk ({@code always}, {@code interval} (default),
 *                      {@code never})
 * @param fsyncInterval group-commit interval for {@code interval} ({@code honeycomb.spool.fsync_interval},
 *                      default 100ms)
 * @param maxBytes      disk bound ({@code honeycomb.spool.max_bytes}, default 1 GiB)
 * @param segmentBytes  size at which a new segment file starts ({@code honeycomb.spool.segment_bytes},
 *                      default 64 MiB)
 */
public record SpoolConfig(Path dir, Fsync fsync, Duration fsyncInterval, long maxBytes, long segmentBytes) {

    /** {@code honeycomb.spool.fsync}. */
    public enum Fsync { ALWAYS, INTERVAL, NEVER }

    public SpoolConfig {
        Objects.requireNonNull(fsync, "fsync");
        Objects.requireNonNull(fsyncInterval, "fsyncInterval");
    }

    public static SpoolConfig defaults() {
        return new SpoolConfig(null, Fsync.INTERVAL, Duration.ofMillis(100), 1024L * 1024 * 1024,
                64L * 1024 * 1024);
    }

    public boolean enabled() {
        return dir != null;
    }
}
