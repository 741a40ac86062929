package org.wardstream.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.wardstream.contract.EnrolmentValidator;
import org.wardstream.contract.Rejection;

/**
 * Adversarial probe 21b, D2: an enrolment whose "time zone" is a fixed UTC offset. The contract (Enrolment.avsc:
 * "IANA time zone of the patient's home, e.g. Europe/London; decides local day and waking hours") and the validator's
 * own message ("timeZone is not an IANA time zone") promise a region's zone, whose clock changes are known. The
 * validator checks only that {@link java.time.ZoneId#of} parses it, and that accepts "+01:00", "UTC+01:00",
 * "GMT+1" and "Z": an enrolment service that writes the offset it sees (in summer, +01:00 for a UK patient) gives the
 * patient waking hours and local days that never change with the clocks: all winter, 08:00-22:00 in "+01:00" is
 * 07:00-21:00 in the UK (bradycardia "while awake" and inactivity counted from 07:00 for a sleeping patient), and
 * every equity patient-day is an hour off its local day.
 *
 * <p>What should happen: a time zone that is not an IANA zone id is refused as invalid-field, as "Mars/Olympus" is.
 * Control: IANA ids (Europe/London, America/New_York, and the IANA's own fixed zones UTC and Etc/GMT-1) are accepted.
 */
class Probe21bFixedOffsetZoneTest {
    final EnrolmentValidator v = new EnrolmentValidator();

    byte[] with(String zone) {
        return EnrolmentValidatorTest.value(EnrolmentValidatorTest.valid().setTimeZone(zone).build());
    }

    @Test
    void aFixedOffsetIsNotAPatientsTimeZone() {
        for (String zone : List.of("+01:00", "UTC+01:00", "GMT+1", "Z", "-05:00")) {
            Rejection e = catchThrowableOfType(Rejection.class, () -> v.read(EnrolmentValidatorTest.KEY, with(zone)));
            assertThat(e).as("enrolment with timeZone \"%s\"", zone).isNotNull();
            assertThat(e.reason().code()).isEqualTo("invalid-field");
            assertThat(e.getMessage()).isEqualTo("timeZone is not an IANA time zone");
        }
    }

    @Test
    void control_ianaZonesAreAccepted() throws Exception {
        for (String zone : List.of("Europe/London", "America/New_York", "UTC", "Etc/GMT-1")) {
            assertThat(v.read(EnrolmentValidatorTest.KEY, with(zone)).value().getTimeZone()).isEqualTo(zone);
        }
    }
}
