package dev.otlprelay.export.xray;

import static dev.otlprelay.export.xray.XraySpans.num;
import static dev.otlprelay.export.xray.XraySpans.str;
import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.proto.common.v1.KeyValue;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class AttributesTest {

    @Test
    void findsEveryKeyAndNothingElse() {
        Attributes a = Attributes.of(List.of(str("http.method", "GET"), num("http.status_code", 200),
                str("app.x", "")));

        assertThat(a.string("http.method")).isEqualTo("GET");
        assertThat(a.integer("http.status_code")).isEqualTo(200L);
        assertThat(a.has("app.x")).isTrue();
        assertThat(a.string("app.x")).isNull();
        assertThat(a.has("http.url")).isFalse();
        assertThat(a.get("http.url")).isNull();
        assertThat(a.hasDuplicateKeys()).isFalse();
    }

    @Test
    void theLastOfARepeatedKeyWinsAndTheRepeatIsReported() {
        Attributes a = Attributes.of(List.of(str("k", "first"), str("other", "o"), str("k", "last")));

        assertThat(a.string("k")).isEqualTo("last");
        assertThat(a.hasDuplicateKeys()).isTrue();
        assertThat(a.list()).hasSize(3);
    }

    @Test
    void keysThatShareAHashCodeAreKeptApart() {
        // "Aa" and "BB" have the same String hash code, and so have all their concatenations.
        assertThat("Aa".hashCode()).isEqualTo("BB".hashCode());
        Attributes a = Attributes.of(List.of(str("AaAa", "1"), str("AaBB", "2"), str("BBAa", "3"), str("BBBB", "4")));

        assertThat(a.string("AaAa")).isEqualTo("1");
        assertThat(a.string("AaBB")).isEqualTo("2");
        assertThat(a.string("BBAa")).isEqualTo("3");
        assertThat(a.string("BBBB")).isEqualTo("4");
        assertThat(a.has("BBBBAa")).isFalse();
        assertThat(a.hasDuplicateKeys()).isFalse();
    }

    @Test
    void longListsAreReadTheSameWay() {
        List<KeyValue> kvs = new ArrayList<>();
        for (int i = 0; i <= Attributes.MAX_INDEXED; i++) {
            kvs.add(num("app.n" + i, i));
        }
        Attributes unique = Attributes.of(kvs);
        kvs.add(num("app.n7", 70));
        Attributes repeated = Attributes.of(kvs);

        assertThat(unique.integer("app.n" + Attributes.MAX_INDEXED)).isEqualTo((long) Attributes.MAX_INDEXED);
        assertThat(unique.has("app.n-1")).isFalse();
        assertThat(unique.hasDuplicateKeys()).isFalse();
        assertThat(repeated.integer("app.n7")).isEqualTo(70L);
        assertThat(repeated.hasDuplicateKeys()).isTrue();
    }

    @Test
    void theFirstOfSeveralKeysWithAValueIsRead() {
        Attributes a = Attributes.of(List.of(str("http.method", "GET"), str("url.full", ""),
                num("http.status_code", 200), str("http.response.status_code", "not a number")));

        assertThat(a.string("http.request.method", "http.method")).isEqualTo("GET");
        assertThat(a.string("url.full", "http.url")).isNull();
        assertThat(a.string("url.full", "http.url", "http.method")).isEqualTo("GET");
        assertThat(a.string("a", "b", "c", "http.method")).isEqualTo("GET");
        assertThat(a.integer("http.response.status_code", "http.status_code")).isEqualTo(200L);
        assertThat(a.integer("a", "b", "http.status_code")).isEqualTo(200L);
    }

    @Test
    void anEmptyListHasNothing() {
        Attributes a = Attributes.of(List.of());

        assertThat(a.isEmpty()).isTrue();
        assertThat(a.get("k")).isNull();
        assertThat(a.hasDuplicateKeys()).isFalse();
    }
}
