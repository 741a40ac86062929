package org.wardstream.episodes;

import org.wardstream.state.CompactBytes;
import org.wardstream.state.CompactState;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/**
 * Per-patient, per-episode-type state of {@link EpisodeLifecycle}: bounded size (at most
 * {@value #MAX_SERIALIZED_SIZE} bytes serialised), public no-arg constructor and public fields (a Flink
 * POJO), versioned {@link #writeTo}/{@link #readFrom}. All logic lives in {@link EpisodeLifecycle}.
 */
public final class EpisodeState extends CompactState {

    public static final long NO_TIME = Long.MIN_VALUE;
    /** No episode. */
    public static final byte IDLE = 0;
    /** Detector started, but the episode is shorter than the rule's minDuration (AF): no alert yet. */
    public static final byte PENDING = 1;
    /** Alert raised (OPENED) and not closed. */
    public static final byte OPEN = 2;
    /** A recurrence inside the cool-down: tracked, no alert (unless it escalates). */
    public static final byte SUPPRESSED = 3;

    private static final byte FORMAT_VERSION = 14;
    /** The format before closed alerts earlier than the last one were remembered ({@link #earlierAlertStartMs}), still read. */
    private static final byte FORMAT_VERSION_13 = 13;
    /** The format before an AF alert kept the gap in the data it went on across (late data filling it), still read. */
    private static final byte FORMAT_VERSION_12 = 12;
    /** The format before an AF alert closed for a data gap could be re-opened by data filling the gap, still read. */
    private static final byte FORMAT_VERSION_11 = 11;
    /** The format before an AF close for a data gap could be held ({@link #dataResumedMs}), still read. */
    private static final byte FORMAT_VERSION_10 = 10;
    /** The format before the episode id schemes were kept (every id left the programme out), still read. */
    private static final byte FORMAT_VERSION_9 = 9;
    /** The format before whether the last alert closed for a clock restart was kept, still read. */
    private static final byte FORMAT_VERSION_8 = 8;
    /** The format before the detector versions that started the episodes were kept, still read. */
    private static final byte FORMAT_VERSION_7 = 7;
    /** The format before the latest evidence's receipt and delay were kept, still read. */
    private static final byte FORMAT_VERSION_6 = 6;
    /** The format before the evidence of the last alerted and last suppressed episodes was kept, still read. */
    private static final byte FORMAT_VERSION_5 = 5;
    /** The format before the episode's evidence was kept, still read: state from older savepoints. */
    private static final byte FORMAT_VERSION_4 = 4;
    /** The previous format (before the last suppressed episode was kept), still read: state from older savepoints. */
    private static final byte FORMAT_VERSION_3 = 3;
    /**
     * The longest detector version kept (UTF-8 bytes; today's are 24-26): writing a longer one fails with its name,
     * which a test of every type's version guards against.
     */
    public static final int MAX_DETECTOR_VERSION_BYTES = 64;
    public static final int MAX_SERIALIZED_SIZE = 1 + 1 + 8 * 5 + 1 + 4 + 4 + 1 + 4 + 8 + 8 + 4 + 8 + 8
            + 3 * EpisodeEvidence.MAX_SERIALIZED_SIZE + 2 * EpisodeEvidence.MAX_EPISODE_SERIALIZED_SIZE + 8 + 8
            + 3 * (1 + MAX_DETECTOR_VERSION_BYTES) + 1 + 3 + 8 + 8 + 1 + 6 * 8
            + 1 + EpisodeState.MAX_EARLIER_ALERTS * (8 + 8 + 1 + 4 + 1 + 1 + MAX_DETECTOR_VERSION_BYTES);
    /**
     * How many closed alerts before the last one are remembered ({@link #earlierAlertStartMs}): as many as the gaps in
     * the data the arrival order remembers ({@code ArrivalState.MAX_GAPS}), whose buffers may come after several later
     * alerts of the type.
     */
    public static final int MAX_EARLIER_ALERTS = 8;

    public byte phase = IDLE;
    public long episodeStartMs = NO_TIME;
    public long lastEvidenceMs = NO_TIME;
    /**
     * OPEN: when the team was last notified of the episode (re-notification counts from here). SUPPRESSED: when the
     * held-back recurrence was found (its START; it is alerted if still going on a cool-down later).
     */
    public long lastNotifiedMs = NO_TIME;
    /** End (device time) of the last episode that raised an alert: the cool-down runs from here. */
    public long lastAlertEndMs = NO_TIME;
    /** Start of the last episode that raised an alert (with {@link #lastAlertEndMs}: its period), or NO_TIME. */
    public long lastEpisodeStartMs = NO_TIME;
    /** Severity ordinal ({@link org.wardstream.rules.Severity}). */
    public byte severity;
    /** Escalation conditions already applied, one bit per condition (sorted condition codes of the type). */
    public int escalatedMask;
    public int suppressedCount;
    /** Severity ordinal and escalation bits of the last alerted episode, for an escalation that arrives after it closed. */
    public byte lastSeverity;
    public int lastEscalatedMask;
    /**
     * Escalation conditions that arrived before the transitions they belong after (a pattern match can overtake its
     * episode's start or evidence on the way to the lifecycle), and the time they refer to: applied once the episode
     * covering that time has opened or is suppressed and its evidence reaches that time.
     */
    public long pendingRefersToMs = NO_TIME;
    /** When the held escalation happened (its ESCALATED change keeps this time, whatever the arrival order). */
    public long pendingAtMs = NO_TIME;
    public int pendingMask;
    /**
     * Start and end of the last suppressed (cool-down) episode, or NO_TIME: an escalation of it that arrives after it
     * ended still promotes it to an alert.
     */
    public long lastSuppressedStartMs = NO_TIME;
    public long lastSuppressedEndMs = NO_TIME;
    /**
     * The current episode's evidence as it opened, and that of the escalation that last raised its severity (empty
     * when none): every later record, the closing one included, still shows why the alert was raised.
     */
    public Map<String, Double> openingEvidence = new TreeMap<>();
    public Map<String, Double> escalationEvidence = new TreeMap<>();
    /** The held escalation's own evidence (see {@link #pendingMask}). */
    public Map<String, Double> pendingEvidence = new TreeMap<>();
    /**
     * The evidence the last alerted episode's closing record carried (what opened and escalated it, and its closing
     * summaries): an escalation confirmed after it closed writes it again beside its own, so that record, the
     * episode's latest version, still shows why the alert was raised.
     */
    public Map<String, Double> lastAlertEvidence = new TreeMap<>();
    /** The same for the last suppressed episode (what opened it, its closing summaries), should it be promoted. */
    public Map<String, Double> lastSuppressedEvidence = new TreeMap<>();
    /**
     * When the platform received the latest transition of this type, and how delayed it was (receipt minus device
     * time when over the delayed threshold, else 0), or NO_TIME and 0: what a change that time alone causes (a TICK:
     * minimum duration reached, window expired, reminder) reports as the receipt of its evidence, so that it reads the
     * same whether its timer fired before the next transition arrived or that transition showed the time had passed
     * (the lifecycle itself does not use them; the job sets and reads them). NO_TIME in state of format 6 and older.
     */
    public long evidenceReceivedMs = NO_TIME;
    public long evidenceDelayedByMs;
    /**
     * The detector version of the transition that started the current episode (null when IDLE): part of the episode's
     * id in every change of it, whatever version its later transitions carry (an upgrade that bumps the detector
     * version while the episode is open must not change its id). The same for the last alerted episode (an escalation
     * confirmed after it closed) and the last suppressed one (promoted after it ended). Null in state of format 7 and
     * older, which did not keep them: {@link Transitions#unrecordedDetectorVersion} says which version that was.
     */
    public String detectorVersion;
    public String lastDetectorVersion;
    public String lastSuppressedDetectorVersion;
    /**
     * Whether the last alerted episode was closed because the patient's analysis restarted on an earlier clock (not
     * because it ended): an episode found after the restart that starts before that close is no recurrence. False
     * in state of format 8 and older.
     */
    public boolean lastClosedByRestart;
    /**
     * The {@link EpisodeIds} scheme of the current episode's id, of the last alerted episode's and of the last suppressed
     * one's, kept as the detector versions are: an episode keeps the id its first alert had for its whole life, even
     * when a release with another scheme takes over while it is open (or escalates it, or promotes it, after it ended).
     * 0 where not recorded: state of format 9 and older, whose episodes all had {@link EpisodeIds#SCHEME_PSEUDONYM}
     * ids (see {@link #schemeOf(byte)}).
     */
    public byte idScheme;
    public byte lastIdScheme;
    public byte lastSuppressedIdScheme;
    /**
     * An alerted (or held-back) AF episode whose close for a data gap is held ({@link EpisodeLifecycle}): when the data
     * resumed (the first beat after the gap; the episode's last evidence, {@link #lastEvidenceMs}, is where it closes if
     * it does not go on), or NO_TIME when no close is held. NO_TIME in state of format 10 and older.
     */
    public long dataResumedMs = NO_TIME;
    /**
     * When the last alerted episode closed for a gap in its data (AF not found again when the data resumed, or its
     * status unknown after a longer gap): when the data resumed, or NO_TIME (its last close was another, or state of
     * format 11 and older). An episode found in data filling that gap (uploaded late: it starts after the closed
     * alert's end, {@link #lastAlertEndMs}, and by this time) is that alert's episode going on: it is re-opened, the
     * same id ({@link EpisodeLifecycle}).
     */
    public long lastGapResumedMs = NO_TIME;
    /** The current episode is an alert closed for a data gap and re-opened by data filling the gap: its close says so. */
    public boolean reopenedByLateData;
    /**
     * The last gap in the data that the current alerted AF episode (or, once closed, the last alerted one) went on
     * across ("data resumed after N min without data; AF still present"): from its last evidence before the gap to the
     * first beat after it, or NO_TIME. Readings of that gap uploaded later are that alert's data
     * ({@link EpisodeLifecycle}: they update it, record-only, never close it and open another). NO_TIME in state of
     * format 12 and older.
     */
    public long bridgedGapFromMs = NO_TIME;
    public long bridgedGapToMs = NO_TIME;
    /**
     * While the analysis, restarted to analyse readings uploaded late that fill the gap {@link #bridgedGapFromMs}-
     * {@link #bridgedGapToMs} of the open AF alert, has not come back to the live data: the end of that gap (its
     * transitions before it are the gap's), else NO_TIME. With it: the start of the AF the late data show now (NO_TIME:
     * none open in the restarted analysis), how much AF they showed in the gap so far, and the time by which AF must be
     * found again while none is open (the alert then closes at its last evidence), or NO_TIME.
     */
    public long gapFillToMs = NO_TIME;
    public long gapFillAfSinceMs = NO_TIME;
    public long gapFillAfMs;
    public long gapFillDeadlineMs = NO_TIME;
    /**
     * The alerted episodes of this type that closed before the last alerted one ({@link #lastEpisodeStartMs}), newest
     * close first, at most {@link #MAX_EARLIER_ALERTS} (not those closed for a clock restart): start, end, severity
     * ordinal, escalation bits, id scheme and the detector version that started each (its id). An episode found in late
     * data of a filled gap inside one of them is that alert's episode, as one inside the last alerted episode is
     * ({@link EpisodeLifecycle}; session 25: before, only the last was remembered, and the buffer of a gap inside an
     * earlier alert, uploaded after a later alert of the type, raised a second alert dated inside it). Empty in state of
     * format 13 and older.
     */
    public long[] earlierAlertStartMs = new long[0];
    public long[] earlierAlertEndMs = new long[0];
    public byte[] earlierAlertSeverity = new byte[0];
    public int[] earlierAlertEscalatedMask = new int[0];
    public byte[] earlierAlertIdScheme = new byte[0];
    public String[] earlierAlertDetectorVersion = new String[0];

    public EpisodeState() {
        super(MAX_SERIALIZED_SIZE);
    }

    @Override
    public void writeTo(DataOutput out) throws IOException {
        out.writeByte(FORMAT_VERSION);
        out.writeByte(phase);
        out.writeLong(episodeStartMs);
        out.writeLong(lastEvidenceMs);
        out.writeLong(lastNotifiedMs);
        out.writeLong(lastAlertEndMs);
        out.writeLong(lastEpisodeStartMs);
        out.writeByte(severity);
        out.writeInt(escalatedMask);
        out.writeInt(suppressedCount);
        out.writeByte(lastSeverity);
        out.writeInt(lastEscalatedMask);
        out.writeLong(pendingRefersToMs);
        out.writeLong(pendingAtMs);
        out.writeInt(pendingMask);
        out.writeLong(lastSuppressedStartMs);
        out.writeLong(lastSuppressedEndMs);
        EpisodeEvidence.write(out, openingEvidence);
        EpisodeEvidence.write(out, escalationEvidence);
        EpisodeEvidence.write(out, pendingEvidence);
        EpisodeEvidence.write(out, lastAlertEvidence, EpisodeEvidence.MAX_EPISODE_VALUES);
        EpisodeEvidence.write(out, lastSuppressedEvidence, EpisodeEvidence.MAX_EPISODE_VALUES);
        out.writeLong(evidenceReceivedMs);
        out.writeLong(evidenceDelayedByMs);
        writeDetectorVersion(out, detectorVersion);
        writeDetectorVersion(out, lastDetectorVersion);
        writeDetectorVersion(out, lastSuppressedDetectorVersion);
        out.writeBoolean(lastClosedByRestart);
        out.writeByte(idScheme);
        out.writeByte(lastIdScheme);
        out.writeByte(lastSuppressedIdScheme);
        out.writeLong(dataResumedMs);
        out.writeLong(lastGapResumedMs);
        out.writeBoolean(reopenedByLateData);
        out.writeLong(bridgedGapFromMs);
        out.writeLong(bridgedGapToMs);
        out.writeLong(gapFillToMs);
        out.writeLong(gapFillAfSinceMs);
        out.writeLong(gapFillAfMs);
        out.writeLong(gapFillDeadlineMs);
        int n = Math.min(MAX_EARLIER_ALERTS, earlierAlertStartMs.length);
        out.writeByte(n);
        for (int i = 0; i < n; i++) {
            out.writeLong(earlierAlertStartMs[i]);
            out.writeLong(earlierAlertEndMs[i]);
            out.writeByte(earlierAlertSeverity[i]);
            out.writeInt(earlierAlertEscalatedMask[i]);
            out.writeByte(earlierAlertIdScheme[i]);
            writeDetectorVersion(out, earlierAlertDetectorVersion[i]);
        }
    }

    /**
     * The scheme an episode's id is computed with: the one recorded, or for none recorded (state of format 9 and
     * older, a state built by hand) {@link EpisodeIds#SCHEME_PSEUDONYM}, the scheme of the releases that wrote it.
     */
    public static byte schemeOf(byte recorded) {
        return recorded == 0 ? EpisodeIds.SCHEME_PSEUDONYM : recorded;
    }

    /** One byte: 0 for none, else 1 + the number of UTF-8 bytes that follow. */
    private static void writeDetectorVersion(DataOutput out, String version) throws IOException {
        if (version == null) {
            out.writeByte(0);
            return;
        }
        byte[] utf8 = version.getBytes(StandardCharsets.UTF_8);
        if (utf8.length > MAX_DETECTOR_VERSION_BYTES) {
            throw new IOException("detector version " + version + " is " + utf8.length + " bytes, more than the "
                    + MAX_DETECTOR_VERSION_BYTES + " an episode state keeps");
        }
        out.writeByte(1 + utf8.length);
        out.write(utf8);
    }

    private static String readDetectorVersion(DataInput in) throws IOException {
        int n = in.readUnsignedByte();
        if (n == 0) return null;
        if (n - 1 > MAX_DETECTOR_VERSION_BYTES) throw new IOException("detector version of " + (n - 1) + " bytes");
        byte[] utf8 = new byte[n - 1];
        in.readFully(utf8);
        return new String(utf8, StandardCharsets.UTF_8);
    }

    public static EpisodeState readFrom(DataInput in) throws IOException {
        byte v = CompactBytes.expectVersion(in, "EpisodeState", FORMAT_VERSION, FORMAT_VERSION_13, FORMAT_VERSION_12, FORMAT_VERSION_11, FORMAT_VERSION_10, FORMAT_VERSION_9, FORMAT_VERSION_8, FORMAT_VERSION_7, FORMAT_VERSION_6, FORMAT_VERSION_5,
                FORMAT_VERSION_4, FORMAT_VERSION_3);
        EpisodeState s = new EpisodeState();
        s.phase = in.readByte();
        s.episodeStartMs = in.readLong();
        s.lastEvidenceMs = in.readLong();
        s.lastNotifiedMs = in.readLong();
        s.lastAlertEndMs = in.readLong();
        s.lastEpisodeStartMs = in.readLong();
        s.severity = in.readByte();
        s.escalatedMask = in.readInt();
        s.suppressedCount = in.readInt();
        s.lastSeverity = in.readByte();
        s.lastEscalatedMask = in.readInt();
        s.pendingRefersToMs = in.readLong();
        s.pendingAtMs = in.readLong();
        s.pendingMask = in.readInt();
        if (v >= FORMAT_VERSION_4) {
            s.lastSuppressedStartMs = in.readLong();
            s.lastSuppressedEndMs = in.readLong();
        }
        if (v >= FORMAT_VERSION_5) {
            s.openingEvidence = EpisodeEvidence.read(in);
            s.escalationEvidence = EpisodeEvidence.read(in);
            s.pendingEvidence = EpisodeEvidence.read(in);
        }
        if (v >= FORMAT_VERSION_6) {
            s.lastAlertEvidence = EpisodeEvidence.read(in, EpisodeEvidence.MAX_EPISODE_VALUES);
            s.lastSuppressedEvidence = EpisodeEvidence.read(in, EpisodeEvidence.MAX_EPISODE_VALUES);
        }
        if (v >= FORMAT_VERSION_7) {
            s.evidenceReceivedMs = in.readLong();
            s.evidenceDelayedByMs = in.readLong();
        }
        if (v >= FORMAT_VERSION_8) {
            s.detectorVersion = readDetectorVersion(in);
            s.lastDetectorVersion = readDetectorVersion(in);
            s.lastSuppressedDetectorVersion = readDetectorVersion(in);
        }
        if (v >= FORMAT_VERSION_9) {
            s.lastClosedByRestart = in.readBoolean();
        }
        if (v >= FORMAT_VERSION_10) {
            s.idScheme = readIdScheme(in);
            s.lastIdScheme = readIdScheme(in);
            s.lastSuppressedIdScheme = readIdScheme(in);
        }
        if (v >= FORMAT_VERSION_11) {
            s.dataResumedMs = in.readLong();
        }
        if (v >= FORMAT_VERSION_12) { // before: no alert closed for a data gap can be re-opened by data filling it
            s.lastGapResumedMs = in.readLong();
            s.reopenedByLateData = in.readBoolean();
        }
        if (v >= FORMAT_VERSION_13) { // before: no gap an AF alert went on across was kept (nor any late data filling it)
            s.bridgedGapFromMs = in.readLong();
            s.bridgedGapToMs = in.readLong();
            s.gapFillToMs = in.readLong();
            s.gapFillAfSinceMs = in.readLong();
            s.gapFillAfMs = in.readLong();
            s.gapFillDeadlineMs = in.readLong();
        }
        if (v >= FORMAT_VERSION) { // before: no closed alert but the last remembered
            int n = in.readUnsignedByte();
            if (n > MAX_EARLIER_ALERTS) throw new IOException(n + " earlier alerts, more than " + MAX_EARLIER_ALERTS);
            s.earlierAlertStartMs = new long[n];
            s.earlierAlertEndMs = new long[n];
            s.earlierAlertSeverity = new byte[n];
            s.earlierAlertEscalatedMask = new int[n];
            s.earlierAlertIdScheme = new byte[n];
            s.earlierAlertDetectorVersion = new String[n];
            for (int i = 0; i < n; i++) {
                s.earlierAlertStartMs[i] = in.readLong();
                s.earlierAlertEndMs[i] = in.readLong();
                s.earlierAlertSeverity[i] = in.readByte();
                s.earlierAlertEscalatedMask[i] = in.readInt();
                s.earlierAlertIdScheme[i] = readIdScheme(in);
                s.earlierAlertDetectorVersion[i] = readDetectorVersion(in);
            }
        }
        return s;
    }

    private static byte readIdScheme(DataInput in) throws IOException {
        byte scheme = in.readByte();
        if (scheme != 0 && scheme != EpisodeIds.SCHEME_PSEUDONYM && scheme != EpisodeIds.SCHEME_PROGRAMME) {
            throw new IOException("unknown episode id scheme " + scheme);
        }
        return scheme;
    }

    public static EpisodeState fromBytes(byte[] bytes) {
        return CompactBytes.read(bytes, EpisodeState::readFrom);
    }
}
