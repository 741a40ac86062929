package org.wardstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.wardstream.alerting.AlertMessage;
import org.wardstream.alerting.FhirAlerts;
import org.wardstream.schema.ActivitySample;
import org.wardstream.schema.BeatQuality;
import org.wardstream.schema.Connectivity;
import org.wardstream.schema.DeviceEvent;
import org.wardstream.schema.DeviceEventKey;
import org.wardstream.schema.DeviceStatus;
import org.wardstream.schema.Enrolment;
import org.wardstream.schema.EnrolmentStatus;
import org.wardstream.schema.HeartRateSample;
import org.wardstream.schema.PatientKey;
import org.wardstream.schema.RrIntervalBatch;
import org.wardstream.schema.Stratifiers;
import org.wardstream.schema.WearDetection;
import org.wardstream.schema.WearState;
import org.wardstream.schema.wire.AvroCodec;
import org.wardstream.simulator.FileSimulationSink;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Issue 14's done-when check through {@code wardstream replay} (the real job on an in-process Kafka broker and Flink
 * MiniCluster): a device that only ever reports ONLINE/OFFLINE, no "reconnected, n buffered" message, is offline for
 * three hours with a 40-minute AF episode inside, and uploads its buffer on reconnection, interleaved with live data.
 * The AF alert is raised, marked delayed with the true delay (receipt minus device time of its evidence), the
 * device-offline alert reports the whole outage, and two replays give byte-identical alerts.
 */
class UnannouncedBacklogReplayIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String PROGRAMME = "virtual-ward";
    static final String PATIENT = "p-backlog-1";
    static final long MIN = 60_000L;
    static final long T0 = Instant.parse("2026-03-02T08:00:00Z").toEpochMilli();
    /** Offline over minutes [60, 240): buffered; AF over minutes [120, 160). */
    static final int OFFLINE_FROM = 60;
    static final int OFFLINE_TO = 240;
    static final int AF_FROM = 120;
    static final int AF_TO = 160;
    static final int END = 330;

    /** A record: its delivery, order, device time, the device time of its newest data (an RR batch's last beat). */
    record Line(long delivery, long seq, long deviceTime, long newestTime, String json) {
    }

    @Test
    void anUnannouncedBacklogRaisesItsAfMarkedDelayedAndReplaysIdentically() throws Exception {
        Path in = Path.of("target", "it-unannounced-backlog");
        Files.createDirectories(in);
        List<Line> lines = scenario();
        Path events = in.resolve("events.ndjson");
        Files.write(events, lines.stream().map(Line::json).toList());
        Path enrolments = in.resolve("enrolments.ndjson");
        Files.writeString(enrolments, FileSimulationSink.enrolmentLine(new PatientKey(PROGRAMME, PATIENT),
                Enrolment.newBuilder().setPatientId(PATIENT).setProgramme(PROGRAMME)
                        .setStatus(EnrolmentStatus.ACTIVE).setEnrolledOn(LocalDate.of(2026, 3, 1))
                        .setTimeZone("Europe/London").setStratifiers(Stratifiers.newBuilder().build())
                        .setThresholdOverrides(Map.of()).setUpdatedAt(Instant.ofEpochMilli(T0 - 86_400_000L))
                        .build()) + "\n");

        List<String> first = replay(events, enrolments, in.resolve("out-1"));
        List<String> second = replay(events, enrolments, in.resolve("out-2"));
        assertThat(Files.readAllBytes(in.resolve("out-2").resolve("alerts.ndjson")))
                .isEqualTo(Files.readAllBytes(in.resolve("out-1").resolve("alerts.ndjson")));
        assertThat(second).isEqualTo(first);

        List<AlertMessage> af = first.stream().map(FhirAlerts::parse)
                .filter(m -> m.episodeType().equals("atrial-fibrillation")).toList();
        assertThat(af).isNotEmpty();
        AlertMessage opened = af.get(0);
        assertThat(opened.kind().name()).isEqualTo("OPENED");
        assertThat(opened.start().toEpochMilli()).isBetween(T0 + (AF_FROM - 1) * MIN, T0 + (AF_FROM + 2) * MIN);
        assertThat(opened.delayed()).isTrue();
        // the true delay: receipt minus device time of the newest data of one of the buffered minutes that completed
        // the evidence (the FHIR Duration is in whole seconds)
        Set<Long> delays = new HashSet<>();
        for (Line l : lines) {
            if (l.deviceTime >= T0 + AF_FROM * MIN && l.deviceTime <= T0 + (AF_FROM + 3) * MIN) {
                delays.add(Math.round((l.delivery - l.newestTime) / 1000.0) * 1000);
            }
        }
        assertThat(opened.delayedByMs()).isIn(delays);
        assertThat(opened.delayedByMs()).isGreaterThan(2 * 3600_000L);
        assertThat(af).extracting(m -> m.kind().name()).contains("CLOSED");

        // the device-offline alert, if raised, reports the outage up to the reconnection
        first.stream().map(FhirAlerts::parse).filter(m -> m.episodeType().equals("device-offline"))
                .filter(m -> m.end() != null)
                .forEach(m -> assertThat(m.end().toEpochMilli()).isGreaterThanOrEqualTo(T0 + OFFLINE_TO * MIN));
    }

    private static List<String> replay(Path events, Path enrolments, Path out) throws Exception {
        assertThat(Main.run("replay", "--events", events.toString(), "--enrolments", enrolments.toString(),
                "--out", out.toString())).isZero();
        JsonNode s = JSON.readTree(out.resolve("summary.json").toFile());
        assertThat(s.get("reconciled").asBoolean()).isTrue();
        assertThat(s.path("outcomes").path("dead_letter").path("out-of-order").asLong()).isZero();
        return Files.readAllLines(out.resolve("alerts.ndjson"));
    }

    /** The device's records, in the order the platform receives them. */
    static List<Line> scenario() {
        AvroCodec<DeviceEventKey> keys = AvroCodec.deviceEventKeys();
        AvroCodec<DeviceEvent> values = AvroCodec.deviceEvents();
        String key = keys.toJson(new DeviceEventKey(PROGRAMME, PATIENT, "watch-1"));
        Random random = new Random(14);
        List<Line> out = new ArrayList<>();
        long[] seq = {0};
        int[] buffered = {0};
        long reconnect = T0 + OFFLINE_TO * MIN;
        class Emit {
            void at(long time, long ready, Object payload) {
                long delivery = ready + 1_500 + random.nextInt(1_000);
                boolean offline = delivery >= T0 + OFFLINE_FROM * MIN && delivery < reconnect;
                if (offline) {
                    // uploaded in one go after reconnection, starting after the first live minute (which so
                    // arrives before the backlog it follows)
                    delivery = reconnect + 70_000 + 20L * buffered[0]++;
                }
                DeviceEvent e = DeviceEvent.newBuilder().setEventId("e-" + seq[0])
                        .setTime(Instant.ofEpochMilli(time)).setTimeReceived(Instant.ofEpochMilli(delivery))
                        .setUtcOffsetMinutes(0).setPayload(payload).build();
                long newest = payload instanceof RrIntervalBatch || payload instanceof ActivitySample ? ready : time;
                out.add(new Line(delivery, seq[0]++, time, newest,
                        "{\"key\":" + key + ",\"value\":" + values.toJson(e) + "}"));
            }
        }
        Emit emit = new Emit();
        for (int m = 0; m < END; m++) {
            long t = T0 + m * MIN;
            if (m % 30 == 0) {
                emit.at(t, t, new WearState(true, WearDetection.OPTICAL));
            }
            if (m % 15 == 0 || m == OFFLINE_FROM) {
                boolean offline = m >= OFFLINE_FROM && m < OFFLINE_TO;
                emit.at(t, t, new DeviceStatus(80, offline ? Connectivity.OFFLINE : Connectivity.ONLINE, 0));
            }
            boolean af = m >= AF_FROM && m < AF_TO;
            List<Integer> rr = new ArrayList<>();
            List<BeatQuality> quality = new ArrayList<>();
            long sum = 0;
            while (sum < MIN) {
                int v = af ? 450 + random.nextInt(600) : 820 + random.nextInt(40);
                rr.add(v);
                quality.add(BeatQuality.CLEAN);
                sum += v;
            }
            emit.at(t, t + sum, new RrIntervalBatch(Instant.ofEpochMilli(t), rr, quality));
            emit.at(t, t + MIN, new HeartRateSample((float) (60_000.0 * rr.size() / sum), 0.9f));
            if (m % 5 == 4) {
                emit.at(t - 4 * MIN, t + MIN, new ActivitySample(300, 40 + random.nextInt(60), null));
            }
        }
        out.sort(Comparator.comparingLong(Line::delivery).thenComparingLong(Line::seq));
        return out;
    }
}
