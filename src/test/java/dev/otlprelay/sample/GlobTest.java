package dev.otlprelay.sample;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class GlobTest {

    @Test
    void starMatchesAnyRunOfCharactersIncludingNone() {
        Glob g = Glob.compile("/api/*");
        assertThat(g.matches("/api/")).isTrue();
        assertThat(g.matches("/api/activities/home")).isTrue();
        assertThat(g.matches("/ap")).isFalse();
        assertThat(g.matches("/health")).isFalse();
    }

    @Test
    void questionMarkMatchesExactlyOneCharacter() {
        Glob g = Glob.compile("GE?");
        assertThat(g.matches("GET")).isTrue();
        assertThat(g.matches("GE")).isFalse();
        assertThat(g.matches("GETS")).isFalse();
    }

    @Test
    void matchingIsCaseInsensitive() {
        assertThat(Glob.compile("Backend-Flask").matches("backend-flask")).isTrue();
        assertThat(Glob.compile("get").matches("GET")).isTrue();
        assertThat(Glob.compile("/API/*").matches("/api/x")).isTrue();
    }

    @Test
    void matchingIsAnchoredAtBothEnds() {
        assertThat(Glob.compile("api").matches("/api/x")).isFalse();
        assertThat(Glob.compile("*api").matches("/api/x")).isFalse();
        assertThat(Glob.compile("*api*").matches("/api/x")).isTrue();
    }

    @Test
    void backtracksToTheLastStar() {
        Glob g = Glob.compile("a*b?c");
        assertThat(g.matches("aXbYbZc")).isTrue();
        assertThat(g.matches("abbc")).isTrue();
        assertThat(g.matches("abc")).isFalse();
        assertThat(Glob.compile("*.*.*").matches("a.b")).isFalse();
        assertThat(Glob.compile("**x").matches("yyx")).isTrue();
    }

    @Test
    void onlyAStarMatchesAMissingValue() {
        assertThat(Glob.compile("*").matches(null)).isTrue();
        assertThat(Glob.compile("**").matches(null)).isTrue();
        assertThat(Glob.compile("?*").matches(null)).isFalse();
        assertThat(Glob.compile("GET").matches(null)).isFalse();
        assertThat(Glob.compile("*").matches("")).isTrue();
    }

    @Test
    void regexCharactersAreLiterals() {
        assertThat(Glob.compile("/a.c").matches("/abc")).isFalse();
        assertThat(Glob.compile("/a.c").matches("/a.c")).isTrue();
        assertThat(Glob.compile("[x]+*").matches("[x]+y")).isTrue();
    }
}
