package org.wardstream.detect;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/**
 * A buffer recorded while monitoring was paused (PAUSED: "temporarily not monitored, e.g. in hospital") and uploaded
 * after it resumed is not analysed: TRIAGE.md, "nothing is alerted while paused, ... nor a clinical alert (the watch
 * worn in hospital)". Probe 20a D3: the watch worn in hospital buffered AF from minute 60 to 100 and uploaded it at
 * home at minute 155; an AF alert opened with its start at minute 60, inside the pause. Readings recorded before the
 * pause, or after it ended, are analysed as before. Through the job's detection operators ({@link DetectionChain}).
 */
class BacklogOfAPauseTest {
    static final String P = "p020a02";
    static final long T0 = DischargeReenrolTest.T0;
    static final long MIN = 60_000L;
    @AutoClose
    final RrMinutes patient = new RrMinutes(P, T0, 21);
    final DetectionChain chain = patient.chain;

    void status(String status, long atMin) throws Exception {
        chain.enrol(P, status, T0 + atMin * MIN);
    }

    List<String> af() {
        return chain.alerts("atrial-fibrillation").stream().map(a -> a.kind + " "
                + (a.episodeStartMs - T0) / MIN + "min" + (a.reason == null ? "" : " (" + a.reason + ")")).toList();
    }

    /** Live to 30; paused 30-150; the buffer of minutes 30-154 (AF {@code afFrom}-{@code afTo}) uploaded at 155. */
    void pauseThenBuffer(long afFrom, long afTo) throws Exception {
        for (long m = 0; m < 30; m++) {
            patient.send(m, T0 + (m + 1) * MIN + 2000, false);
        }
        status("PAUSED", 30);
        status("ACTIVE", 150);
        for (long m = 30; m < 155; m++) {
            patient.send(m, T0 + 155 * MIN + (m - 30) * 2_000, m >= afFrom && m < afTo);
        }
        for (long m = 155; m < 200; m++) {
            patient.send(m, T0 + (m + 1) * MIN + 2000, m >= afFrom && m < afTo);
        }
        chain.watermark(T0 + 400 * MIN);
    }

    @Test
    void afRecordedWhilePausedButUploadedAfterMonitoringResumedIsNotAlerted() throws Exception {
        pauseThenBuffer(60, 100);
        assertThat(af()).as("AF recorded in hospital while monitoring was paused (minutes 60-100)").isEmpty();
        assertThat(chain.detectorDeadLetters()).isEmpty();
    }

    @Test
    void afGoingOnAfterMonitoringResumedIsAlertedFromThen() throws Exception {
        pauseThenBuffer(60, 190); // AF in hospital, still going on at home
        assertThat(af()).as("one AF alert, its episode starting after the pause ended (minute 150)")
                .filteredOn(a -> a.startsWith("OPENED")).singleElement().asString()
                .matches("OPENED 15[0-9]min.*");
    }

    @Test
    void afInABufferRecordedBeforeThePauseIsStillAnalysed() throws Exception {
        // monitored at home 0-30, buffering from minute 10 with AF 15-28; paused 30-40 (a short admission); the buffer
        // of minutes 10-29 uploaded at minute 45, after monitoring resumed: recorded while monitored, so alerted
        for (long m = 0; m < 10; m++) {
            patient.send(m, T0 + (m + 1) * MIN + 2000, false);
        }
        status("PAUSED", 30);
        status("ACTIVE", 40);
        for (long m = 10; m < 30; m++) {
            patient.send(m, T0 + 45 * MIN + (m - 10) * 2_000, m >= 15 && m < 28);
        }
        chain.watermark(T0 + 200 * MIN);
        assertThat(af()).anyMatch(a -> a.startsWith("OPENED 1"));
    }
}
