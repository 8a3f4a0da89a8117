package dev.otlprelay.export.honeycomb;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

class GzipTest {
    private static byte[] gunzip(byte[] gz) throws IOException {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
            return in.readAllBytes();
        }
    }

    @Test
    void producesAGzipMemberThatInflatesToTheInput() throws IOException {
        byte[] plain = "span span span span span span span span".repeat(1000).getBytes(StandardCharsets.US_ASCII);
        byte[] gz = Gzip.compress(plain);
        assertThat(gunzip(gz)).isEqualTo(plain);
        assertThat(gz.length).isLessThan(plain.length / 10);
    }

    @Test
    void incompressibleBodiesGrowTheBufferAndStillRoundTrip() throws IOException {
        byte[] random = new byte[200_000];
        new SplittableRandom(7).nextBytes(random);
        assertThat(gunzip(Gzip.compress(random))).isEqualTo(random);
    }

    @Test
    void emptyBodiesAndReuseOnOneThreadKeepNothingFromTheLastBody() throws IOException {
        byte[] first = "first body".repeat(500).getBytes(StandardCharsets.US_ASCII);
        byte[] second = "x".getBytes(StandardCharsets.US_ASCII);
        assertThat(gunzip(Gzip.compress(first))).isEqualTo(first);
        assertThat(gunzip(Gzip.compress(new byte[0]))).isEmpty();
        assertThat(gunzip(Gzip.compress(second))).isEqualTo(second);
    }
}
