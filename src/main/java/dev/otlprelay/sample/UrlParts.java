package dev.otlprelay.sample;

/** The host and path of an absolute URL, without a URL parser: spans carry what they carry, often not valid URIs. */
final class UrlParts {
    private UrlParts() {
    }

    /** The path of {@code scheme://authority/path?query#fragment}, "/" when it has none; null when not absolute. */
    static String path(String url) {
        int authority = authorityStart(url);
        if (authority < 0) {
            return null;
        }
        int start = authorityEnd(url, authority);
        if (start == url.length() || url.charAt(start) != '/') {
            return "/";
        }
        int end = start;
        while (end < url.length() && url.charAt(end) != '?' && url.charAt(end) != '#') {
            end++;
        }
        return url.substring(start, end);
    }

    /** The host of an absolute URL, user info removed, port kept; null when not absolute. */
    static String host(String url) {
        int start = authorityStart(url);
        if (start < 0) {
            return null;
        }
        int end = authorityEnd(url, start);
        String authority = url.substring(start, end);
        int at = authority.lastIndexOf('@');
        authority = at >= 0 ? authority.substring(at + 1) : authority;
        return authority.isEmpty() ? null : authority;
    }

    /** {@code host:8080} → {@code host}; {@code [::1]:8080} and {@code [::1]} → {@code ::1}; a bare IPv6 address as is. */
    static String stripPort(String host) {
        if (host.startsWith("[")) {
            int close = host.indexOf(']');
            return close > 0 ? host.substring(1, close) : host;
        }
        int colon = host.indexOf(':');
        if (colon >= 0 && colon == host.lastIndexOf(':')) {
            return host.substring(0, colon);
        }
        return host;
    }

    private static int authorityStart(String url) {
        if (url == null) {
            return -1;
        }
        int scheme = url.indexOf("://");
        return scheme > 0 ? scheme + 3 : -1;
    }

    private static int authorityEnd(String url, int start) {
        int end = start;
        while (end < url.length() && "/?#".indexOf(url.charAt(end)) < 0) {
            end++;
        }
        return end;
    }
}
