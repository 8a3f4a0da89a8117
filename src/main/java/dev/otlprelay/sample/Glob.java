package dev.otlprelay.sample;

/**
 * An X-Ray sampling-rule pattern: {@code *} matches any run of characters (also none), {@code ?} exactly one, every
 * other character itself, case-insensitively, against the whole value. Compiled once when the rules load; matching
 * allocates nothing. A missing value (null) is matched only by a pattern of stars, which means "any".
 */
public final class Glob {
    public static final Glob ANY = new Glob("*");

    private final String pattern;
    private final char[] lower;
    private final boolean any;
    private final boolean literal;

    private Glob(String pattern) {
        this.pattern = pattern;
        this.lower = new char[pattern.length()];
        for (int i = 0; i < lower.length; i++) {
            lower[i] = lowerCase(pattern.charAt(i));
        }
        this.any = !pattern.isEmpty() && pattern.chars().allMatch(c -> c == '*');
        this.literal = pattern.indexOf('*') < 0 && pattern.indexOf('?') < 0;
    }

    public static Glob compile(String pattern) {
        if (pattern == null) {
            throw new IllegalArgumentException("pattern: null (expected: a glob)");
        }
        return pattern.equals("*") ? ANY : new Glob(pattern);
    }

    /** The pattern as written. */
    public String pattern() {
        return pattern;
    }

    /** Whether the pattern matches every value, missing ones too. */
    public boolean matchesAnything() {
        return any;
    }

    public boolean matches(String value) {
        if (any) {
            return true;
        }
        if (value == null) {
            return false;
        }
        return literal ? literalMatch(value) : wildcardMatch(value);
    }

    private boolean literalMatch(String value) {
        if (value.length() != lower.length) {
            return false;
        }
        for (int i = 0; i < lower.length; i++) {
            if (lower[i] != lowerCase(value.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /** Greedy match with backtracking to the last star: O(pattern · value) at worst, no recursion. */
    private boolean wildcardMatch(String value) {
        int p = 0;
        int v = 0;
        int star = -1;
        int resume = 0;
        while (v < value.length()) {
            if (p < lower.length && lower[p] == '*') {
                star = p++;
                resume = v;
            } else if (p < lower.length && (lower[p] == '?' || lower[p] == lowerCase(value.charAt(v)))) {
                p++;
                v++;
            } else if (star >= 0) {
                p = star + 1;
                v = ++resume;
            } else {
                return false;
            }
        }
        while (p < lower.length && lower[p] == '*') {
            p++;
        }
        return p == lower.length;
    }

    private static char lowerCase(char c) {
        return c < 128 ? (c >= 'A' && c <= 'Z' ? (char) (c + 32) : c) : Character.toLowerCase(c);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Glob g && g.pattern.equals(pattern);
    }

    @Override
    public int hashCode() {
        return pattern.hashCode();
    }

    @Override
    public String toString() {
        return pattern;
    }
}
