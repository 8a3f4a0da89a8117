package dev.otlprelay.export.xray;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import io.opentelemetry.proto.common.v1.AnyValue;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code origin} field and the {@code aws} block. What the service runs on comes from the resource (segments
 * only); what an AWS SDK call did (operation, request id, table, queue) comes from the span.
 */
record AwsSection(Environment environment, String operation, String region, String requestId, String queueUrl,
                  String tableName, List<String> tableNames) {
    private static final SerializableString AWS = JsonFields.name("aws");
    private static final SerializableString ACCOUNT_ID = JsonFields.name("account_id");
    private static final SerializableString REGION = JsonFields.name("region");
    private static final SerializableString OPERATION = JsonFields.name("operation");
    private static final SerializableString REQUEST_ID = JsonFields.name("request_id");
    private static final SerializableString QUEUE_URL = JsonFields.name("queue_url");
    private static final SerializableString TABLE_NAME = JsonFields.name("table_name");
    private static final SerializableString TABLE_NAMES = JsonFields.name("table_names");

    /**
     * A named group inside the {@code aws} block, e.g. {@code ec2}: string fields as name/value pairs (null values
     * left out) and at most one number field.
     */
    record Block(String name, String[] fields, String numberName, Long number) {
        void write(JsonGenerator g) throws IOException {
            g.writeObjectFieldStart(name);
            for (int i = 0; i + 1 < fields.length; i += 2) {
                if (fields[i + 1] != null) {
                    g.writeStringField(fields[i], fields[i + 1]);
                }
            }
            if (number != null) {
                g.writeNumberField(numberName, number);
            }
            g.writeEndObject();
        }
    }

    /**
     * The resource's part, computed once per resource: null unless the resource is on AWS or does not say where
     * it runs ({@code cloud.provider} absent).
     */
    record Environment(String origin, String accountId, String region, List<Block> blocks) {
        static Environment of(Attributes r) {
            String provider = r.string("cloud.provider");
            if (provider != null && !"aws".equals(provider)) {
                return null;
            }
            String platform = r.string("cloud.platform");
            List<Block> blocks = new ArrayList<>(2);
            String origin = null;
            if (platform != null) {
                switch (platform) {
                    case "aws_ec2" -> {
                        origin = "AWS::EC2::Instance";
                        add(blocks, "ec2", "instance_id", r.string("host.id"),
                                "availability_zone", r.string("cloud.availability_zone"),
                                "instance_size", r.string("host.type"), "ami_id", r.string("host.image.id"));
                    }
                    case "aws_ecs" -> {
                        origin = "AWS::ECS::Container";
                        add(blocks, "ecs", "container", r.string("container.name"),
                                "container_id", r.string("container.id"));
                    }
                    case "aws_eks" -> {
                        origin = "AWS::EKS::Container";
                        add(blocks, "eks", "cluster_name", r.string("k8s.cluster.name"),
                                "pod", r.string("k8s.pod.name"), "container_id", r.string("container.id"));
                    }
                    case "aws_elastic_beanstalk" -> {
                        origin = "AWS::ElasticBeanstalk::Environment";
                        Block eb = new Block("elastic_beanstalk", new String[] {"environment_name",
                            r.string("service.namespace"), "version_label", r.string("service.version")},
                            "deployment_id", r.integer("service.instance.id"));
                        blocks.add(eb);
                    }
                    case "aws_lambda" -> {
                        origin = "AWS::Lambda::Function";
                        add(blocks, "lambda", "function_name", r.string("faas.name"),
                                "function_version", r.string("faas.version"));
                    }
                    default -> {
                    }
                }
            }
            String sdk = r.string("telemetry.sdk.name");
            String language = r.string("telemetry.sdk.language");
            if (sdk != null && language != null) {
                sdk = sdk + " for " + language;
            }
            add(blocks, "xray", "sdk", sdk, "sdk_version", r.string("telemetry.sdk.version"));
            return new Environment(origin, r.string("cloud.account.id"), r.string("cloud.region"), blocks);
        }

        private static void add(List<Block> blocks, String name, String... fields) {
            for (int i = 1; i < fields.length; i += 2) {
                if (fields[i] != null) {
                    blocks.add(new Block(name, fields, null, null));
                    return;
                }
            }
        }

        boolean isEmpty() {
            return accountId == null && region == null && blocks.isEmpty();
        }
    }

    /** Whether the span is an AWS SDK call ({@code rpc.system=aws-api}, or X-Ray's {@code aws.service}). */
    static boolean isAwsSdk(Attributes a) {
        return "aws-api".equals(a.string("rpc.system")) || a.has("aws.service");
    }

    /**
     * The section, or null when it would be empty.
     *
     * @param environment the resource's part, for segments; null for subsegments
     */
    static AwsSection of(Attributes a, Environment environment, boolean awsSdk) {
        String operation = a.string("aws.operation");
        if (operation == null && awsSdk) {
            operation = a.string("rpc.method");
        }
        String tableName = null;
        List<String> tableNames = null;
        AnyValue tables = a.get("aws.dynamodb.table_names");
        if (tables != null && tables.hasArrayValue()) {
            List<AnyValue> values = tables.getArrayValue().getValuesList();
            if (values.size() == 1) {
                tableName = values.get(0).getStringValue();
            } else if (values.size() > 1) {
                tableNames = new ArrayList<>(values.size());
                for (AnyValue v : values) {
                    tableNames.add(v.getStringValue());
                }
            }
        } else {
            tableName = a.string("aws.dynamodb.table_names");
        }
        if (tableName == null && tableNames == null) {
            tableName = a.string("aws.table_name");
        }
        String region = a.string("aws.region", "cloud.region");
        String requestId = a.string("aws.request_id", "aws.requestId");
        String queueUrl = a.string("aws.queue_url", "aws.sqs.queue.url", "messaging.url");
        if (operation == null && region == null && requestId == null && queueUrl == null && tableName == null
                && tableNames == null && (environment == null || environment.isEmpty())) {
            return null;
        }
        return new AwsSection(environment, operation, region, requestId, queueUrl, tableName, tableNames);
    }

    void write(JsonGenerator g, Limits limits) throws IOException {
        JsonFields.startObject(g, AWS);
        if (environment != null) {
            if (environment.accountId() != null) {
                JsonFields.string(g, ACCOUNT_ID, environment.accountId());
            }
            for (Block b : environment.blocks()) {
                b.write(g);
            }
        }
        String anyRegion = region != null ? region : environment == null ? null : environment.region();
        if (anyRegion != null) {
            JsonFields.string(g, REGION, anyRegion);
        }
        if (operation != null) {
            JsonFields.string(g, OPERATION, limits.clip(operation));
        }
        if (requestId != null) {
            JsonFields.string(g, REQUEST_ID, limits.clip(requestId));
        }
        if (queueUrl != null) {
            JsonFields.string(g, QUEUE_URL, limits.clip(queueUrl));
        }
        if (tableName != null) {
            JsonFields.string(g, TABLE_NAME, limits.clip(tableName));
        }
        if (tableNames != null) {
            JsonFields.startArray(g, TABLE_NAMES);
            for (String t : tableNames) {
                g.writeString(limits.clip(t));
            }
            g.writeEndArray();
        }
        g.writeEndObject();
    }
}
