package dev.otlprelay.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Every reason a destination may drop under is a constant, and the README's metric table names each one. */
class DropReasonTest {

    @Test
    void theReadmeNamesEveryDropReason() throws Exception {
        String row = Files.readAllLines(Path.of("README.md")).stream()
                .filter(l -> l.startsWith("| `otlp_relay_dropped_spans_total` |")).findFirst().orElseThrow();
        assertThat(DropReason.CONSTANTS).allSatisfy(r -> assertThat(row).contains("`" + r.tag() + "`"));
        assertThat(row).contains("`http_<status>`");
    }

    @Test
    void aRefusalCarriesItsHttpStatusAndWithoutOneIsAnError() {
        assertThat(DropReason.refusedWith(403).tag()).isEqualTo("http_403");
        assertThat(DropReason.refusedWith(403)).isEqualTo(DropReason.refusedWith(403))
                .hasSameHashCodeAs(DropReason.refusedWith(403)).isNotEqualTo(DropReason.refusedWith(404))
                .isNotEqualTo(DropReason.SHUTDOWN).hasToString("http_403");
        assertThat(DropReason.refusedWith(0)).isSameAs(DropReason.ERROR);
    }

    @Test
    void everyConstantHasItsOwnTag() {
        assertThat(DropReason.CONSTANTS.stream().map(DropReason::tag)).doesNotHaveDuplicates();
    }
}
