package dev.otlprelay.export.xray;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class NamesTest {
    @Test
    void keepsLettersDigitsWhitespaceAndXraySymbols() {
        String allowed = "Grüße 東京 ٣ _.:/%&#=+\\-@";
        assertThat(Names.sanitize(allowed, "x")).isEqualTo(allowed);
    }

    @Test
    void removesOtherCharactersAndTurnsWhitespaceIntoSpaces() {
        assertThat(Names.sanitize("GET /api/{id}?x=1!", "x")).isEqualTo("GET /api/idx=1");
        assertThat(Names.sanitize("a\tb\nc", "x")).isEqualTo("a b c");
        assertThat(Names.sanitize("\uD83D\uDE80 rocket", "x")).isEqualTo("rocket");
    }

    @Test
    void capsLengthAtTwoHundredWithoutSplittingASurrogatePair() {
        assertThat(Names.sanitize("a".repeat(500), "x")).hasSize(200);
        String supplementaryLetters = "a" + "\uD840\uDC00".repeat(150); // U+20000, a CJK letter outside the BMP
        String name = Names.sanitize(supplementaryLetters, "x");
        assertThat(name.length()).isLessThanOrEqualTo(200);
        assertThat(Character.isHighSurrogate(name.charAt(name.length() - 1))).isFalse();
    }

    @Test
    void plainAsciiNamesAreKeptWithoutSurroundingSpaces() {
        String name = "GET /api/activities/@handle";
        assertThat(Names.sanitize(name, "x")).isSameAs(name);
        assertThat(Names.sanitize("  cruddur@db ", "x")).isEqualTo("cruddur@db");
        assertThat(Names.sanitize("a".repeat(Names.MAX_LENGTH), "x")).hasSize(Names.MAX_LENGTH);
    }

    @Test
    void fallsBackWhenNothingIsLeft() {
        assertThat(Names.sanitize("{}()", "span")).isEqualTo("span");
        assertThat(Names.sanitize(null, "unknown_service")).isEqualTo("unknown_service");
        assertThat(Names.sanitize("   ", "span")).isEqualTo("span");
    }

    @Test
    void findsTheHostOfAUrl() {
        assertThat(Names.hostOf("https://user:pw@api.example.com:8443/v1?x#y")).isEqualTo("api.example.com");
        assertThat(Names.hostOf("http://[::1]:8080/")).isEqualTo("::1");
        assertThat(Names.hostOf("http://example.com")).isEqualTo("example.com");
        assertThat(Names.hostOf("/relative/path")).isNull();
        assertThat(Names.hostOf(null)).isNull();
    }

    @Test
    void remoteNamePrefersPeerServiceThenAwsThenDatabaseThenRpcThenHost() {
        assertThat(Names.remote(attrs(XraySpans.str("peer.service", "billing"),
                XraySpans.str("server.address", "10.0.0.1")), false)).isEqualTo("billing");
        assertThat(Names.remote(attrs(XraySpans.str("rpc.service", "SQS"),
                XraySpans.str("server.address", "sqs.amazonaws.com")), true)).isEqualTo("SQS");
        assertThat(Names.remote(attrs(XraySpans.str("db.system", "mysql"), XraySpans.str("db.namespace", "shop"),
                XraySpans.str("server.address", "db")), false)).isEqualTo("shop@db");
        assertThat(Names.remote(attrs(XraySpans.str("rpc.service", "helloworld.Greeter"),
                XraySpans.str("server.address", "greeter")), false)).isEqualTo("helloworld.Greeter");
        assertThat(Names.remote(attrs(XraySpans.str("http.host", "example.com:8080")), false))
                .isEqualTo("example.com");
        assertThat(Names.remote(attrs(XraySpans.str("url.full", "https://example.org/x")), false))
                .isEqualTo("example.org");
        assertThat(Names.remote(Attributes.EMPTY, false)).isNull();
    }

    private static Attributes attrs(io.opentelemetry.proto.common.v1.KeyValue... kvs) {
        return Attributes.of(java.util.List.of(kvs));
    }
}
