package org.wardstream.ingest;

import java.io.Serializable;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Per-device clock offsets, estimated from the trustworthy receipt time: a device (or its app) whose clock runs
 * consistently ahead of {@code timeReceived} by more than the future tolerance has its readings rebased by the offset
 * (device time minus the offset) before they are validated and given event time, so they are analysed at corrected
 * times instead of being refused as {@code future-time}. Plain Java, no Flink types.
 *
 * <p>A reading's <em>lead</em> is its latest claimed instant (device time; an RR batch's last beat; the end of an
 * activity interval) minus its receipt time. A reading is received after it was measured, so a device whose clock
 * runs {@code O} ahead sends live readings with a lead of {@code O} minus the delivery delay, and any reading's lead
 * is at most {@code O}. With the device's current offset {@code O} (0: none) and the tolerance {@code T}:
 * <ul>
 *   <li><b>prompt</b>: lead within {@code [O - T, O + T]} ({@code [.., T]} when {@code O = 0}: a normal device).
 *   With no offset it confirms the device as normal, and cuts short a run of readings that disagrees with it. With an
 *   offset, a lead within {@link #movedMs} ({@code T / 5}, 1 min at the default tolerance) of {@code O} confirms the
 *   offset and cuts short any run under way; one further from it is evidence that the clock was set nearer or further
 *   ahead by less than the tolerance, a <b>candidate</b> like those below (it is still corrected by {@code O} until
 *   its run is trusted);</li>
 *   <li><b>backlog</b>: lead below {@code -T} (and not prompt): delayed whatever the clock; it says nothing about the
 *   clock and is rebased by the current offset (a backlog uploaded by a device ahead keeps its spacing);</li>
 *   <li><b>candidate</b>: any other lead (ahead of the offset in use by more than the tolerance, or, with an offset,
 *   as a normal device's): evidence for another offset. Consecutive candidates whose leads agree within {@code T}
 *   form a run; a run of {@link Settings#readings} candidates whose receipts span at least {@link Settings#span}
 *   replaces the offset: by the run's largest lead (the tightest: no reading of the run lands after its receipt),
 *   or by none when that lies within the tolerance (the clock has been set right).</li>
 * </ul>
 * A candidate is rebased by the offset in use, except one that looks like a normal device's reading (lead within
 * {@code [-T, T]}) while an offset is in use: that is left uncorrected, so a device whose clock is set right loses
 * nothing while its offset is being dropped. A candidate ahead of the offset in use is still ahead after rebasing,
 * so it is refused {@code future-time} until its run is trusted: a single reading dated days ahead never moves
 * anyone's event time. A clock set from 6 min ahead to 2 min ahead (its readings within the tolerance of the offset in
 * use) has the offset dropped after such a run (2 min is within the tolerance: uncorrected, as a normal device), and
 * one set from 3 days ahead to 3 days less 3 min has it re-estimated; before, both kept the old offset, their
 * readings placed up to the tolerance early, until the estimate was rebuilt.
 *
 * <p>The estimate lives in memory (one instance per Kafka source reader; a device's records, keyed by programme,
 * patient and source, go to one partition) and holds only devices with an offset or a run under way, at most
 * {@link Settings#maxDevices} (the least recently seen is forgotten first). It is not checkpointed: after a restart
 * (or a partition moving to another reader) an offset is established again from the next run.
 */
public final class DeviceClockOffsets {

    /**
     * @param readings   consecutive agreeing readings that make a new offset trusted
     * @param span       receipt time those readings must span (one upload burst never suffices)
     * @param maxDevices devices remembered with an offset or a run under way, least recently seen forgotten first
     */
    public record Settings(int readings, Duration span, int maxDevices) implements Serializable {
        public Settings {
            if (readings < 2 || span.isNegative() || maxDevices < 1) {
                throw new IllegalArgumentException("clock offset: at least 2 readings, a span >= 0, at least 1 device");
            }
        }

        public static Settings defaults() {
            return new Settings(5, Duration.ofMinutes(2), 10_000);
        }
    }

    /** A device's offset changed: from {@code previousMs} to {@code offsetMs} (0: uncorrected). */
    public record Change(long previousMs, long offsetMs, int readings, long spanMs) {
        public boolean applied() {
            return offsetMs != 0;
        }
    }

    private static final class Device {
        long offset;
        int count;
        long minLead;
        long maxLead;
        long firstReceipt;
        long lastReceipt;

        boolean idle() {
            return offset == 0 && count == 0;
        }
    }

    private final Settings settings;
    private final long toleranceMs;
    /** With an offset in use, a lead more than this from it is evidence the clock moved ({@link #observe}). */
    private final long movedMs;
    private final LinkedHashMap<String, Device> devices;
    private int withOffset;

    public DeviceClockOffsets(Settings settings, Duration tolerance) {
        this.settings = settings;
        this.toleranceMs = tolerance.toMillis();
        this.movedMs = toleranceMs / 5;
        this.devices = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Device> eldest) {
                boolean full = size() > settings.maxDevices();
                if (full && eldest.getValue().offset != 0) {
                    withOffset--;
                }
                return full;
            }
        };
    }

    /** The device's key: programme, patient and source (never logged). */
    public static String device(String programme, String patientId, String sourceId) {
        return programme + '\u0000' + patientId + '\u0000' + sourceId;
    }

    /** The offset to subtract from this reading's device times (0: none). Changes nothing. */
    public long offsetFor(String device, long leadMs) {
        Device d = devices.get(device);
        if (d == null || d.offset == 0) {
            return 0;
        }
        boolean looksNormal = leadMs >= -toleranceMs && leadMs <= toleranceMs;
        return looksNormal && !prompt(d.offset, leadMs) ? 0 : d.offset;
    }

    /**
     * Records the clock of a reading whose receipt time is trusted (the caller checks it against the broker and its
     * own clock), whether it was accepted or refused {@code future-time}.
     *
     * @return the change of the device's offset this reading completed, or null
     */
    public Change observe(String device, long leadMs, long receivedMs) {
        Device d = devices.get(device);
        long offset = d == null ? 0 : d.offset;
        if (prompt(offset, leadMs)) {
            if (offset == 0 || Math.abs(leadMs - offset) <= movedMs) {
                // confirms the device as it is: a run that disagrees (with an offset: any run) was not one clock
                if (d != null && d.count > 0 && (offset != 0 || !agrees(d, leadMs))) {
                    d.count = 0;
                    forgetIfIdle(device, d);
                }
                return null;
            }
            // within the tolerance of the offset in use but away from it: the clock may have been set, a candidate
        } else if (leadMs < -toleranceMs) {
            return null; // a backlog: delayed whatever the clock
        }
        if (d == null) {
            d = new Device();
            devices.put(device, d);
        }
        if (d.count > 0 && agrees(d, leadMs)) {
            d.count++;
            d.minLead = Math.min(d.minLead, leadMs);
            d.maxLead = Math.max(d.maxLead, leadMs);
            d.firstReceipt = Math.min(d.firstReceipt, receivedMs);
            d.lastReceipt = Math.max(d.lastReceipt, receivedMs);
        } else {
            d.count = 1;
            d.minLead = leadMs;
            d.maxLead = leadMs;
            d.firstReceipt = receivedMs;
            d.lastReceipt = receivedMs;
        }
        if (d.count < settings.readings() || d.lastReceipt - d.firstReceipt < settings.span().toMillis()) {
            return null;
        }
        long next = d.maxLead > toleranceMs ? d.maxLead : 0;
        Change change = new Change(offset, next, d.count, d.lastReceipt - d.firstReceipt);
        withOffset += (next != 0 ? 1 : 0) - (offset != 0 ? 1 : 0);
        d.offset = next;
        d.count = 0;
        forgetIfIdle(device, d);
        return change;
    }

    /** The readings of the device's run under way (0: none): how far it is from a new offset. */
    public int pending(String device) {
        Device d = devices.get(device);
        return d == null ? 0 : d.count;
    }

    /** Devices remembered with an offset in use. */
    public int devicesWithOffset() {
        return withOffset;
    }

    /**
     * Whether no device is remembered (none with an offset, no run under way): then every reading's offset is 0, and
     * {@link #observe} changes nothing for a lead within the tolerance or below it.
     */
    public boolean isEmpty() {
        return devices.isEmpty();
    }

    /** Devices remembered (with an offset or a run under way). */
    public int size() {
        return devices.size();
    }

    public Settings settings() {
        return settings;
    }

    private boolean prompt(long offset, long leadMs) {
        return offset == 0 ? leadMs <= toleranceMs && leadMs >= -toleranceMs
                : leadMs >= offset - toleranceMs && leadMs <= offset + toleranceMs;
    }

    private boolean agrees(Device d, long leadMs) {
        return Math.max(d.maxLead, leadMs) - Math.min(d.minLead, leadMs) <= toleranceMs;
    }

    private void forgetIfIdle(String device, Device d) {
        if (d.idle()) {
            devices.remove(device);
        }
    }
}
