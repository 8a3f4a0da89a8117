package dev.otlprelay.sample;

import static dev.otlprelay.sample.xrayrules.Traces.attr;
import static dev.otlprelay.sample.xrayrules.Traces.trace;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MatchValuesTest {

    private static MatchValues values(TraceView t) {
        return MatchValues.of(t, Set.of());
    }

    @Test
    void oldAndNewHttpConventionsGiveTheSameValues() {
        MatchValues old = values(trace().service("backend-flask")
                .root("http.method", "GET").root("http.target", "/api/activities/home?x=1")
                .root("http.host", "backend:4567").build());
        MatchValues current = values(trace().service("backend-flask")
                .root("http.request.method", "GET").root("url.path", "/api/activities/home")
                .root("server.address", "backend").build());
        assertThat(old).isEqualTo(current);
        assertThat(current.httpMethod()).isEqualTo("GET");
        assertThat(current.urlPath()).isEqualTo("/api/activities/home");
        assertThat(current.host()).isEqualTo("backend");
        assertThat(current.serviceName()).isEqualTo("backend-flask");
    }

    @Test
    void otherMethodMeansTheOriginalOrNothing() {
        assertThat(values(trace().root("http.request.method", "_OTHER")
                .root("http.request.method_original", "PURGE").build()).httpMethod()).isEqualTo("PURGE");
        assertThat(values(trace().root("http.request.method", "_OTHER").build()).httpMethod()).isNull();
    }

    @Test
    void pathAndHostFallBackToTheFullUrl() {
        MatchValues v = values(trace().root("url.full", "https://user@api.example.com:8443/v1/items?q=2#top").build());
        assertThat(v.urlPath()).isEqualTo("/v1/items");
        assertThat(v.host()).isEqualTo("api.example.com");
        assertThat(values(trace().root("http.url", "http://example.com").build()).urlPath()).isEqualTo("/");
        assertThat(values(trace().root("http.url", "not a url").build()).urlPath()).isNull();
    }

    @Test
    void hostComesFromNetHostNameInTheOldestConventionAndLosesItsPort() {
        assertThat(values(trace().root("net.host.name", "backend").build()).host()).isEqualTo("backend");
        assertThat(values(trace().root("http.host", "[::1]:4567").build()).host()).isEqualTo("::1");
        assertThat(values(trace().root("server.address", "::1").build()).host()).isEqualTo("::1");
    }

    @Test
    void cloudPlatformBecomesTheXrayServiceType() {
        assertThat(values(trace().resource("cloud.platform", "aws_ecs").build()).serviceType())
                .isEqualTo("AWS::ECS::Container");
        assertThat(values(trace().resource("cloud.platform", "aws_ec2").build()).serviceType())
                .isEqualTo("AWS::EC2::Instance");
        assertThat(values(trace().resource("cloud.platform", "aws_eks").build()).serviceType())
                .isEqualTo("AWS::EKS::Container");
        assertThat(values(trace().resource("cloud.platform", "aws_elastic_beanstalk").build()).serviceType())
                .isEqualTo("AWS::ElasticBeanstalk::Environment");
        assertThat(values(trace().resource("cloud.platform", "aws_lambda").build()).serviceType())
                .isEqualTo("AWS::Lambda::Function");
        assertThat(values(trace().resource("cloud.platform", "gcp_compute_engine").build()).serviceType()).isNull();
    }

    @Test
    void resourceArnPrefersTheContainerThenTaskThenResourceId() {
        assertThat(values(trace().resource("cloud.resource_id", "arn:lambda")
                .resource("aws.ecs.task.arn", "arn:task").resource("aws.ecs.container.arn", "arn:container").build())
                .resourceArn()).isEqualTo("arn:container");
        assertThat(values(trace().resource("cloud.resource_id", "arn:lambda")
                .resource("aws.ecs.task.arn", "arn:task").build()).resourceArn()).isEqualTo("arn:task");
        assertThat(values(trace().root("cloud.resource_id", "arn:span").build()).resourceArn()).isEqualTo("arn:span");
        assertThat(values(trace().resource("faas.id", "arn:faas").build()).resourceArn()).isEqualTo("arn:faas");
    }

    @Test
    void withoutARootTheFirstSpanIsRead() {
        MatchValues v = values(trace().service("backend-flask").withoutRoot()
                .child(Duration.ZERO, Duration.ofMillis(1), attr("http.request.method", "POST"),
                        attr("url.path", "/api/x"))
                .build());
        assertThat(v.httpMethod()).isEqualTo("POST");
        assertThat(v.urlPath()).isEqualTo("/api/x");
    }

    @Test
    void askedAttributesComeFromTheRootThenTheResourceInStringForm() {
        MatchValues v = MatchValues.of(trace().resource("tenant", "from-resource").resource("region", "eu")
                .root("tenant", "from-span").root("http.response.status_code", 200).root("ignored", "x").build(),
                Set.of("tenant", "region", "http.response.status_code", "absent"));
        assertThat(v.attributes()).isEqualTo(Map.of("tenant", "from-span", "region", "eu",
                "http.response.status_code", "200"));
        assertThat(v.attribute("absent")).isNull();
    }
}
