package dev.otlprelay.export.xray;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class StackTracesTest {
    @Test
    void chainedPythonTracebackYieldsTheFramesOfTheLastException() {
        String text = """
                Traceback (most recent call last):
                  File "/app/a.py", line 1, in first
                ValueError: x

                During handling of the above exception, another exception occurred:

                Traceback (most recent call last):
                  File "/app/b.py", line 2, in outer
                  File "/app/c.py", line 3, in inner
                    boom()
                    ^^^^^^
                KeyError: 'y'
                """;
        StackTraces.Parsed parsed = StackTraces.parse(text);

        assertThat(parsed.frames()).containsExactly(new StackTraces.Frame("/app/c.py", 3, "inner"),
                new StackTraces.Frame("/app/b.py", 2, "outer"));
    }

    @Test
    void javaFramesDropModulePrefixesAndSkipSuppressedAndCommonFrames() {
        String text = "java.lang.RuntimeException: x\n"
                + "\tat app//com.x.A.run(A.java:10)\n"
                + "\tat com.x.B.call(Unknown Source)\n"
                + "\tSuppressed: java.lang.Exception: s\n"
                + "\t\tat com.x.C.close(C.java:3)\n"
                + "\t... 4 more\n";
        StackTraces.Parsed parsed = StackTraces.parse(text);

        assertThat(parsed.frames()).containsExactly(new StackTraces.Frame("A.java", 10, "com.x.A.run"),
                new StackTraces.Frame("Unknown Source", 0, "com.x.B.call"));
        assertThat(parsed.causes()).isEmpty();
    }

    @Test
    void otherFormatsAreNotParsed() {
        assertThat(StackTraces.parse("Error: bad\n    at f (/app/x.js:10:5)")).isNull();
        assertThat(StackTraces.parse("just a message")).isNull();
        assertThat(StackTraces.parse("")).isNull();
        assertThat(StackTraces.parse(null)).isNull();
    }
}
