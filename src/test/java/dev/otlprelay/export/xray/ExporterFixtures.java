package dev.otlprelay.export.xray;

import dev.otlprelay.config.XrayConfig;
import java.util.ArrayList;
import java.util.List;

/** The exporter fixtures a test opened, closed together after it. */
final class ExporterFixtures implements AutoCloseable {
    private final List<ExporterFixture> open = new ArrayList<>();

    ExporterFixture open(XrayConfig config) {
        return open(config, new CapturingSender(), DatagramEncoder.MAX_DATAGRAM_BYTES);
    }

    ExporterFixture open(XrayConfig config, CapturingSender sender, int maxDatagramBytes) {
        ExporterFixture f = new ExporterFixture(config, sender, maxDatagramBytes);
        open.add(f);
        return f;
    }

    @Override
    public void close() {
        open.forEach(ExporterFixture::close);
        open.clear();
    }
}
