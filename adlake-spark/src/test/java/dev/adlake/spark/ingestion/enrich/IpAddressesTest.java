package dev.adlake.spark.ingestion.enrich;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.adlake.core.ErrorCategory;
import java.net.Inet4Address;
import java.net.Inet6Address;
import org.junit.jupiter.api.Test;

class IpAddressesTest {
  @Test
  void parsesIpv4AndIpv6Literals() {
    assertThat(IpAddresses.parse("ip", "81.2.69.142"))
        .isInstanceOf(Inet4Address.class)
        .extracting(address -> address.getHostAddress())
        .isEqualTo("81.2.69.142");
    assertThat(IpAddresses.parse("ip", " 2001:DB8::1 "))
        .isInstanceOf(Inet6Address.class)
        .extracting(address -> address.getHostAddress())
        .isEqualTo("2001:db8:0:0:0:0:0:1");
    assertThat(IpAddresses.parse("ip", "::ffff:192.0.2.7").getHostAddress()).isEqualTo("192.0.2.7");
  }

  @Test
  void rejectsHostNamesAndJunkNamingFieldAndValue() {
    assertThatThrownBy(() -> IpAddresses.parse("client_ip", "localhost"))
        .isInstanceOfSatisfying(
            EnrichmentException.class,
            e -> {
              assertThat(e.field()).isEqualTo("client_ip");
              assertThat(e.category()).isEqualTo(ErrorCategory.USER_ERROR);
            })
        .hasMessage("client_ip: 'localhost' is not an IPv4 or IPv6 address");
    assertThatThrownBy(() -> IpAddresses.parse("client_ip", "256.1.1.1"))
        .hasMessage("client_ip: '256.1.1.1' is not an IPv4 or IPv6 address");
    assertThatThrownBy(() -> IpAddresses.parse("client_ip", null))
        .hasMessage("client_ip: null is not an IPv4 or IPv6 address");
    assertThatThrownBy(() -> IpAddresses.parse("client_ip", "x".repeat(300)))
        .hasMessageContaining("...' (300 chars) is not an IPv4 or IPv6 address");
  }

  @Test
  void anonymizeZeroesTheLastIpv4OctetAndAllButTheFirst48Ipv6Bits() {
    assertThat(IpAddresses.anonymize(IpAddresses.parse("ip", "81.2.69.142")))
        .isEqualTo("81.2.69.0");
    assertThat(IpAddresses.anonymize(IpAddresses.parse("ip", "0.0.0.255"))).isEqualTo("0.0.0.0");
    assertThat(IpAddresses.anonymize(IpAddresses.parse("ip", "2001:db8:1234:5678:9abc:def0:1:2")))
        .isEqualTo("2001:db8:1234::");
    assertThat(IpAddresses.anonymize(IpAddresses.parse("ip", "::1"))).isEqualTo("::");
  }
}
