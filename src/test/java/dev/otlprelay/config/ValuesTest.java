package dev.otlprelay.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ValuesTest {

    @Test
    void parsesSizesWithDecimalAndBinarySuffixesCaseInsensitively() {
        assertThat(Values.parseSize("20971520", 0, Long.MAX_VALUE)).isEqualTo(20971520L);
        assertThat(Values.parseSize("20MiB", 0, Long.MAX_VALUE)).isEqualTo(20L * 1024 * 1024);
        assertThat(Values.parseSize("20mib", 0, Long.MAX_VALUE)).isEqualTo(20L * 1024 * 1024);
        assertThat(Values.parseSize("1KB", 0, Long.MAX_VALUE)).isEqualTo(1000L);
        assertThat(Values.parseSize("1kib", 0, Long.MAX_VALUE)).isEqualTo(1024L);
        assertThat(Values.parseSize("2GB", 0, Long.MAX_VALUE)).isEqualTo(2_000_000_000L);
        assertThat(Values.parseSize("1GiB", 0, Long.MAX_VALUE)).isEqualTo(1L << 30);
        assertThat(Values.parseSize("5MB", 0, Long.MAX_VALUE)).isEqualTo(5_000_000L);
        assertThat(Values.parseSize("512B", 0, Long.MAX_VALUE)).isEqualTo(512L);
        assertThat(Values.parseSize("1.5 KB", 0, Long.MAX_VALUE)).isEqualTo(1500L);
        assertThat(Values.parseSize("0", 0, Long.MAX_VALUE)).isZero();
    }

    @Test
    void refusesNegativeGarbageFractionalAndOutOfRangeSizes() {
        assertThat(Values.parseSize("-5", 0, Long.MAX_VALUE)).isNull();
        assertThat(Values.parseSize("lots", 0, Long.MAX_VALUE)).isNull();
        assertThat(Values.parseSize("5TB", 0, Long.MAX_VALUE)).isNull();
        assertThat(Values.parseSize("1.5", 0, Long.MAX_VALUE)).isNull();
        assertThat(Values.parseSize("1.5B", 0, Long.MAX_VALUE)).isNull();
        assertThat(Values.parseSize("99999999999999999999", 0, Long.MAX_VALUE)).isNull();
        assertThat(Values.parseSize("2GiB", 1, Integer.MAX_VALUE)).isNull();
        assertThat(Values.parseSize("0", 1, Integer.MAX_VALUE)).isNull();
    }

    @Test
    void parsesDurationsAndWholeSeconds() {
        assertThat(Values.parseDuration("15s")).isEqualTo(Duration.ofSeconds(15));
        assertThat(Values.parseDuration("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(Values.parseDuration("2m")).isEqualTo(Duration.ofMinutes(2));
        assertThat(Values.parseDuration("1h")).isEqualTo(Duration.ofHours(1));
        assertThat(Values.parseDuration("30")).isEqualTo(Duration.ofSeconds(30));
        assertThat(Values.parseDuration("0")).isEqualTo(Duration.ZERO);
    }

    @Test
    void refusesNegativeAndMalformedDurations() {
        assertThat(Values.parseDuration("-1s")).isNull();
        assertThat(Values.parseDuration("15x")).isNull();
        assertThat(Values.parseDuration("1.5s")).isNull();
        assertThat(Values.parseDuration("s")).isNull();
        assertThat(Values.parseDuration("")).isNull();
    }

    @Test
    void formatsDurationsInTheirShortestExactUnit() {
        assertThat(Values.formatDuration(Duration.ofSeconds(15))).isEqualTo("15s");
        assertThat(Values.formatDuration(Duration.ofMillis(500))).isEqualTo("500ms");
        assertThat(Values.formatDuration(Duration.ofSeconds(120))).isEqualTo("2m");
        assertThat(Values.formatDuration(Duration.ofHours(1))).isEqualTo("1h");
        assertThat(Values.formatDuration(Duration.ZERO)).isEqualTo("0s");
    }

    @Test
    void showsPlainValuesAsIsAndQuotesTheRest() {
        assertThat(Values.show("-5")).isEqualTo("-5");
        assertThat(Values.show("0.0.0.0:99999")).isEqualTo("\"0.0.0.0:99999\"");
        assertThat(Values.show("")).isEqualTo("\"\"");
        assertThat(Values.show("a\nb")).isEqualTo("\"a\\nb\"");
        assertThat(Values.show("x".repeat(200))).hasSize(100 + 2 + 3);
    }

    @Test
    void parsesWholeNumbersInRangeOnly() {
        assertThat(Values.parseWhole("8192", 1, 1_000_000)).isEqualTo(8192L);
        assertThat(Values.parseWhole("0", 0, 5)).isZero();
        assertThat(Values.parseWhole("0", 1, 5)).isNull();
        assertThat(Values.parseWhole("6", 1, 5)).isNull();
        assertThat(Values.parseWhole("-1", -5, 5)).isNull();
        assertThat(Values.parseWhole("1.0", 0, 5)).isNull();
        assertThat(Values.parseWhole("99999999999999999999", 0, Long.MAX_VALUE)).isNull();
    }

    @Test
    void parsesPlainDecimalsInRangeOnly() {
        assertThat(Values.parseDecimal("1.5", 1, 10)).isEqualTo(1.5);
        assertThat(Values.parseDecimal("2", 1, 10)).isEqualTo(2.0);
        assertThat(Values.parseDecimal("0", 0, 1)).isZero();
        assertThat(Values.parseDecimal("0.99", 1, 10)).isNull();
        assertThat(Values.parseDecimal("-0.5", -1, 1)).isNull();
        assertThat(Values.parseDecimal("1e3", 0, 1e9)).isNull();
        assertThat(Values.parseDecimal("NaN", 0, 1)).isNull();
        assertThat(Values.parseDecimal(".5", 0, 1)).isNull();
    }

    @Test
    void formatsDecimalsWithoutTrailingZeros() {
        assertThat(Values.formatDecimal(1.5)).isEqualTo("1.5");
        assertThat(Values.formatDecimal(2.0)).isEqualTo("2");
        assertThat(Values.formatDecimal(0.0)).isEqualTo("0");
        assertThat(Values.formatDecimal(0.125)).isEqualTo("0.125");
        assertThat(Values.formatDecimal(1e-7)).isEqualTo("0.0000001");
    }

    @Test
    void suggestsKeysOfNestedSections() {
        assertThat(Schema.keys("honeycomb.spool")).contains("fsync");
        assertThat(Schema.unknownKey("honeycomb.spool", "fsyncc"))
                .isEqualTo("honeycomb.spool.fsyncc: unknown key (did you mean honeycomb.spool.fsync?)");
        assertThat(Schema.unknownKey("honeycomb", "segment_bytes"))
                .isEqualTo("honeycomb.segment_bytes: unknown key (did you mean honeycomb.spool.segment_bytes?)");
    }

    @Test
    void suggestsWithinLevenshteinDistanceThree() {
        assertThat(EditDistance.between("http_adress", "http_address")).isEqualTo(1);
        assertThat(Schema.unknownKey("receiver", "http_adress"))
                .isEqualTo("receiver.http_adress: unknown key (did you mean receiver.http_address?)");
        assertThat(Schema.unknownSection("admn")).isEqualTo("admn: unknown key (did you mean admin?)");
    }
}
