package dev.otlprelay.export.xray;

import io.opentelemetry.proto.resource.v1.Resource;

/**
 * What the documents of one resource share, read once per {@code ResourceSpans}.
 *
 * @param serviceName    {@code service.name}, sanitised as a segment name
 * @param serviceVersion {@code service.version}, for the segment's {@code service} block
 * @param environment    where the service runs on AWS; null when the resource says it is elsewhere
 * @param metadata       the attributes as a segment's metadata holds them, encoded once
 */
record ResourceView(Attributes attributes, String serviceName, String serviceVersion,
                    AwsSection.Environment environment, ResourceMetadata metadata) {
    /** OpenTelemetry's own default when a service forgets to name itself. */
    static final String UNKNOWN_SERVICE = "unknown_service";

    static ResourceView of(Resource resource) {
        Attributes a = Attributes.of(resource.getAttributesList());
        return new ResourceView(a, Names.sanitize(a.string("service.name"), UNKNOWN_SERVICE),
                a.string("service.version"), AwsSection.Environment.of(a), ResourceMetadata.of(a));
    }
}
