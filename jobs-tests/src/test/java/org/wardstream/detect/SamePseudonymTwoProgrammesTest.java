package org.wardstream.detect;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.Test;
import org.wardstream.alerting.AlertMessage;
import org.wardstream.alerting.FhirAlerts;
import org.wardstream.contract.Topics;
import org.wardstream.episodes.EpisodeIds;
import org.wardstream.ingest.DeviceReading;
import org.wardstream.ingest.EnrolmentUpdate;
import org.wardstream.ingest.PatientProfile;
import org.wardstream.rules.EpisodeType;
import org.wardstream.rules.Rules;
import org.wardstream.signals.WearActivityTracker;

/**
 * A pseudonym is issued by a programme, so the same pseudonym in two programmes is two patients (PatientKeys; the job
 * keys all state by programme|pseudonym). Two such patients, "p000001" of cardiac-north and "p000001" of heart-failure,
 * both lie still wearing their watch from 06:00 (a long lie-in): each gets an inactivity alert whose episode starts at
 * exactly 08:00 local (the waking start). Through the job's own operators (one DetectionChain per patient key, as the
 * job's keyed state is) and its alert sink serializer, their alerts on the alerts topic must tell them apart: other
 * episode ids (so other Task, Observation, Provenance and Bundle ids) and each message names its programme (a
 * meta.tag), so the triage service files each under its own programme. The Kafka key stays the pseudonym (contract).
 * (Adversarial probe 16a, D6: the two records were byte-identical, the second stored as a replay of the first.)
 */
class SamePseudonymTwoProgrammesTest {
    static final String P = "p000001";
    static final long T0 = Instant.parse("2026-03-02T06:00:00Z").toEpochMilli(); // GMT: 06:00 local
    static final long MIN = 60_000L;

    static List<StreamedAlertChange> inactivityAlerts(String programme) throws Exception {
        try (DetectionChain chain = new DetectionChain(Rules.loadClasspath())) {
            PatientProfile profile = DetectionChain.profile("ACTIVE");
            profile.programme = programme;
            EnrolmentUpdate u = new EnrolmentUpdate(P, profile);
            u.programme = programme;
            chain.enrol(u);
            DeviceReading worn = reading(programme, DeviceReading.Kind.WEAR, T0);
            worn.onBody = true;
            worn.wearMethod = "OPTICAL";
            chain.send(worn);
            for (long t = T0; t < T0 + 6 * 60 * MIN; t += MIN) {
                DeviceReading a = reading(programme, DeviceReading.Kind.ACTIVITY, t);
                a.intervalSeconds = 60;
                a.steps = 0;
                a.timeReceived = t + MIN + 2_000;
                chain.send(a);
                chain.watermark(t);
            }
            return chain.alerts("inactivity");
        }
    }

    static DeviceReading reading(String programme, DeviceReading.Kind kind, long time) {
        DeviceReading r = DetectionTest.base(kind, time); // received 2 s after
        r.patientId = P;
        r.programme = programme;
        r.sourceId = "watch";
        return r;
    }

    @Test
    void twoPatientsWithOnePseudonymInTwoProgrammesGetAlertsThatCanBeToldApart() throws Exception {
        List<StreamedAlertChange> north = inactivityAlerts("cardiac-north");
        List<StreamedAlertChange> failure = inactivityAlerts("heart-failure");
        assertThat(north).extracting(a -> a.kind).contains("OPENED");
        assertThat(failure).extracting(a -> a.kind).contains("OPENED");
        StreamedAlertChange a = north.get(0), b = failure.get(0);
        assertThat(a.programme).isEqualTo("cardiac-north");
        assertThat(b.programme).isEqualTo("heart-failure");
        // the same episode: same pseudonym, type, detector and start (08:00 local)
        assertThat(a.episodeStartMs).isEqualTo(b.episodeStartMs).isEqualTo(Instant.parse("2026-03-02T08:00:00Z").toEpochMilli());
        // ... two patients: two episode ids, each the programme's
        assertThat(a.episodeId).isNotEqualTo(b.episodeId);
        assertThat(a.episodeId).isEqualTo(EpisodeIds.of("cardiac-north", P, EpisodeType.INACTIVITY,
                WearActivityTracker.DETECTOR_VERSION, a.episodeStartMs));
        assertThat(b.episodeId).isEqualTo(EpisodeIds.of("heart-failure", P, EpisodeType.INACTIVITY,
                WearActivityTracker.DETECTOR_VERSION, b.episodeStartMs));
        // every change of each episode has its episode's id
        assertThat(north).extracting(c -> c.episodeId).containsOnly(a.episodeId);
        assertThat(failure).extracting(c -> c.episodeId).containsOnly(b.episodeId);

        AlertBundleSerializer sink = new AlertBundleSerializer(Topics.ALERTS);
        ProducerRecord<byte[], byte[]> ra = sink.serialize(a, null, null);
        ProducerRecord<byte[], byte[]> rb = sink.serialize(b, null, null);
        // the Kafka key stays the pseudonym (the contract); the messages differ
        assertThat(new String(ra.key(), StandardCharsets.UTF_8)).isEqualTo(P);
        assertThat(new String(rb.key(), StandardCharsets.UTF_8)).isEqualTo(P);
        assertThat(ra.value()).isNotEqualTo(rb.value());
        AlertMessage ma = FhirAlerts.parse(new String(ra.value(), StandardCharsets.UTF_8));
        AlertMessage mb = FhirAlerts.parse(new String(rb.value(), StandardCharsets.UTF_8));
        assertThat(ma.patient()).isEqualTo(mb.patient()).isEqualTo(P);
        assertThat(ma.programme()).isEqualTo("cardiac-north");
        assertThat(mb.programme()).isEqualTo("heart-failure");
        assertThat(ma.bundleId()).isNotEqualTo(mb.bundleId());
        assertThat(ma.episodeId()).isEqualTo(a.episodeId);
        assertThat(mb.episodeId()).isEqualTo(b.episodeId);
        // each of the three resources names the programme
        Bundle bundle = FhirAlerts.fhirContext().newJsonParser().parseResource(Bundle.class,
                new String(ra.value(), StandardCharsets.UTF_8));
        assertThat(bundle.getEntry()).hasSize(3).allSatisfy(e -> assertThat(FhirAlerts.programmeOf((Resource) e.getResource()))
                .isEqualTo("cardiac-north"));
    }
}
