package dev.otlprelay.support;

import dev.otlprelay.export.Exporter;
import dev.otlprelay.pipeline.Batch;
import dev.otlprelay.pipeline.PassthroughBatch;
import dev.otlprelay.pipeline.TraceBatch;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

/** A destination that keeps every batch it is given, so tests can see exactly what the pipeline handed on. */
public final class CapturingExporter implements Exporter {
    private final ConcurrentLinkedQueue<Batch> batches = new ConcurrentLinkedQueue<>();

    @Override
    public String name() {
        return "capture";
    }

    @Override
    public boolean pushesBack() {
        return true;
    }

    @Override
    public int export(Batch batch) {
        batches.add(batch);
        return 0;
    }

    /** Forgets what was captured so far. */
    public void clear() {
        batches.clear();
    }

    public List<TraceBatch> traceBatches() {
        List<TraceBatch> out = new ArrayList<>();
        for (Batch b : batches) {
            if (b instanceof TraceBatch t) {
                out.add(t);
            }
        }
        return out;
    }

    public List<PassthroughBatch> passthroughBatches() {
        List<PassthroughBatch> out = new ArrayList<>();
        for (Batch b : batches) {
            if (b instanceof PassthroughBatch p) {
                out.add(p);
            }
        }
        return out;
    }

    /** Every span handed on, with the resource it came with. */
    public List<CapturedSpan> spans() {
        List<CapturedSpan> out = new ArrayList<>();
        for (TraceBatch t : traceBatches()) {
            for (ResourceSpans rs : t.request().getResourceSpansList()) {
                for (ScopeSpans ss : rs.getScopeSpansList()) {
                    for (Span s : ss.getSpansList()) {
                        out.add(new CapturedSpan(rs, s));
                    }
                }
            }
        }
        return out;
    }

    public record CapturedSpan(ResourceSpans resource, Span span) {
    }
}
