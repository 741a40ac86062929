package org.wardstream.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.wardstream.testkit.PipelineKit;
import org.wardstream.alerting.AlertMessage;
import org.wardstream.alerting.FhirAlerts;
import org.wardstream.contract.Topics;
import org.wardstream.embedded.CommittedTopicReader;
import org.wardstream.episodes.AlertChange;
import org.wardstream.ingest.IngestSettings;
import org.wardstream.ingest.TestEvents;
import org.wardstream.schema.ActivitySample;
import org.wardstream.schema.BeatQuality;
import org.wardstream.schema.Connectivity;
import org.wardstream.schema.DeviceEvent;
import org.wardstream.schema.DeviceStatus;
import org.wardstream.schema.EnrolmentStatus;
import org.wardstream.schema.RrIntervalBatch;
import org.wardstream.schema.WearDetection;
import org.wardstream.schema.WearState;
import org.wardstream.schema.wire.AvroCodec;

/**
 * The detection stage end to end on a real Kafka broker (in-process KRaft) and a Flink MiniCluster, read back
 * from the {@code alerts} topic with read_committed: the CEP patterns escalate AF with a fast ventricular rate
 * and a pause followed by stillness, and an AF episode inside a backlog uploaded three hours late, after the
 * patient was reported offline, still raises its alert, marked as delayed.
 */
class DetectionPipelineIT {
    static final int PARALLELISM = 2;
    static final long MIN = 60_000L;
    static final Instant T0 = Instant.parse("2026-03-02T09:00:00Z");

    @RegisterExtension
    static final PipelineKit KIT = PipelineKit.builder().parallelism(PARALLELISM).build();

    final Random random = new Random(5);

    /** One device event for a patient, received {@code receivedAt}. */
    record Sent(String patient, DeviceEvent event) {
    }

    static DeviceEvent event(String id, long time, long received, Object payload) {
        return DeviceEvent.newBuilder().setEventId(id).setTime(Instant.ofEpochMilli(time))
                .setTimeReceived(Instant.ofEpochMilli(received)).setUtcOffsetMinutes(0).setPayload(payload).build();
    }

    /** A minute of beats: sinus, AF at a fast ventricular rate (~120/min), or sinus with one clean 3.6 s pause. */
    DeviceEvent rrMinute(String patient, long start, long received, String rhythm) {
        return rrMinute(random, patient, start, received, rhythm);
    }

    static DeviceEvent rrMinute(Random random, String patient, long start, long received, String rhythm) {
        List<Integer> rr = new ArrayList<>();
        long t = 0;
        while (t < 60_000) {
            int v = rhythm.equals("af-fast") ? 330 + random.nextInt(340) : 820 + random.nextInt(40);
            rr.add(v);
            t += v;
        }
        if (rhythm.equals("pause")) {
            rr.set(rr.size() / 2, 3600);
        }
        List<BeatQuality> q = new ArrayList<>(TestEvents.clean(rr.size()));
        return event(patient + "-rr-" + start, start, received, new RrIntervalBatch(Instant.ofEpochMilli(start), rr, q));
    }

    @Test
    void compoundPatternsEscalateAndABacklogFromAnOfflineGapStillRaisesItsAlert() throws Exception {
        List<String> patients = List.of("af-fast", "syncope", "offline", "live", "clockback");
        for (String p : patients) {
            KIT.send(Topics.ENROLMENTS, AvroCodec.patientKeys().encode(TestEvents.patientKey(p)),
                    AvroCodec.enrolments().encode(TestEvents.enrolment(p, EnrolmentStatus.ACTIVE)), T0.toEpochMilli());
        }
        long t0 = T0.toEpochMilli();
        List<Sent> live = new ArrayList<>();
        for (String p : patients) {
            live.add(new Sent(p, event(p + "-wear", t0, t0 + 2000, new WearState(true, WearDetection.OPTICAL))));
        }
        long reconnect = t0 + 3 * 60 * MIN;
        for (long m = 0; m < 200; m++) {
            long t = t0 + m * MIN;
            long received = t + 2000;
            live.add(new Sent("live", rrMinute("live", t, received, "sinus")));
            if (m < 20) {
                live.add(new Sent("af-fast", rrMinute("af-fast", t, received, "af-fast")));
            }
            if (m < 40) {
                live.add(new Sent("syncope", rrMinute("syncope", t, received, m == 10 ? "pause" : "sinus")));
                if (m % 5 == 0) { // walking for 10 minutes, then lying still
                    live.add(new Sent("syncope", event("syncope-act-" + m, t, received,
                            new ActivitySample(300, m < 10 ? 500 : 0, null))));
                }
            }
            if (m < 5 || (t > reconnect && m < 195)) {
                live.add(new Sent("offline", rrMinute("offline", t, received, "sinus")));
            }
            if (m < 90) { // the device's clock goes back an hour at minute 20; AF from minute 30 to 60, received live
                long device = m < 20 ? t : t - 60 * MIN;
                DeviceEvent e = rrMinute("clockback", device, received + MIN, m >= 30 && m < 60 ? "af-fast" : "sinus");
                e.setEventId("clockback-rr-minute-" + m); // its own id: device times repeat after the step
                live.add(new Sent("clockback", e));
            }
        }
        live.sort(Comparator.comparing(s -> s.event().getTimeReceived()));
        // the offline patient's device reconnects and uploads 25 buffered minutes (AF from minute 10) in one burst
        List<Sent> backlog = new ArrayList<>();
        backlog.add(new Sent("offline", event("offline-reconnected", reconnect, reconnect + 500,
                new DeviceStatus(80, Connectivity.RECONNECTED, 25))));
        for (long m = 5; m < 30; m++) {
            backlog.add(new Sent("offline", rrMinute("offline", t0 + m * MIN, reconnect + 1000,
                    m >= 10 ? "af-fast" : "sinus")));
        }
        // everything received before the reconnection first; the upload and what follows once the job has seen
        // the patient go offline (hours later in wall-clock time in real life)
        List<Sent> before = live.stream().filter(s -> s.event().getTimeReceived().toEpochMilli() <= reconnect).toList();
        List<Sent> after = new ArrayList<>(backlog);
        after.addAll(live.subList(before.size(), live.size()));
        send(KIT, before);

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(PARALLELISM);
        env.getConfig().setAutoWatermarkInterval(100);
        EpisodeDetectionJob.build(env, PipelineConfig.defaults(KIT.bootstrapServers())
                .withCheckpointInterval(Duration.ofMillis(500))
                .withIngest(IngestSettings.defaults().withEnrolmentGrace(Duration.ofSeconds(2))
                        .withIdleness(Duration.ofSeconds(1))));
        JobClient job = env.executeAsync("detection-it");
        try (CommittedTopicReader reader = KIT.reader(Topics.ALERTS)) {
            List<AlertMessage> alerts = new ArrayList<>();
            await().atMost(Duration.ofSeconds(120)).until(() -> {
                read(reader, alerts);
                return has(alerts, "offline", "device-offline", AlertChange.Kind.OPENED);
            });
            send(KIT, after);
            await().atMost(Duration.ofSeconds(180)).untilAsserted(() -> {
                read(reader, alerts);
                assertThat(alerts).extracting(a -> a.patient() + " " + a.episodeType() + " " + a.kind())
                        .contains("af-fast atrial-fibrillation ESCALATED", "syncope pause ESCALATED",
                                "offline atrial-fibrillation OPENED", "offline device-offline CLOSED",
                                "clockback atrial-fibrillation OPENED", "clockback atrial-fibrillation CLOSED");
            });

            AlertMessage fast = find(alerts, "af-fast", "atrial-fibrillation", AlertChange.Kind.ESCALATED);
            assertThat(fast.priority()).isEqualTo("urgent");
            assertThat(fast.episodeId()).isEqualTo(find(alerts, "af-fast", "atrial-fibrillation",
                    AlertChange.Kind.OPENED).episodeId());
            AlertMessage syncope = find(alerts, "syncope", "pause", AlertChange.Kind.ESCALATED);
            assertThat(syncope.priority()).isEqualTo("urgent");
            assertThat(syncope.description()).contains("syncope");

            AlertMessage offline = find(alerts, "offline", "device-offline", AlertChange.Kind.OPENED);
            AlertMessage backlogAf = find(alerts, "offline", "atrial-fibrillation", AlertChange.Kind.OPENED);
            assertThat(offline.raisedAt()).isBefore(backlogAf.raisedAt());
            assertThat(backlogAf.start()).isBetween(T0.plusSeconds(9 * 60), T0.plusSeconds(12 * 60));
            assertThat(backlogAf.delayed()).isTrue();
            // received at least the silence (2 h) that made the patient offline after it was recorded
            assertThat(backlogAf.delayedByMs()).isGreaterThan(90 * MIN);
            assertThat(backlogAf.description()).containsIgnoringCase("delay");
            // a device clock set back an hour: the analysis restarted on it, and the AF that followed was alerted
            AlertMessage clockAf = find(alerts, "clockback", "atrial-fibrillation", AlertChange.Kind.OPENED);
            assertThat(clockAf.start()).isBetween(T0.plusSeconds((29 - 60) * 60), T0.plusSeconds((33 - 60) * 60));
            assertThat(alerts).filteredOn(a -> a.patient().equals("clockback")
                    && a.episodeType().equals("atrial-fibrillation")).extracting(AlertMessage::kind)
                    .startsWith(AlertChange.Kind.OPENED).endsWith(AlertChange.Kind.CLOSED)
                    .containsOnlyOnce(AlertChange.Kind.OPENED);
            // each state change exactly once; nothing for the patient in sinus rhythm
            assertThat(alerts).extracting(AlertMessage::bundleId).doesNotHaveDuplicates();
            assertThat(alerts).noneMatch(a -> a.patient().equals("live") && !a.episodeType().equals("device-offline"));
        } finally {
            job.cancel().get();
        }
    }

    /** All alerts committed so far (the reader returns every record it has read). */
    static void read(CommittedTopicReader reader, List<AlertMessage> alerts) {
        alerts.clear();
        reader.poll().forEach(r -> alerts.add(FhirAlerts.parse(new String(r.value(), StandardCharsets.UTF_8))));
    }

    static void send(PipelineKit kit, List<Sent> events) throws Exception {
        kit.sendAll(events.stream().map(s -> new ProducerRecord<>(Topics.DEVICE_EVENTS, null,
                s.event().getTimeReceived().toEpochMilli(), TestEvents.keyBytes(s.patient()),
                TestEvents.valueBytes(s.event()))).toList());
    }

    static boolean has(List<AlertMessage> alerts, String patient, String type, AlertChange.Kind kind) {
        return alerts.stream().anyMatch(a -> a.patient().equals(patient) && a.episodeType().equals(type) && a.kind() == kind);
    }

    static AlertMessage find(List<AlertMessage> alerts, String patient, String type, AlertChange.Kind kind) {
        return alerts.stream().filter(a -> a.patient().equals(patient) && a.episodeType().equals(type) && a.kind() == kind)
                .findFirst().orElseThrow();
    }
}
