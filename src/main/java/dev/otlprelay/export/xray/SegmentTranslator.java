package dev.otlprelay.export.xray;

import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Span.SpanKind;

/**
 * One span → one X-Ray document.
 *
 * <p>Segment or subsegment: server and consumer spans are the work of a service, so they become segments named
 * after {@code service.name}. Client, producer and internal spans become independent subsegments of their parent
 * ({@code "type": "subsegment"}, {@code parent_id}, {@code trace_id}). A span without a parent becomes a segment
 * whatever its kind, since X-Ray needs a segment at the root of every trace (a batch job's root internal span, a
 * script's root client call); it is named after the service, and its span name is kept in metadata.
 *
 * <p>Names: client and producer subsegments are named after what they called (see {@link Names#remote}) with
 * {@code namespace} {@code aws} for AWS SDK calls and {@code remote} otherwise; internal subsegments keep the span
 * name. All names are sanitised to X-Ray's character set and length.
 */
final class SegmentTranslator {
    private final Annotations annotations;

    SegmentTranslator(Annotations annotations) {
        this.annotations = annotations;
    }

    SegmentDocument translate(Span span, ResourceView resource) {
        Attributes a = Attributes.of(span.getAttributesList());
        SpanKind kind = span.getKind();
        boolean hasParent = Ids.present(span.getParentSpanId());
        boolean segment = kind == SpanKind.SPAN_KIND_SERVER || kind == SpanKind.SPAN_KIND_CONSUMER || !hasParent;
        boolean outgoing = kind == SpanKind.SPAN_KIND_CLIENT || kind == SpanKind.SPAN_KIND_PRODUCER;
        boolean awsSdk = AwsSection.isAwsSdk(a);

        String name;
        String namespace = null;
        if (segment) {
            name = resource.serviceName();
        } else if (outgoing) {
            String remote = Names.sanitize(Names.remote(a, awsSdk), null);
            name = remote != null ? remote : Names.sanitize(span.getName(), "span");
            namespace = awsSdk ? "aws" : "remote";
        } else {
            name = Names.sanitize(span.getName(), "span");
        }

        long start = span.getStartTimeUnixNano();
        // Ended spans only: a missing or earlier end is clamped to the start, never sent as in_progress.
        long end = Math.max(span.getEndTimeUnixNano(), start);
        AwsSection.Environment environment = segment ? resource.environment() : null;
        Long httpStatus = HttpSection.status(a);
        Annotations.Selection selection = annotations.select(a, resource.attributes(), segment);
        return new SegmentDocument(segment, name, Ids.requireSpanId(span.getSpanId()),
                Ids.requireTraceId(span.getTraceId()), hasParent ? span.getParentSpanId() : null, start, end, namespace,
                environment == null ? null : environment.origin(),
                segment ? a.string("enduser.id") : null,
                segment ? resource.serviceVersion() : null,
                HttpSection.of(kind, a, httpStatus), CauseSection.of(span, httpStatus),
                AwsSection.of(a, environment, awsSdk),
                SqlSection.of(a), selection.annotations(), a, selection.spanKeys(),
                segment ? resource : null, selection.resourceKeys(),
                name.equals(span.getName()) ? null : span.getName(), span.getLinksList());
    }
}
