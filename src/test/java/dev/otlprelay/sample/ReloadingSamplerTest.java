package dev.otlprelay.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReloadingSamplerTest {
    @TempDir
    Path dir;
    final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    /** A toy rules format: the file says keep or drop. */
    static ExplainingSampler compile(Path file) throws Exception {
        String word = Files.readString(file).strip();
        return switch (word) {
            case "keep" -> fixed(Decision.keep(1, "file", "keep_all"));
            case "drop" -> fixed(Decision.drop("file", "condition"));
            default -> throw new IllegalArgumentException(file + ": " + word + " (expected: keep or drop)");
        };
    }

    private static ExplainingSampler fixed(Decision d) {
        return new ExplainingSampler() {
            @Override
            public Decision decide(TraceView trace) {
                return d;
            }

            @Override
            public Explanation explain(TraceView trace) {
                return new Explanation("rule", d.rule(), null, d);
            }
        };
    }

    private double reloads(String result) {
        return registry.get("otlp.relay.sampler.rule.reloads").tag("result", result).counter().count();
    }

    @Test
    void aChangedFileTakesEffectWithoutRestart() throws Exception {
        Path f = Files.writeString(dir.resolve("rules"), "keep");
        ReloadingSampler s = new ReloadingSampler(f, ReloadingSamplerTest::compile, registry);
        assertThat(s.decide(null).keep()).isTrue();
        assertThat(s.check()).as("unchanged").isFalse();
        Files.writeString(f, "drop");
        assertThat(s.check()).isTrue();
        assertThat(s.decide(null).keep()).isFalse();
        assertThat(reloads("reloaded")).isEqualTo(1);
    }

    @Test
    void aBrokenFileIsRefusedCountedOnceAndTheLastGoodRulesStay() throws Exception {
        Path f = Files.writeString(dir.resolve("rules"), "drop");
        ReloadingSampler s = new ReloadingSampler(f, ReloadingSamplerTest::compile, registry);
        Files.writeString(f, "sometimes");
        assertThat(s.check()).isFalse();
        assertThat(s.check()).as("the same broken content is reported once").isFalse();
        assertThat(s.decide(null).keep()).isFalse();
        assertThat(reloads("refused")).isEqualTo(1);
        Files.writeString(f, "keep");
        assertThat(s.check()).isTrue();
        assertThat(s.decide(null).keep()).isTrue();
    }

    @Test
    void aBrokenFileAtStartIsRefused() throws Exception {
        Path f = Files.writeString(dir.resolve("rules"), "maybe");
        assertThatThrownBy(() -> new ReloadingSampler(f, ReloadingSamplerTest::compile, registry))
                .hasMessageContaining("maybe (expected: keep or drop)");
    }

    @Test
    void aFileDeletedAtRuntimeIsCountedOnceAndTheLastGoodRulesStay() throws Exception {
        Path f = Files.writeString(dir.resolve("rules"), "drop");
        ReloadingSampler s = new ReloadingSampler(f, ReloadingSamplerTest::compile, registry);
        Files.writeString(f, "sometimes"); // refused first: a deletion after it is still reported
        assertThat(s.check()).isFalse();
        Files.delete(f);
        assertThat(s.check()).isFalse();
        assertThat(s.check()).as("reported once while it stays missing").isFalse();
        assertThat(reloads("refused")).isEqualTo(2);
        assertThat(s.decide(null).keep()).isFalse();
        Files.writeString(f, "keep");
        assertThat(s.check()).isTrue();
        assertThat(s.decide(null).keep()).isTrue();
        Files.delete(f);
        assertThat(s.check()).isFalse();
        assertThat(reloads("refused")).as("deleted again: reported again").isEqualTo(3);
    }
}
