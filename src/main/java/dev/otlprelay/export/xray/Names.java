package dev.otlprelay.export.xray;

/**
 * Segment names. X-Ray names are services, not operations: segments are named after {@code service.name},
 * subsegments for outgoing calls after what was called, other subsegments after the span.
 */
final class Names {
    /** X-Ray's limit on the {@code name} field, in characters. */
    static final int MAX_LENGTH = 200;
    private static final String SYMBOLS = "_.:/%&#=+\\-@";
    /** The ASCII characters X-Ray allows in a name: letters, digits and {@link #SYMBOLS} (not the space). */
    private static final boolean[] ALLOWED_ASCII = allowedAscii();

    private Names() {
    }

    /**
     * The remote side of a client or producer span, in order: {@code peer.service}; the AWS service of an AWS SDK
     * call; the database ({@code db@host}, X-Ray's convention); {@code rpc.service}; the HTTP host; else null.
     * AWS and database calls also carry {@code server.address}, so they are looked at before the HTTP host.
     */
    static String remote(Attributes a, boolean awsSdk) {
        String name = a.string("peer.service");
        if (name == null && awsSdk) {
            name = a.string("aws.service", "rpc.service");
        }
        if (name == null && (a.has("db.system") || a.has("db.system.name"))) {
            String db = a.string("db.namespace", "db.name");
            String host = a.string("server.address", "net.peer.name");
            name = db != null && host != null ? db + "@" + host : db;
        }
        if (name == null) {
            name = a.string("rpc.service");
        }
        if (name == null) {
            name = httpHost(a);
        }
        return name;
    }

    private static String httpHost(Attributes a) {
        String host = a.string("server.address", "net.peer.name");
        if (host == null) {
            host = stripPort(a.string("http.host"));
        }
        if (host == null) {
            host = hostOf(a.string("url.full", "http.url"));
        }
        return host;
    }

    /** The host of an absolute URL ({@code scheme://[user@]host[:port]/...}), or null. */
    static String hostOf(String url) {
        if (url == null) {
            return null;
        }
        int scheme = url.indexOf("://");
        if (scheme < 0) {
            return null;
        }
        int start = scheme + 3;
        int end = start;
        while (end < url.length() && "/?#".indexOf(url.charAt(end)) < 0) {
            end++;
        }
        String authority = url.substring(start, end);
        int at = authority.lastIndexOf('@');
        if (at >= 0) {
            authority = authority.substring(at + 1);
        }
        if (authority.startsWith("[")) {
            int close = authority.indexOf(']');
            return close > 1 ? authority.substring(1, close) : null;
        }
        String host = stripPort(authority);
        return host == null || host.isEmpty() ? null : host;
    }

    private static String stripPort(String hostPort) {
        if (hostPort == null) {
            return null;
        }
        int colon = hostPort.lastIndexOf(':');
        if (colon > 0 && hostPort.indexOf(':') == colon) {
            return hostPort.substring(0, colon);
        }
        return hostPort;
    }

    /**
     * X-Ray's name rules: Unicode letters, numbers, whitespace and {@code _ . : / % & # = + \ - @}, at most
     * {@value #MAX_LENGTH} characters. Other characters are removed, whitespace becomes a plain space; an empty
     * result becomes {@code fallback}.
     */
    static String sanitize(String raw, String fallback) {
        if (raw == null) {
            return fallback;
        }
        if (keptWhole(raw)) {
            String name = raw.strip();
            return name.isEmpty() ? fallback : name;
        }
        StringBuilder sb = null;
        int n = raw.length();
        for (int i = 0; i < n; ) {
            int cp = raw.codePointAt(i);
            int len = Character.charCount(cp);
            boolean plainSpace = cp == ' ';
            boolean keep = plainSpace || allowed(cp);
            if (sb == null && (!keep || i + len > MAX_LENGTH)) {
                sb = new StringBuilder(Math.min(n, MAX_LENGTH)).append(raw, 0, i);
            }
            if (sb != null) {
                if (sb.length() + len > MAX_LENGTH) {
                    break;
                }
                if (keep) {
                    sb.appendCodePoint(cp);
                } else if (Character.isWhitespace(cp)) {
                    sb.append(' ');
                }
            }
            i += len;
        }
        String name = (sb == null ? raw : sb.toString()).strip();
        return name.isEmpty() ? fallback : name;
    }

    /**
     * Whether {@code raw} is a name as it is, but for surrounding spaces: short enough, and only allowed ASCII and
     * plain spaces. Most names are; they skip the code point by code point copy.
     */
    private static boolean keptWhole(String raw) {
        if (raw.length() > MAX_LENGTH) {
            return false;
        }
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c >= 0x80 || (c != ' ' && !ALLOWED_ASCII[c])) {
                return false;
            }
        }
        return true;
    }

    private static boolean[] allowedAscii() {
        boolean[] allowed = new boolean[0x80];
        for (char c = 0; c < 0x80; c++) {
            allowed[c] = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || SYMBOLS.indexOf(c) >= 0;
        }
        return allowed;
    }

    private static boolean allowed(int cp) {
        if (cp < 0x80) {
            return ALLOWED_ASCII[cp];
        }
        if (Character.isLetter(cp)) {
            return true;
        }
        int type = Character.getType(cp);
        return type == Character.DECIMAL_DIGIT_NUMBER || type == Character.LETTER_NUMBER
                || type == Character.OTHER_NUMBER;
    }
}
