package dev.otlprelay.export.spool;

import static dev.otlprelay.export.spool.SpoolFixture.await;
import static dev.otlprelay.export.spool.SpoolFixture.config;
import static dev.otlprelay.export.spool.SpoolFixture.files;
import static dev.otlprelay.export.spool.SpoolFixture.ids;
import static dev.otlprelay.export.spool.SpoolFixture.payload;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.otlprelay.config.SpoolConfig;
import dev.otlprelay.config.SpoolConfig.Fsync;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One spool per directory: a second open refuses before it reads or deletes anything. */
class SpoolLockTest {
    @TempDir
    Path dir;

    @Test
    void aSecondSpoolOnALiveDirectoryRefusesNamingTheHolderAndLeavesTheFirstIntact() throws Exception {
        SpoolConfig config = config(dir, Fsync.ALWAYS);
        try (Spool first = Spool.open(config, SpoolListener.NONE)) {
            // The first spool's active segment is empty: every record acknowledged, as a second open would have
            // deleted it before the lock.
            long id = await(first.append(payload(1, 100)));
            first.acknowledge(id);
            List<Path> before = files(dir, ".log");
            assertThat(before).isNotEmpty();

            assertThatThrownBy(() -> Spool.open(config, SpoolListener.NONE))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("is in use by another relay")
                    .hasMessageContaining("pid " + ProcessHandle.current().pid())
                    .hasMessageContaining("one relay per spool directory");

            assertThat(files(dir, ".log")).as("nothing deleted").isEqualTo(before);
            assertThat(await(first.append(payload(2, 100)))).as("the first spool still writes").isPositive();
        }
        try (Spool next = Spool.open(config, SpoolListener.NONE)) {
            assertThat(ids(next.recovered())).as("the second record, not acknowledged").hasSize(1);
        }
    }
}
