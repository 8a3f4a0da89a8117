package dev.otlprelay.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * docs/configuration.md is the key reference users read: its generated part is what {@link KeysReference} renders
 * from the key table, and the whole page names only the table's variables and keys. Run with
 * {@code -Dkeys.reference.write=true} to rewrite the generated part after changing the table.
 */
class KeysReferenceTest {
    private static final Path DOC = Path.of("docs/configuration.md");
    private static final String REGENERATE =
            "mvn -o -q test -Dtest=KeysReferenceTest -Dkeys.reference.write=true";
    /** A variable in backticks: upper case words joined by _. */
    private static final Pattern ENV = Pattern.compile("`([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)`");
    /** A dotted name in backticks; a key path when its first part is a section. */
    private static final Pattern DOTTED = Pattern.compile("`([a-z_]+(?:\\.[a-z_]+)+)`");

    @Test
    void theGeneratedReferenceIsWhatTheKeyTableRenders() throws Exception {
        String doc = Files.readString(DOC, StandardCharsets.UTF_8);
        String expected = KeysReference.into(doc);
        if (!doc.equals(expected) && Boolean.getBoolean("keys.reference.write")) {
            Files.writeString(DOC, expected, StandardCharsets.UTF_8);
            System.out.println("rewrote the key reference in " + DOC + " from the Keys table; review and commit it");
            doc = expected;
        }
        assertThat(doc).as("%s differs from the Keys table; regenerate it with: %s", DOC, REGENERATE)
                .isEqualTo(expected);
    }

    @Test
    void thePageNamesExactlyTheVariablesTheRelayReads() throws Exception {
        Set<String> named = new TreeSet<>();
        Matcher m = ENV.matcher(Files.readString(DOC, StandardCharsets.UTF_8));
        while (m.find()) {
            named.add(m.group(1));
        }
        assertThat(named).isEqualTo(new TreeSet<>(Schema.ENV_VARS));
    }

    @Test
    void everyKeyPathOnThePageIsOneOfTheTable() throws Exception {
        Set<String> paths = new TreeSet<>(Schema.SECTIONS.keySet());
        Keys.ALL.forEach(k -> paths.add(k.path()));
        Matcher m = DOTTED.matcher(Files.readString(DOC, StandardCharsets.UTF_8));
        while (m.find()) {
            String name = m.group(1);
            if (Schema.SECTIONS.containsKey(name.substring(0, name.indexOf('.')))) {
                assertThat(paths).as("a key path on %s", DOC).contains(name);
            }
        }
    }

    @Test
    void everyKeySaysWhatItMeansInOneLine() {
        for (Key<?> key : Keys.ALL) {
            assertThat(key.summary()).as(key.path()).isNotBlank().doesNotContain("\n");
        }
    }
}
