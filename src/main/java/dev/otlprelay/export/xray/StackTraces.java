package dev.otlprelay.export.xray;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads {@code exception.stacktrace} text into X-Ray stack frames, innermost frame first (the order of Java's
 * {@code getStackTrace()} and of the X-Ray SDKs). Knows Python tracebacks and Java stack traces; anything else is
 * left unparsed and kept as text by the caller.
 */
final class StackTraces {
    record Frame(String path, int line, String label) {
    }

    /** An exception named in a Java trace's {@code Caused by:} line, with its own frames. */
    record Cause(String type, String message, List<Frame> frames) {
    }

    /** Frames of the reported exception, and the chain of its causes (outermost first; Java only). */
    record Parsed(List<Frame> frames, List<Cause> causes) {
    }

    private static final String PY_HEADER = "Traceback (most recent call last):";
    private static final Pattern PY_FRAME = Pattern.compile("^\\s*File \"(.*)\", line (\\d+)(?:, in (.*))?$");
    private static final String JAVA_AT = "\tat ";
    private static final String CAUSED_BY = "Caused by: ";

    private StackTraces() {
    }

    /** The parsed trace, or null when it is in neither format. */
    static Parsed parse(String text) {
        if (text == null || text.isEmpty()) {
            return null;
        }
        String[] lines = text.split("\r?\n");
        if (text.contains(PY_HEADER) || text.contains("  File \"")) {
            Parsed p = python(lines);
            if (p != null) {
                return p;
            }
        }
        if (text.contains(JAVA_AT)) {
            return java(lines);
        }
        return null;
    }

    /**
     * Python prints the outermost call first and, for chained exceptions, the earlier exception's traceback
     * before the later one's: the frames of the reported exception are those of the last traceback.
     */
    private static Parsed python(String[] lines) {
        int start = 0;
        for (int i = lines.length - 1; i >= 0; i--) {
            if (lines[i].startsWith(PY_HEADER)) {
                start = i + 1;
                break;
            }
        }
        List<Frame> frames = new ArrayList<>();
        for (int i = start; i < lines.length; i++) {
            Matcher m = PY_FRAME.matcher(lines[i]);
            if (m.matches()) {
                frames.add(new Frame(m.group(1), parseLine(m.group(2)), m.group(3)));
            }
        }
        if (frames.isEmpty()) {
            return null;
        }
        Collections.reverse(frames);
        return new Parsed(frames, List.of());
    }

    /**
     * {@code \tat pkg.Class.method(File.java:42)}, optionally with a module or class-loader prefix
     * ({@code java.base/}); {@code Caused by:} starts the next exception of the chain; {@code ... n more} and
     * suppressed exceptions (indented twice) are skipped.
     */
    private static Parsed java(String[] lines) {
        List<Frame> top = new ArrayList<>();
        List<Cause> causes = new ArrayList<>();
        List<Frame> current = top;
        for (String line : lines) {
            if (line.startsWith(JAVA_AT)) {
                Frame f = javaFrame(line.substring(JAVA_AT.length()).strip());
                if (f != null) {
                    current.add(f);
                }
            } else if (line.startsWith(CAUSED_BY)) {
                String rest = line.substring(CAUSED_BY.length());
                int colon = rest.indexOf(": ");
                current = new ArrayList<>();
                causes.add(colon < 0 ? new Cause(rest.strip(), null, current)
                        : new Cause(rest.substring(0, colon), rest.substring(colon + 2), current));
            }
        }
        if (top.isEmpty() && causes.isEmpty()) {
            return null;
        }
        return new Parsed(top, causes);
    }

    private static Frame javaFrame(String body) {
        int open = body.lastIndexOf('(');
        if (open <= 0 || !body.endsWith(")")) {
            return null;
        }
        String label = body.substring(0, open);
        int slash = label.lastIndexOf('/');
        if (slash >= 0) {
            label = label.substring(slash + 1);
        }
        String location = body.substring(open + 1, body.length() - 1);
        int colon = location.lastIndexOf(':');
        if (colon > 0) {
            int line = parseLine(location.substring(colon + 1));
            if (line > 0) {
                return new Frame(location.substring(0, colon), line, label);
            }
        }
        return new Frame(location, 0, label);
    }

    private static int parseLine(String digits) {
        try {
            return Integer.parseInt(digits);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
