package dev.otlprelay.export.spool;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A new segment's name is made durable by fsyncing its directory; failing to do so is an error, not a skip. */
class SegmentDirectorySyncTest {

    @Test
    void aDirectoryThatCannotBeOpenedIsAnErrorWhereDirectoriesCanBeFsynced(@TempDir Path dir) {
        assumeFalse(System.getProperty("os.name", "").startsWith("Windows"), "Windows cannot fsync directories");
        assertThatCode(() -> Segment.syncDirectory(dir, ChannelSync.FORCE)).doesNotThrowAnyException();
        assertThatThrownBy(() -> Segment.syncDirectory(dir.resolve("gone"), ChannelSync.FORCE))
                .isInstanceOf(IOException.class).hasMessageContaining("cannot open the spool directory");
    }
}
