package dev.otlprelay.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class HostPortTest {

    @Test
    void parsesHostAndPort() {
        assertThat(HostPort.parse("0.0.0.0:4318")).isEqualTo(new HostPort("0.0.0.0", 4318));
        assertThat(HostPort.parse("localhost:8888")).isEqualTo(new HostPort("localhost", 8888));
    }

    @Test
    void parsesBracketedIpv6AndPrintsItBackInBrackets() {
        HostPort hp = HostPort.parse("[::1]:4317");
        assertThat(hp.host()).isEqualTo("::1");
        assertThat(hp.port()).isEqualTo(4317);
        assertThat(hp).hasToString("[::1]:4317");
    }

    @Test
    void emptyHostMeansAllInterfaces() {
        assertThat(HostPort.parse(":4318")).isEqualTo(new HostPort("0.0.0.0", 4318));
        assertThat(HostPort.parse(":4318")).hasToString("0.0.0.0:4318");
    }

    @Test
    void acceptsPortZeroAndPort65535() {
        assertThat(HostPort.parse("127.0.0.1:0").port()).isZero();
        assertThat(HostPort.parse("127.0.0.1:65535").port()).isEqualTo(65535);
    }

    @Test
    void refusesPortOutOfRangeSayingSo() {
        assertThatThrownBy(() -> HostPort.parse("0.0.0.0:99999"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("port 99999 is out of range 0-65535");
        assertThatThrownBy(() -> new HostPort("h", 70000))
                .hasMessage("port 70000 is out of range 0-65535");
    }

    @Test
    void refusesMissingColon() {
        assertThatThrownBy(() -> HostPort.parse("localhost4318")).hasMessage("missing ':' between host and port");
    }

    @Test
    void refusesMissingOrNonNumericPort() {
        assertThatThrownBy(() -> HostPort.parse("localhost:")).hasMessage("missing port after ':'");
        assertThatThrownBy(() -> HostPort.parse("localhost:http")).hasMessage("port \"http\" is not a number");
        assertThatThrownBy(() -> HostPort.parse("localhost:-1")).hasMessage("port \"-1\" is not a number");
    }

    @Test
    void refusesUnbracketedIpv6() {
        assertThatThrownBy(() -> HostPort.parse("::1:4317"))
                .hasMessage("an IPv6 address must be in brackets, e.g. [::1]:4317");
    }

    @Test
    void refusesBrokenBrackets() {
        assertThatThrownBy(() -> HostPort.parse("[::1:4317")).hasMessage("missing ']' after the IPv6 address");
        assertThatThrownBy(() -> HostPort.parse("[::1]4317")).hasMessage("missing ':port' after ']'");
        assertThatThrownBy(() -> HostPort.parse("[]:4317")).hasMessage("empty IPv6 address between '[' and ']'");
        assertThatThrownBy(() -> HostPort.parse("[localhost]:4317"))
                .hasMessage("only IPv6 addresses go in brackets, e.g. [::1]:4317");
    }

    @Test
    void refusesWhitespaceAndBadHostCharacters() {
        assertThatThrownBy(() -> HostPort.parse(" 0.0.0.0:4318"))
                .hasMessage("address contains whitespace or a control character");
        assertThatThrownBy(() -> HostPort.parse("host/x:4318"))
                .hasMessage("host \"host/x\" contains '/' (expected a hostname or an IPv4 address)")
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> HostPort.parse("http://host:4318"))
                .hasMessage("a URL is not an address; write host:port without a scheme");
        assertThatThrownBy(() -> HostPort.parse("")).hasMessage("address is empty");
    }
}
