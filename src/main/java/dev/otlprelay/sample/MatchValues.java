package dev.otlprelay.sample;

import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The normalised values a trace is matched on, read from its local root span (the first span when the root has not
 * arrived) and that span's resource, from both the old and the new HTTP semantic conventions. Also what the
 * explain endpoint shows. Null means the trace does not say; only a pattern of {@code *} matches it.
 *
 * @param serviceName resource {@code service.name}
 * @param serviceType X-Ray's name for resource {@code cloud.platform}, e.g. {@code AWS::ECS::Container}
 * @param host        {@code http.host}, {@code server.address}, {@code net.host.name}, else the host of
 *                    {@code url.full} / {@code http.url}; port removed
 * @param httpMethod  {@code http.request.method}, else {@code http.method}; {@code _OTHER} (a method the
 *                    instrumentation did not know) is replaced by {@code http.request.method_original}, else missing
 * @param urlPath     {@code url.path}, else {@code http.target}, else the path of {@code url.full} /
 *                    {@code http.url}; query and fragment removed
 * @param resourceArn resource {@code aws.ecs.container.arn}, {@code aws.ecs.task.arn}, {@code cloud.resource_id},
 *                    root span {@code cloud.resource_id}, resource {@code faas.id} (the first present): the
 *                    container first, as OpenTelemetry's own X-Ray sampler does, then the task, then the platform's
 *                    own id (a Lambda function ARN), then the deprecated FaaS id
 * @param attributes  the attributes the rules ask about, root span first, then resource; absent keys left out
 */
public record MatchValues(String serviceName, String serviceType, String host, String httpMethod, String urlPath,
                          String resourceArn, Map<String, String> attributes) {

    /** cloud.platform → X-Ray segment origin, as the X-Ray exporter (and OpenTelemetry's X-Ray sampler) names it. */
    private static final Map<String, String> SERVICE_TYPES = Map.of(
            "aws_ec2", "AWS::EC2::Instance",
            "aws_ecs", "AWS::ECS::Container",
            "aws_eks", "AWS::EKS::Container",
            "aws_elastic_beanstalk", "AWS::ElasticBeanstalk::Environment",
            "aws_lambda", "AWS::Lambda::Function");

    private static final String OTHER_METHOD = "_OTHER";

    public MatchValues {
        attributes = Collections.unmodifiableMap(new LinkedHashMap<>(attributes));
    }

    /** The value of an attribute the rules ask about, or null. */
    public String attribute(String key) {
        return attributes.get(key);
    }

    /**
     * Reads a trace's values.
     *
     * @param attributeKeys the attribute keys some rule or condition matches on; others are not collected
     */
    public static MatchValues of(TraceView trace, Set<String> attributeKeys) {
        SpanRef span = trace.root() != null ? trace.root() : trace.spans().get(0);
        SpanFields f = new SpanFields();
        Map<String, String> attributes = new LinkedHashMap<>();
        for (KeyValue kv : span.span().getAttributesList()) {
            f.read(kv);
            if (attributeKeys.contains(kv.getKey())) {
                String text = AttributeText.of(kv.getValue());
                if (text != null) {
                    attributes.put(kv.getKey(), text);
                }
            }
        }
        Resource resource = span.resource();
        ResourceFields r = new ResourceFields();
        for (KeyValue kv : resource.getAttributesList()) {
            r.read(kv);
            if (attributeKeys.contains(kv.getKey()) && !attributes.containsKey(kv.getKey())) {
                String text = AttributeText.of(kv.getValue());
                if (text != null) {
                    attributes.put(kv.getKey(), text);
                }
            }
        }
        String arn = first(r.containerArn, r.taskArn, r.cloudResourceId, f.cloudResourceId, r.faasId);
        return new MatchValues(r.serviceName, r.platform == null ? null : SERVICE_TYPES.get(r.platform), f.host(),
                f.method(), f.path(), arn, attributes);
    }

    private static String first(String... values) {
        for (String v : values) {
            if (v != null) {
                return v;
            }
        }
        return null;
    }

    /** The root span's HTTP fields, old and new conventions, gathered in one pass over its attributes. */
    private static final class SpanFields {
        String requestMethod;
        String oldMethod;
        String methodOriginal;
        String urlPath;
        String target;
        String urlFull;
        String httpUrl;
        String httpHost;
        String serverAddress;
        String netHostName;
        String cloudResourceId;

        void read(KeyValue kv) {
            switch (kv.getKey()) {
                case "http.request.method" -> requestMethod = AttributeText.of(kv.getValue());
                case "http.method" -> oldMethod = AttributeText.of(kv.getValue());
                case "http.request.method_original" -> methodOriginal = AttributeText.of(kv.getValue());
                case "url.path" -> urlPath = AttributeText.of(kv.getValue());
                case "http.target" -> target = AttributeText.of(kv.getValue());
                case "url.full" -> urlFull = AttributeText.of(kv.getValue());
                case "http.url" -> httpUrl = AttributeText.of(kv.getValue());
                case "http.host" -> httpHost = AttributeText.of(kv.getValue());
                case "server.address" -> serverAddress = AttributeText.of(kv.getValue());
                case "net.host.name" -> netHostName = AttributeText.of(kv.getValue());
                case "cloud.resource_id" -> cloudResourceId = AttributeText.of(kv.getValue());
                default -> {
                }
            }
        }

        String method() {
            String m = requestMethod != null ? requestMethod : oldMethod;
            return OTHER_METHOD.equals(m) ? methodOriginal : m;
        }

        String path() {
            if (urlPath != null) {
                return stripQuery(urlPath);
            }
            if (target != null) {
                // A proxy's request target may be the absolute form: http://host/path
                return target.startsWith("/") ? stripQuery(target) : UrlParts.path(target);
            }
            return UrlParts.path(urlFull != null ? urlFull : httpUrl);
        }

        String host() {
            String h = first(httpHost, serverAddress, netHostName);
            if (h == null) {
                h = UrlParts.host(urlFull != null ? urlFull : httpUrl);
            }
            return h == null ? null : UrlParts.stripPort(h);
        }

        private static String stripQuery(String path) {
            int end = path.length();
            int q = path.indexOf('?');
            int hash = path.indexOf('#');
            if (q >= 0) {
                end = q;
            }
            if (hash >= 0 && hash < end) {
                end = hash;
            }
            return path.substring(0, end);
        }
    }

    /** The resource's fields, in one pass. */
    private static final class ResourceFields {
        String serviceName;
        String platform;
        String containerArn;
        String taskArn;
        String cloudResourceId;
        String faasId;

        void read(KeyValue kv) {
            switch (kv.getKey()) {
                case "service.name" -> serviceName = AttributeText.of(kv.getValue());
                case "cloud.platform" -> platform = AttributeText.of(kv.getValue());
                case "aws.ecs.container.arn" -> containerArn = AttributeText.of(kv.getValue());
                case "aws.ecs.task.arn" -> taskArn = AttributeText.of(kv.getValue());
                case "cloud.resource_id" -> cloudResourceId = AttributeText.of(kv.getValue());
                case "faas.id" -> faasId = AttributeText.of(kv.getValue());
                default -> {
                }
            }
        }
    }
}
