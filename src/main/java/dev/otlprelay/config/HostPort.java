package dev.otlprelay.config;

import java.util.Objects;

/**
 * A listen address. {@code host} is kept without brackets (an IPv6 literal is {@code ::1}, not
 * {@code [::1]}); port 0 asks the OS for an ephemeral port (used by tests).
 */
public record HostPort(String host, int port) {

    /** Host used when an address is written as {@code :port}. */
    public static final String ANY_HOST = "0.0.0.0";

    public HostPort {
        Objects.requireNonNull(host, "host");
        if (host.isEmpty()) {
            throw new IllegalArgumentException("host is empty");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " is out of range 0-65535");
        }
    }

    /**
     * Parses {@code host:port}, {@code [ipv6]:port} or {@code :port} (host {@value #ANY_HOST}).
     *
     * @throws IllegalArgumentException with the precise reason when the text is not such an address
     */
    public static HostPort parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("address is missing");
        }
        if (text.isEmpty()) {
            throw new IllegalArgumentException("address is empty");
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isWhitespace(c) || Character.isISOControl(c)) {
                throw new IllegalArgumentException("address contains whitespace or a control character");
            }
        }
        if (text.contains("://")) {
            throw new IllegalArgumentException("a URL is not an address; write host:port without a scheme");
        }
        String host;
        String portText;
        if (text.charAt(0) == '[') {
            int close = text.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException("missing ']' after the IPv6 address");
            }
            host = text.substring(1, close);
            if (host.isEmpty()) {
                throw new IllegalArgumentException("empty IPv6 address between '[' and ']'");
            }
            if (host.indexOf(':') < 0) {
                throw new IllegalArgumentException("only IPv6 addresses go in brackets, e.g. [::1]:4317");
            }
            checkIpv6(host);
            String rest = text.substring(close + 1);
            if (!rest.startsWith(":")) {
                throw new IllegalArgumentException("missing ':port' after ']'");
            }
            portText = rest.substring(1);
        } else {
            int colon = text.lastIndexOf(':');
            if (colon < 0) {
                throw new IllegalArgumentException("missing ':' between host and port");
            }
            host = text.substring(0, colon);
            if (host.indexOf(':') >= 0) {
                throw new IllegalArgumentException("an IPv6 address must be in brackets, e.g. [::1]:4317");
            }
            if (host.isEmpty()) {
                host = ANY_HOST;
            } else {
                checkHostname(host);
            }
            portText = text.substring(colon + 1);
        }
        return new HostPort(host, parsePort(portText));
    }

    private static int parsePort(String portText) {
        if (portText.isEmpty()) {
            throw new IllegalArgumentException("missing port after ':'");
        }
        for (int i = 0; i < portText.length(); i++) {
            char c = portText.charAt(i);
            if (c < '0' || c > '9') {
                throw new IllegalArgumentException("port \"" + portText + "\" is not a number");
            }
        }
        if (portText.length() > 5 || Integer.parseInt(portText) > 65535) {
            throw new IllegalArgumentException("port " + portText + " is out of range 0-65535");
        }
        return Integer.parseInt(portText);
    }

    private static void checkHostname(String host) {
        for (int i = 0; i < host.length(); i++) {
            char c = host.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '.' || c == '-' || c == '_';
            if (!ok) {
                throw new IllegalArgumentException("host \"" + host + "\" contains '" + c
                        + "' (expected a hostname or an IPv4 address)");
            }
        }
    }

    private static void checkIpv6(String host) {
        int zone = host.indexOf('%');
        String address = zone < 0 ? host : host.substring(0, zone);
        for (int i = 0; i < address.length(); i++) {
            char c = address.charAt(i);
            boolean ok = Character.digit(c, 16) >= 0 || c == ':' || c == '.';
            if (!ok) {
                throw new IllegalArgumentException("\"" + host + "\" is not an IPv6 address");
            }
        }
        if (zone >= 0) {
            String zoneId = host.substring(zone + 1);
            if (zoneId.isEmpty()) {
                throw new IllegalArgumentException("empty IPv6 zone after '%'");
            }
            checkHostname(zoneId);
        }
    }

    /** {@code host:port}, or {@code [host]:port} for IPv6. */
    @Override
    public String toString() {
        return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
    }
}
