package org.wardstream.detect;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.wardstream.alerting.AlertLifecycleAudit;
import org.wardstream.alerting.AlertMessage;
import org.wardstream.detect.AlertLifecyclePropertyTest.Rhythm;
import org.wardstream.detect.AlertLifecyclePropertyTest.Scenario;
import org.wardstream.episodes.AlertChange;
import org.wardstream.rules.Rules;

/**
 * Scenario 22, V2 (seeds 4100197578244094827, 5454497534218190728, -1065459920346145077 of
 * {@link AlertLifecyclePropertyTest}): a strap and a watch send live data until minute 40, then nothing live; the
 * device is reported offline 2 h after its last data; its buffer of minutes 40-152 is uploaded at minute 164 (12 min
 * after the recording ended) and nothing comes after it. The device-offline alert closes "reconnected" at the upload's
 * arrival (minute 164). Before the fix the next device-offline alert started at the last uploaded reading's time
 * (minute 155, the watch's last activity interval's end): "no data since" a time the previous close had said the
 * device was still offline (two device-offline episodes overlapping by 9 min). Now the silence after an uploaded outage
 * counts from the reconnection the close reported: the next device-offline starts there, and is raised 2 h later.
 */
class OfflineAfterUploadedOutageTest {

    @Test
    void theNextOutageStartsNoEarlierThanTheReconnectionThatClosedTheLastOne() throws Exception {
        List<Rhythm> rhythm = new ArrayList<>();
        for (int m = 0; m < 152; m++) rhythm.add(Rhythm.SINUS);
        Scenario s = new Scenario(1, 152, rhythm, false,
                List.of(AlertLifecyclePropertyTest.gap(40, 152, 1, 11)));
        var entries = AlertLifecyclePropertyTest.run(Rules.loadClasspath(), s);
        String all = AlertLifecyclePropertyTest.summary(entries);
        assertThat(AlertLifecycleAudit.checkEntries(entries)).as("the audit of the run: %s", all).isEmpty();
        List<AlertMessage> offline = entries.stream().map(AlertLifecycleAudit.Entry::message)
                .filter(m -> m.episodeType().equals("device-offline")).toList();
        AlertMessage closed = offline.stream().filter(m -> m.kind() == AlertChange.Kind.CLOSED).findFirst().orElseThrow();
        Instant reconnected = Instant.ofEpochMilli(AlertLifecyclePropertyTest.minute(164));
        assertThat(closed.end()).as("the first outage closes at the upload's arrival: %s", all)
                .isBetween(reconnected, reconnected.plusSeconds(5));
        List<AlertMessage> later = offline.stream().filter(m -> !m.episodeId().equals(closed.episodeId())).toList();
        assertThat(later).as("a second outage after the upload: %s", all).isNotEmpty();
        for (AlertMessage m : later) {
            assertThat(m.start()).as("the next outage starts at or after the reconnection: %s", all)
                    .isAfterOrEqualTo(closed.end());
        }
    }
}
