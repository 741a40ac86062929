package org.wardstream.detect;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.wardstream.ingest.DeviceReading;
import org.wardstream.ingest.EnrolmentUpdate;
import org.wardstream.ingest.PatientProfile;
import org.wardstream.rules.Rules;

/**
 * A per-patient threshold the rules refuse (a misspelt parameter, a value outside its range) is reported: the clinical
 * lead who lowered this heart-failure patient's tachycardia threshold to 100/min relies on it, and the patient is
 * monitored on the default 120/min. Probe 20a D5: the job ignored it silently (no log line, no count) although
 * TRIAGE.md said "ignored and counted". Through the job's detection operators ({@link DetectionChain}), with the
 * job's log captured.
 */
class RefusedOverrideReportedTest {
    static final String P = "p020a04";
    static final long T0 = DischargeReenrolTest.T0;
    static final long MIN = 60_000L;
    final List<String> logged = new CopyOnWriteArrayList<>();
    AbstractAppender appender;
    LoggerContext logs;
    LoggerConfig wardstream;

    @BeforeEach
    void captureLog() {
        appender = new AbstractAppender("probe20a", null, null, true, Property.EMPTY_ARRAY) {
            @Override
            public void append(LogEvent event) {
                logged.add(event.getLevel() + " " + event.getMessage().getFormattedMessage());
            }
        };
        appender.start();
        logs = (LoggerContext) LogManager.getContext(false);
        wardstream = new LoggerConfig("org.wardstream", org.apache.logging.log4j.Level.INFO, true);
        wardstream.addAppender(appender, null, null);
        logs.getConfiguration().addLogger(wardstream.getName(), wardstream);
        logs.updateLoggers();
    }

    @AfterEach
    void releaseLog() {
        logs.getConfiguration().removeLogger(wardstream.getName());
        logs.updateLoggers();
        appender.stop();
    }

    List<String> tachycardiaAt110(Map<String, Double> overrides) throws Exception {
        try (DetectionChain chain = new DetectionChain(Rules.loadClasspath())) {
            PatientProfile profile = DetectionChain.profile("ACTIVE");
            profile.thresholdOverrides.putAll(overrides);
            chain.enrol(new EnrolmentUpdate(P, profile));
            DeviceReading worn = DischargeReenrolTest.base(DeviceReading.Kind.WEAR, T0);
            worn.patientId = P;
            worn.onBody = true;
            worn.wearMethod = "OPTICAL";
            chain.send(worn);
            for (long t = T0; t < T0 + 40 * MIN; t += 15_000) {
                if ((t - T0) % MIN == 0) {
                    DeviceReading a = DischargeReenrolTest.base(DeviceReading.Kind.ACTIVITY, t);
                    a.patientId = P;
                    a.intervalSeconds = 60;
                    a.steps = 0;
                    a.timeReceived = t + MIN + 1000;
                    chain.send(a);
                }
                DeviceReading hr = DischargeReenrolTest.base(DeviceReading.Kind.HEART_RATE, t);
                hr.patientId = P;
                hr.bpm = 110f;
                chain.send(hr);
                chain.watermark(t);
            }
            return chain.alerts("tachycardia").stream().map(a -> a.kind).toList();
        }
    }

    @Test
    void control_aValidOverrideOf100AlertsTachycardiaAt110() throws Exception {
        assertThat(tachycardiaAt110(Map.of("tachycardia.rateBpm", 100.0))).contains("OPENED");
    }

    @Test
    void aRefusedOverrideIsReportedSomewhereAnOperatorLooks() throws Exception {
        List<String> alerts = tachycardiaAt110(Map.of("tachycardia.rateBPM", 100.0)); // a typo in the parameter's name
        assertThat(alerts).as("monitored on the default 120/min: 110/min at rest for 40 min is not alerted").isEmpty();
        // the harness keys by pseudonym; the job's key is programme|pseudonym
        assertThat(logged).as("the job's log (INFO and above) while the patient's refused override was in use")
                .filteredOn(line -> line.contains("tachycardia.rateBPM")).singleElement().asString()
                .startsWith("WARN Threshold override refused for patient " + P + ": tachycardia.rateBPM: "
                        + "unknown parameter 'rateBPM' for tachycardia");
    }

    @Test
    void anOverrideOutsideItsRangeIsReportedWithoutTheEnrolmentsFreeText() throws Exception {
        tachycardiaAt110(Map.of("tachycardia.rateBpm", 9434765919.0, "Jane Doe 9434765919", 1.0));
        assertThat(logged).filteredOn(line -> line.contains("Threshold override refused")).hasSize(2)
                .anySatisfy(line -> assertThat(line).contains("tachycardia.rateBpm: must be between"))
                .noneMatch(line -> line.contains("9434765919") || line.contains("Jane"));
    }
}
