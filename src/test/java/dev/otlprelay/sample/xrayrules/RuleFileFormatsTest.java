package dev.otlprelay.sample.xrayrules;

import static dev.otlprelay.sample.xrayrules.Traces.trace;
import static org.assertj.core.api.Assertions.assertThat;

import dev.otlprelay.sample.MatchValues;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RuleFileFormatsTest {

    private static final String CRUDDUR = """
            {
                "RuleName": "Cruddur",
                "ResourceARN": "*",
                "Priority": 9000,
                "FixedRate": 0.1,
                "ReservoirSize": 5,
                "ServiceName": "backend-flask",
                "ServiceType": "*",
                "Host": "*",
                "HTTPMethod": "*",
                "URLPath": "*",
                "Version": 1
            }""";

    private static String match(RuleSet rules, String service) {
        return rules.match(MatchValues.of(trace().service(service).build(), rules.attributeKeys()));
    }

    @Test
    void theSeedsXrayJsonLoadsAsIsAndAppliesToBackendFlask() throws Exception {
        Path seeds = Path.of("src/test/resources/sampling/xray.json");
        RuleSet rules = XrayRules.load(seeds);

        assertThat(rules.rules()).extracting(SamplingRule::name).containsExactly("Cruddur", "Default");
        SamplingRule cruddur = rules.rules().get(0);
        assertThat(cruddur.priority()).isEqualTo(9000);
        assertThat(cruddur.fixedRate()).isEqualTo(0.1);
        assertThat(cruddur.reservoirSize()).isEqualTo(5);
        assertThat(cruddur.serviceName()).isEqualTo("backend-flask");
        assertThat(rules.rules().get(1)).isEqualTo(SamplingRule.builtInDefault());

        assertThat(match(rules, "backend-flask")).isEqualTo("Cruddur");
        assertThat(match(rules, "frontend-react-js")).isEqualTo("Default");
        assertThat(rules.source()).isEqualTo(seeds.toString());
    }

    @Test
    void theUserFacingExampleIsTheSeedsFile() throws Exception {
        assertThat(Files.readString(Path.of("config/sampling/xray.json")))
                .isEqualTo(Files.readString(Path.of("src/test/resources/sampling/xray.json")));
        assertThat(XrayRules.load(Path.of("config/sampling/xray.json")).rules()).hasSize(2);
    }

    @Test
    void aListOfApiRulesLoads() throws Exception {
        RuleSet rules = XrayRules.parse("[{\"SamplingRule\": " + CRUDDUR + "}, {\"SamplingRule\": "
                + CRUDDUR.replace("Cruddur", "Health").replace("9000", "100").replace("\"URLPath\": \"*\"",
                "\"URLPath\": \"/health*\"") + "}]", "list.json");
        assertThat(rules.rules()).extracting(SamplingRule::name).containsExactly("Health", "Cruddur", "Default");
    }

    @Test
    void getSamplingRulesOutputLoadsWithItsDefaultRule() throws Exception {
        String json = """
                {
                    "SamplingRuleRecords": [
                        {
                            "SamplingRule": {
                                "RuleName": "Default",
                                "RuleARN": "arn:aws:xray:us-east-1:123456789012:sampling-rule/Default",
                                "ResourceARN": "*", "Priority": 10000, "FixedRate": 0.01, "ReservoirSize": 0,
                                "ServiceName": "*", "ServiceType": "*", "Host": "*", "HTTPMethod": "*",
                                "URLPath": "*", "Version": 1, "Attributes": {}
                            },
                            "CreatedAt": 0.0,
                            "ModifiedAt": 1530558121.0
                        },
                        {
                            "SamplingRule": {
                                "RuleName": "polling",
                                "RuleARN": "arn:aws:xray:us-east-1:123456789012:sampling-rule/polling",
                                "ResourceARN": "*", "Priority": 5000, "FixedRate": 0.003, "ReservoirSize": 0,
                                "ServiceName": "Scorekeep", "ServiceType": "*", "Host": "*", "HTTPMethod": "GET",
                                "URLPath": "/api/state/*", "Version": 1, "Attributes": {"tier": "free"}
                            },
                            "CreatedAt": 1530573954.0,
                            "ModifiedAt": 1530920505.0
                        }
                    ]
                }""";
        RuleSet rules = XrayRules.parse(json, "records.json");
        assertThat(rules.rules()).extracting(SamplingRule::name).containsExactly("polling", "Default");
        SamplingRule defaultRule = rules.rules().get(1);
        assertThat(defaultRule.fixedRate()).isEqualTo(0.01);
        assertThat(defaultRule.reservoirSize()).isZero();
        assertThat(rules.rules().get(0).attributes()).isEqualTo(Map.of("tier", "free"));
        assertThat(rules.attributeKeys()).isEqualTo(Set.of("tier"));
    }

    @Test
    void sdkVersion2LoadsInFileOrderWithItsDefault() throws Exception {
        String json = """
                {
                  "version": 2,
                  // comments are allowed, as the SDKs allow them
                  "rules": [
                    {"description": "Player moves.", "host": "*", "http_method": "*", "url_path": "/api/move/*",
                     "fixed_target": 0, "rate": 0.05},
                    {"description": "Everything else on the API", "host": "*", "http_method": "*",
                     "url_path": "/api/*", "fixed_target": 2, "rate": 0.5}
                  ],
                  "default": {"fixed_target": 1, "rate": 0.1}
                }""";
        RuleSet rules = XrayRules.parse(json, "sdk.json");
        assertThat(rules.rules()).extracting(SamplingRule::name).containsExactly("rules[0]", "rules[1]", "Default");
        assertThat(rules.rules().get(0).description()).isEqualTo("Player moves.");
        assertThat(rules.rules().get(0).urlPath()).isEqualTo("/api/move/*");
        assertThat(rules.rules().get(1).reservoirSize()).isEqualTo(2);
        assertThat(rules.rules().get(2).fixedRate()).isEqualTo(0.1);
        assertThat(rules.match(MatchValues.of(trace().root("url.path", "/api/move/up").build(), Set.of())))
                .isEqualTo("rules[0]");
        assertThat(rules.match(MatchValues.of(trace().root("url.path", "/api/other").build(), Set.of())))
                .isEqualTo("rules[1]");
    }

    @Test
    void sdkVersion1NamesTheHostServiceName() throws Exception {
        String json = """
                {
                  "version": 1,
                  "rules": [
                    {"description": "Orders", "service_name": "orders.example.com", "http_method": "POST",
                     "url_path": "/orders", "fixed_target": 3, "rate": 0.2}
                  ],
                  "default": {"fixed_target": 1, "rate": 0.05}
                }""";
        RuleSet rules = XrayRules.parse(json, "sdk1.json");
        assertThat(rules.rules().get(0).host()).isEqualTo("orders.example.com");
        assertThat(rules.match(MatchValues.of(trace().root("http.request.method", "POST").root("url.path", "/orders")
                .root("server.address", "orders.example.com").build(), Set.of()))).isEqualTo("rules[0]");
    }

    @Test
    void loadsFromAFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("rules.json");
        Files.writeString(file, "{\"SamplingRule\": " + CRUDDUR + "}");
        assertThat(XrayRules.load(file).rules()).hasSize(2);
    }

    @Test
    void anEmptyListLeavesXraysDefault() throws Exception {
        assertThat(XrayRules.parse("[]", "empty.json").rules()).containsExactly(SamplingRule.builtInDefault());
        assertThat(XrayRules.defaults().rules()).containsExactly(SamplingRule.builtInDefault());
    }
}
