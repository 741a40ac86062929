package org.wardstream.detect;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.ZoneId;

import org.junit.jupiter.api.Test;
import org.wardstream.ingest.PatientProfile;
import org.wardstream.rules.Rules;

/** {@link ProfileRules#homeZoneOf}: the zone {@link ProfileRules#homeZone} parses, parsed once per zone string. */
class ProfileRulesTest {
    final ProfileRules<Object> rules = new ProfileRules<>(Rules.loadClasspath(), (eff, zone) -> zone);

    static PatientProfile in(String zone) {
        PatientProfile p = new PatientProfile();
        p.timeZone = zone;
        return p;
    }

    @Test
    void theHomeZoneIsTheEnrolmentsOrLondon() {
        assertThat(rules.homeZoneOf(in("America/New_York"))).isEqualTo(ZoneId.of("America/New_York"));
        assertThat(rules.homeZoneOf(in("Europe/London"))).isEqualTo(ZoneId.of("Europe/London"));
        assertThat(rules.homeZoneOf(in(null))).isEqualTo(ProfileRules.DEFAULT_ZONE);
        assertThat(rules.homeZoneOf(null)).isEqualTo(ProfileRules.DEFAULT_ZONE);
        assertThat(rules.homeZoneOf(in("Mars/Olympus_Mons"))).as("not a zone").isEqualTo(ProfileRules.DEFAULT_ZONE);
        assertThat(rules.homeZoneOf(in("Mars/Olympus_Mons"))).as("asked again").isEqualTo(ProfileRules.DEFAULT_ZONE);
        for (String zone : new String[] {"Asia/Kolkata", "Europe/London", null, "nonsense"}) {
            assertThat(rules.homeZoneOf(in(zone))).as(zone).isEqualTo(ProfileRules.homeZone(in(zone)));
        }
    }

    @Test
    void eachZoneIsParsedOnce() {
        ZoneId first = rules.homeZoneOf(in("America/New_York"));
        assertThat(rules.homeZoneOf(in(new String("America/New_York")))).as("the same parsed zone").isSameAs(first);
        assertThat(ProfileRules.homeZone(in("America/New_York"))).as("a parse: a new zone each time").isNotSameAs(first);
    }
}
