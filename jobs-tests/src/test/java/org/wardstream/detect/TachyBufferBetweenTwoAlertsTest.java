package org.wardstream.detect;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.wardstream.alerting.AlertLifecycleAudit;
import org.wardstream.detect.AlertLifecyclePropertyTest.Rhythm;
import org.wardstream.detect.AlertLifecyclePropertyTest.Scenario;
import org.wardstream.rules.Rules;

/**
 * {@link BradyBufferBetweenTwoAlertsTest} for a tachycardia (session 25): at rest in minutes 0-120, no live data in
 * minutes 21-60, the buffer uploaded at minute 145 (in order or newest first). Live, one alert closed when the data
 * stopped (its end minute 20.5) and a second opened when they resumed (minute 60.5; the gap is longer than the 30-min
 * cool-down) and closed at minute 120.5. The buffer's tachycardia (from minute 21) raised a third alert before; now
 * it is recorded on the second alert (record-only, final): the late data show the condition for 39 min before its start.
 */
class TachyBufferBetweenTwoAlertsTest {

    static void check(int upload) throws Exception {
        List<Rhythm> rhythm = new ArrayList<>();
        for (int m = 0; m < 170; m++) rhythm.add(m < 120 ? Rhythm.TACHY : Rhythm.SINUS);
        Scenario s = new Scenario(1, 170, rhythm, true,
                List.of(AlertLifecyclePropertyTest.gap(21, 60, upload, 0, null, 145)));
        var entries = AlertLifecyclePropertyTest.run(Rules.loadClasspath(), s);
        String all = AlertLifecyclePropertyTest.summary(entries);
        assertThat(AlertLifecycleAudit.checkEntries(entries)).as("the audit of the run: %s", all).isEmpty();
        BradyBufferBetweenTwoAlertsTest.recordedOnTheSecondAlert(entries, "tachycardia", "39 min", all);
    }

    @Test
    void theBufferUploadedInOrderRaisesNoThirdAlert() throws Exception {
        check(1);
    }

    @Test
    void theBufferUploadedNewestFirstRaisesNoThirdAlert() throws Exception {
        check(2);
    }
}
