package org.wardstream.simulator;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Map;
import java.util.SplittableRandom;

import org.wardstream.schema.Enrolment;
import org.wardstream.schema.EnrolmentStatus;
import org.wardstream.schema.PatientKey;
import org.wardstream.schema.Stratifiers;

/**
 * One synthetic patient: stratifiers (with an English remote-monitoring cohort mix), daily habits, physiology and
 * the propensities that decide which episodes are injected. Drawn from the patient's own random stream.
 */
final class SyntheticPatient {
    static final ZoneId ZONE = ZoneId.of("Europe/London");
    static final String IMD_EDITION = "IoD2019";

    // NHS Data Dictionary ETHNIC CATEGORY, weights roughly per England 2021 census plus not stated / not known.
    static final String[] ETHNIC_CODES = {"A", "B", "C", "D", "E", "F", "G", "H", "J", "K", "L", "M", "N", "P", "R",
            "S", "Z", "99"};
    static final double[] ETHNIC_WEIGHTS = {73, 1, 6, 0.8, 0.4, 0.9, 0.9, 3, 3, 1, 2, 1, 2.5, 0.5, 0.7, 1.5, 4, 3};
    static final String[] AGE_BANDS = {"18-44", "45-64", "65-74", "75-84", "85+"};
    static final double[] AGE_WEIGHTS = {6, 19, 27, 31, 17};
    static final String[] SEX_CODES = {"1", "2", "9", "X"};
    static final double[] SEX_WEIGHTS = {47.6, 51.6, 0.4, 0.4};
    static final String[] ICB_CODES = {"QWE", "QKK", "QMJ", "QRV", "QOP"};
    static final double[] ICB_WEIGHTS = {22, 21, 19, 20, 18};
    // Slightly more deprived than uniform, as remote-monitoring cohorts of older patients often are.
    static final double[] IMD_WEIGHTS = {1.1, 1.1, 1.05, 1.0, 1.0, 1.0, 1.0, 0.95, 0.9, 0.9};

    /** How the patient charges the device. */
    enum ChargeHabit { NIGHT, MORNING, EVENING, AFTERNOON }

    final int index;
    final String patientId;
    final String sourceId;
    final Integer imdDecile;
    final String ethnicCategory;
    final String sexCode;
    final String ageBand;
    final String icbCode;
    final LocalDate enrolledOn;
    final long dataStartMs;
    final long updatedAtMs;
    /** Origin of this patient's one-minute grid (dataStart + a per-patient phase below one minute). */
    final long gridOriginMs;

    // physiology
    final double restHr;
    final double sleepFactor;
    final double rsaAmp;
    final double respHz;
    final double lfAmp;
    final double ectopicPerHour;
    final double artefactRate;
    final double gapPerHour;
    final double activityFactor;
    final double hrActivityGain;

    // routine
    final int bedMinute;
    final int wakeMinute;
    final ChargeHabit chargeHabit;
    final double batteryStart;

    // propensities
    final boolean afProne;
    final boolean tachyProne;
    final boolean bradyProne;
    final boolean pauseProne;
    final boolean inactivityProne;
    final double offlineFactor;

    SyntheticPatient(SimulatorConfig config, int index) {
        SplittableRandom r = Seeds.rng(config.seed(), index, Seeds.POPULATION);
        this.index = index;
        this.patientId = patientId(index);
        this.sourceId = String.format("dev-%012x", r.nextLong() & 0xFFFF_FFFF_FFFFL);
        this.imdDecile = r.nextDouble() < 0.01 ? null : 1 + Seeds.weighted(r, IMD_WEIGHTS);
        this.ethnicCategory = ETHNIC_CODES[Seeds.weighted(r, ETHNIC_WEIGHTS)];
        int age = Seeds.weighted(r, AGE_WEIGHTS);
        this.ageBand = AGE_BANDS[age];
        this.sexCode = SEX_CODES[Seeds.weighted(r, SEX_WEIGHTS)];
        this.icbCode = ICB_CODES[Seeds.weighted(r, ICB_WEIGHTS)];

        LocalDate firstDay = LocalDate.ofInstant(config.start(), ZONE);
        long startMs = config.start().toEpochMilli();
        // own stream, so that the rest of the profile does not depend on the number of days
        SplittableRandom enrol = Seeds.rng(config.seed(), index, Seeds.ENROLMENT);
        boolean late = enrol.nextDouble() < 0.04 && config.days() >= 2;
        if (late) {
            LocalDate day = firstDay.plusDays(1 + enrol.nextInt(config.days() - 1));
            long fitted = day.atTime(9, 0).atZone(ZONE).toInstant().toEpochMilli() + enrol.nextLong(8 * 3_600_000L);
            this.enrolledOn = day;
            this.dataStartMs = fitted - fitted % 1000;
            this.updatedAtMs = dataStartMs - 60_000L * (5 + enrol.nextInt(40));
        } else {
            this.enrolledOn = firstDay;
            this.dataStartMs = startMs;
            this.updatedAtMs = startMs - 60_000L * (60 + enrol.nextInt(72 * 60));
        }
        this.gridOriginMs = dataStartMs + r.nextLong(60_000L);

        double[] activity = {1.35, 1.15, 1.0, 0.8, 0.6};
        double[] rsa = {0.055, 0.04, 0.03, 0.025, 0.02};
        this.activityFactor = activity[age] * Seeds.logNormal(r, 1, 0.2, 0.6, 1.6);
        this.restHr = Seeds.clamp(70 + 7 * r.nextGaussian(), 57, 86);
        this.sleepFactor = Seeds.uniform(r, 0.82, 0.92);
        this.rsaAmp = rsa[age] * Seeds.uniform(r, 0.7, 1.3);
        this.respHz = Seeds.uniform(r, 12, 18) / 60.0;
        this.lfAmp = Seeds.uniform(r, 0.005, 0.015);
        this.ectopicPerHour = Seeds.logNormal(r, 1.0, 1.3, 0.02, 40);
        this.artefactRate = Seeds.uniform(r, 0.002, 0.008);
        this.gapPerHour = Seeds.logNormal(r, 0.5, 0.8, 0.05, 4);
        this.hrActivityGain = Seeds.uniform(r, 30, 50);

        this.bedMinute = (int) Math.round(23 * 60 + 30 * r.nextGaussian());
        this.wakeMinute = (int) Math.round(7 * 60 + 30 * r.nextGaussian());
        ChargeHabit[] habits = ChargeHabit.values();
        this.chargeHabit = habits[Seeds.weighted(r, new double[] {30, 35, 25, 10})];
        this.batteryStart = Seeds.uniform(r, 55, 100);

        double[] af = {0.02, 0.06, 0.12, 0.15, 0.2};
        double[] inactivity = {0.04, 0.06, 0.08, 0.12, 0.2};
        this.afProne = r.nextDouble() < af[age];
        this.tachyProne = r.nextDouble() < 0.08;
        this.bradyProne = r.nextDouble() < 0.08;
        this.pauseProne = r.nextDouble() < (bradyProne ? 0.3 : 0.04);
        this.inactivityProne = r.nextDouble() < inactivity[age];
        // Digital exclusion: poor or shared connectivity is more common in deprived areas (heterogeneous by person).
        this.offlineFactor = Seeds.logNormal(r, 1, 0.5, 0.2, 4) / Math.exp(0.125);
    }

    static String patientId(int index) {
        return String.format("p%06d", index + 1);
    }

    /** IMD quintile 1 (most deprived) to 5, or 0 when the decile is not recorded. */
    int imdQuintile() {
        return imdDecile == null ? 0 : (imdDecile + 1) / 2;
    }

    PatientKey key(String programme) {
        return new PatientKey(programme, patientId);
    }

    Enrolment enrolment(String programme) {
        Stratifiers s = new Stratifiers(imdDecile, imdDecile == null ? null : IMD_EDITION, ethnicCategory, sexCode,
                ageBand, icbCode);
        return new Enrolment(patientId, programme, EnrolmentStatus.ACTIVE, enrolledOn, null, ZONE.getId(), s,
                Map.of(), null, Instant.ofEpochMilli(updatedAtMs)); // pacemaker: not recorded
    }
}
