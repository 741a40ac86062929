package org.wardstream.triage.fhir;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The base URL from the reverse proxy's X-Forwarded-Host/-Proto: taken when well formed, else the request's own. */
class ForwardedAddressTest {
    private static final String OWN = "http://127.0.0.1:8480/fhir";

    @Test
    void theProxysPublicAddressIsTaken() {
        assertThat(ForwardedAddress.base(OWN, "triage.example.nhs.uk", "https")).isEqualTo("https://triage.example.nhs.uk/fhir");
        assertThat(ForwardedAddress.base(OWN, "triage.example.nhs.uk:8443", "HTTPS")).isEqualTo("https://triage.example.nhs.uk:8443/fhir");
        assertThat(ForwardedAddress.base(OWN, "[2001:db8::1]:443", "https")).isEqualTo("https://[2001:db8::1]:443/fhir");
        // a chain of proxies: the first is the client's end
        assertThat(ForwardedAddress.base(OWN, "triage.example.nhs.uk, 10.0.0.2", "https, http")).isEqualTo("https://triage.example.nhs.uk/fhir");
        // no protocol given: the request's own
        assertThat(ForwardedAddress.base(OWN, "triage.example.nhs.uk", null)).isEqualTo("http://triage.example.nhs.uk/fhir");
    }

    @Test
    void withoutAWellFormedHostTheRequestsOwnAddressIsKept() {
        assertThat(ForwardedAddress.base(OWN, null, "https")).isEqualTo(OWN);
        assertThat(ForwardedAddress.base(OWN, "", "https")).isEqualTo(OWN);
        assertThat(ForwardedAddress.base(OWN, "evil.example/x?y=", "https")).isEqualTo(OWN);
        assertThat(ForwardedAddress.base(OWN, "user@evil.example", "https")).isEqualTo(OWN);
        assertThat(ForwardedAddress.base(OWN, "evil.example\r\nX: y", "https")).isEqualTo(OWN);
        // an unknown protocol is not taken (the request's own scheme)
        assertThat(ForwardedAddress.base(OWN, "triage.example.nhs.uk", "javascript")).isEqualTo("http://triage.example.nhs.uk/fhir");
    }
}
