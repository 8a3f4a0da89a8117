package dev.otlprelay.export.xray;

import com.fasterxml.jackson.databind.JsonNode;
import dev.otlprelay.config.XrayConfig;
import dev.otlprelay.pipeline.Batch;
import dev.otlprelay.telemetry.RelayMetrics;
import dev.otlprelay.support.TestRelay;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.Span;
import java.util.ArrayList;
import java.util.List;

/** An {@link XrayExporter} whose datagrams are captured and checked against X-Ray's rules. */
final class ExporterFixture implements AutoCloseable {
    final RelayMetrics metrics = new RelayMetrics();
    final CapturingSender sender;
    final XrayExporter exporter;

    ExporterFixture(XrayConfig config) {
        this(config, new CapturingSender(), DatagramEncoder.MAX_DATAGRAM_BYTES);
    }

    ExporterFixture(XrayConfig config, CapturingSender sender, int maxDatagramBytes) {
        this.sender = sender;
        this.exporter = new XrayExporter(config, metrics, sender, maxDatagramBytes);
    }

    /** Exports the spans as one batch and returns the documents sent by this call, each checked. */
    List<JsonNode> export(Resource resource, Span... spans) {
        return export(XraySpans.batch(resource, spans));
    }

    List<JsonNode> export(Batch batch) {
        int before = sender.datagrams.size();
        exporter.export(batch);
        List<JsonNode> docs = new ArrayList<>();
        for (byte[] d : sender.datagrams.subList(before, sender.datagrams.size())) {
            docs.add(XrayDocumentRules.valid(d));
        }
        return docs;
    }

    /** The one document of one span. */
    JsonNode one(Resource resource, Span span) {
        List<JsonNode> docs = export(resource, span);
        if (docs.size() != 1) {
            throw new AssertionError("expected one document, got " + docs.size());
        }
        return docs.get(0);
    }

    double metric(String name, String... labels) {
        return TestRelay.Scrape.value(metrics.scrape(), name, labels);
    }

    @Override
    public void close() {
        exporter.close();
        metrics.close();
    }
}
