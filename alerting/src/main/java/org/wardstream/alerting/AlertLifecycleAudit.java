package org.wardstream.alerting;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

import org.wardstream.episodes.AlertChange.Kind;

/**
 * Checks that a run's alert messages, in the order they were sent, tell each episode's story without contradicting
 * themselves, as docs/TRIAGE.md promises an alert's lifecycle: opened once, updated or escalated, closed once. Plain
 * values only ({@link AlertMessage}, as {@link FhirAlerts#parse} reads them), so a test of the job's operators, the
 * demo or an evaluation can run it over what it received.
 *
 * <p>The invariants ({@link Rule}), each with what the documentation allows:
 * <ul>
 *   <li>{@link Rule#FIRST_IS_OPENED}: an episode's first message is OPENED, and no episode is OPENED twice.</li>
 *   <li>{@link Rule#SAME_EPISODE}: patient, programme, episode type and start never change within an episode.</li>
 *   <li>{@link Rule#ONE_OPEN}: at most one open alert per patient, programme and episode type at any point of the
 *       message order.</li>
 *   <li>{@link Rule#NOTHING_AFTER_CLOSE}: nothing follows an episode's CLOSED except the documented re-opening of an
 *       AF alert by data uploaded late ("... open again", record only, then closed again; while re-opened, its escalation
 *       and record-only updates of what the late data show) and an escalation
 *       confirmed after the episode closed (TRIAGE "If the pattern completes only after the episode has closed, the
 *       closed episode's alert is escalated (same ids)"), which keeps the episode's end, and a record-only update
 *       that keeps the episode's end and says what data uploaded late show ("data uploaded late show this condition
 *       also for ... before this alert's start": an episode of the type in a gap's buffer, recorded on the alert
 *       opened when the data resumed, session 25).</li>
 *   <li>{@link Rule#PERIOD_AND_STATUS}: a record with an end has end &gt;= start and Observation status final; an open
 *       record has no end and status preliminary.</li>
 *   <li>{@link Rule#PRIORITY_KEPT}: the Task's priority never falls within an episode (its records keep the numbers
 *       that opened and escalated it, the last one included).</li>
 *   <li>{@link Rule#CLOSE_TEXT}: a closing record's text never says the episode goes on ("so far", "still ongoing",
 *       "still present", "still going on").</li>
 *   <li>{@link Rule#UNIQUE_BUNDLE}: no two messages share a Bundle id.</li>
 *   <li>{@link Rule#RECORD_ONLY_SILENT}: a record-only update ("Updated (record only)") does not notify, and a close
 *       notifies only for the technical alerts whose close is news (device-offline "reconnected", beat-to-beat-offline
 *       "resumed").</li>
 *   <li>{@link Rule#NO_OVERLAP}: two episodes of one patient, programme and type do not overlap in time, unless the
 *       earlier one was closed because the analysis restarted on an earlier clock (TRIAGE "Delayed data": AF in a late
 *       upload raises its own alert with its own, earlier start).</li>
 * </ul>
 */
public final class AlertLifecycleAudit {

    /** An invariant of the alert lifecycle. */
    public enum Rule {
        FIRST_IS_OPENED, SAME_EPISODE, ONE_OPEN, NOTHING_AFTER_CLOSE, PERIOD_AND_STATUS, PRIORITY_KEPT, CLOSE_TEXT,
        UNIQUE_BUNDLE, RECORD_ONLY_SILENT, NO_OVERLAP
    }

    /**
     * One broken invariant.
     *
     * @param rule      the invariant
     * @param index     the offending message's position in the run (0-based)
     * @param episodeId the episode (Observation id)
     * @param detail    what contradicts what, without the patient's pseudonym
     */
    public record Violation(Rule rule, int index, String episodeId, String detail) {
        @Override
        public String toString() {
            return rule + " at message " + index + " (" + episodeId + "): " + detail;
        }
    }

    private static final List<String> PRIORITIES = List.of("routine", "urgent", "asap", "stat");
    private static final Pattern GOES_ON = Pattern.compile("\\b(so far|still ongoing|still present|still going on)\\b");
    private static final String RESTART_MARK = "analysis restarted";
    private static final String REOPEN_MARK = "open again";
    /** What a record-only update of a re-opened alert says: what the data uploaded late show. */
    private static final String LATE_DATA_MARK = "data uploaded late";

    private AlertLifecycleAudit() {
    }

    private static final class Episode {
        final AlertMessage first;
        AlertMessage last;
        boolean closed;
        boolean reopened;
        boolean restartClosed;
        int maxPriority = -1;

        Episode(AlertMessage first) {
            this.first = first;
            this.last = first;
        }
    }

    /**
     * One message with the reason its Provenance gives ({@code Provenance.reason.text}, e.g. "Closed: data from an
     * earlier time came after later data ..."), which a clinical close's Task text does not repeat; null if not known.
     */
    public record Entry(AlertMessage message, String reason) {
    }

    /**
     * One alert message as sent (a FHIR R4 transaction Bundle in JSON, as the alert topic carries it), read with its
     * Provenance reason.
     *
     * @throws IllegalArgumentException as {@link FhirAlerts#parse}
     */
    public static Entry entry(String bundleJson) {
        org.hl7.fhir.r4.model.Bundle b;
        try {
            b = FhirAlerts.fhirContext().newJsonParser().parseResource(org.hl7.fhir.r4.model.Bundle.class, bundleJson);
        } catch (ca.uhn.fhir.parser.DataFormatException | ClassCastException e) {
            throw new IllegalArgumentException("not a FHIR R4 Bundle: " + e.getMessage(), e);
        }
        String reason = b.getEntry().stream().map(org.hl7.fhir.r4.model.Bundle.BundleEntryComponent::getResource)
                .filter(r -> r instanceof org.hl7.fhir.r4.model.Provenance).findFirst()
                .map(r -> ((org.hl7.fhir.r4.model.Provenance) r).getReasonFirstRep().getText()).orElse(null);
        return new Entry(FhirAlerts.read(b), reason);
    }

    /**
     * {@link #checkEntries} over alert messages as sent ({@link #entry} each; blank lines of an NDJSON file skipped),
     * in the order they were sent.
     */
    public static List<Violation> checkJson(List<String> bundleJson) {
        return checkEntries(bundleJson.stream().filter(j -> !j.isBlank()).map(AlertLifecycleAudit::entry).toList());
    }

    /** Every broken invariant in {@code messages} (in the order they were sent); empty when they are consistent. */
    public static List<Violation> check(List<AlertMessage> messages) {
        return checkEntries(messages.stream().map(m -> new Entry(m, null)).toList());
    }

    /** {@link #check} with each message's Provenance reason, which tells a close for an analysis restart. */
    public static List<Violation> checkEntries(List<Entry> entries) {
        List<AlertMessage> messages = entries.stream().map(Entry::message).toList();
        List<Violation> out = new ArrayList<>();
        Map<String, Episode> episodes = new LinkedHashMap<>();
        Map<String, String> openByKey = new HashMap<>();
        Set<String> bundles = new HashSet<>();
        for (int i = 0; i < messages.size(); i++) {
            AlertMessage m = messages.get(i);
            String id = m.episodeId();
            if (!bundles.add(m.bundleId())) {
                out.add(new Violation(Rule.UNIQUE_BUNDLE, i, id, "Bundle id " + m.bundleId() + " sent twice"));
            }
            String text = m.description() == null ? "" : m.description().toLowerCase(Locale.ROOT);
            boolean closing = m.kind() == Kind.CLOSED;
            boolean recordOnly = text.contains("(record only)");
            boolean reopening = m.kind() == Kind.UPDATED && text.contains(REOPEN_MARK);
            Episode e = episodes.get(id);
            String key = m.patient() + "|" + m.programme() + "|" + m.episodeType();
            if (e == null) {
                if (m.kind() != Kind.OPENED) {
                    out.add(new Violation(Rule.FIRST_IS_OPENED, i, id, "first message is " + m.kind()));
                }
                e = new Episode(m);
                episodes.put(id, e);
                checkOverlap(out, i, m, episodes);
                String other = openByKey.get(key);
                if (other != null && !other.equals(id)) {
                    out.add(new Violation(Rule.ONE_OPEN, i, id, m.episodeType() + " opened at " + m.start()
                            + " while " + other + " is still open"));
                }
            } else {
                if (m.kind() == Kind.OPENED) {
                    out.add(new Violation(Rule.FIRST_IS_OPENED, i, id, "OPENED again after " + e.last.kind()));
                }
                if (!Objects.equals(e.first.patient(), m.patient()) || !Objects.equals(e.first.programme(), m.programme())
                        || !Objects.equals(e.first.episodeType(), m.episodeType())) {
                    out.add(new Violation(Rule.SAME_EPISODE, i, id, "patient, programme or type changed: "
                            + e.first.episodeType() + "/" + e.first.programme() + " -> " + m.episodeType() + "/" + m.programme()));
                }
                if (!Objects.equals(e.first.start(), m.start())) {
                    out.add(new Violation(Rule.SAME_EPISODE, i, id, "start changed " + e.first.start() + " -> " + m.start()));
                }
                if (e.closed) {
                    boolean lateEscalation = m.kind() == Kind.ESCALATED && m.end() != null;
                    // a record-only update of the closed episode, final (its end): data uploaded late show the
                    // condition before its start (session 25: an episode in a gap's buffer before the alert opened when
                    // the data resumed, recorded on it, not alerted again)
                    boolean lateRecord = m.kind() == Kind.UPDATED && m.end() != null && recordOnly
                            && text.contains(LATE_DATA_MARK);
                    // a re-opened alert is open again until it closes: its late data may escalate it (once an
                    // episode) and its record-only updates say what the late data show (scenario 23)
                    boolean whileReopened = e.reopened && (m.kind() == Kind.ESCALATED
                            || m.kind() == Kind.UPDATED && recordOnly && text.contains(LATE_DATA_MARK));
                    if (reopening) {
                        e.reopened = true;
                    } else if (!lateEscalation && !lateRecord && !whileReopened && !(closing && e.reopened)) {
                        out.add(new Violation(Rule.NOTHING_AFTER_CLOSE, i, id, m.kind() + " after CLOSED"
                                + (m.end() == null ? " (open record)" : "") + ": " + abbreviate(m.description())));
                    }
                    if (reopening) {
                        String other = openByKey.get(key);
                        if (other != null && !other.equals(id)) {
                            out.add(new Violation(Rule.ONE_OPEN, i, id, "re-opened while " + other + " is open"));
                        }
                    }
                }
            }
            // period and status
            if (m.end() != null) {
                if (m.start() != null && m.end().isBefore(m.start())) {
                    out.add(new Violation(Rule.PERIOD_AND_STATUS, i, id, "end " + m.end() + " before start " + m.start()));
                }
                if (!"final".equals(m.observationStatus())) {
                    out.add(new Violation(Rule.PERIOD_AND_STATUS, i, id, "ended record with status " + m.observationStatus()));
                }
            } else {
                if (closing) {
                    out.add(new Violation(Rule.PERIOD_AND_STATUS, i, id, "CLOSED without an end"));
                } else if (!"preliminary".equals(m.observationStatus())) {
                    out.add(new Violation(Rule.PERIOD_AND_STATUS, i, id, "open record with status " + m.observationStatus()));
                }
            }
            // priority
            int p = PRIORITIES.indexOf(m.priority());
            if (p >= 0) {
                if (p < e.maxPriority) {
                    out.add(new Violation(Rule.PRIORITY_KEPT, i, id, m.kind() + " with priority " + m.priority()
                            + " after " + PRIORITIES.get(e.maxPriority)));
                }
                e.maxPriority = Math.max(e.maxPriority, p);
            }
            if (closing && GOES_ON.matcher(text).find()) {
                out.add(new Violation(Rule.CLOSE_TEXT, i, id, "closing text says it goes on: " + abbreviate(m.description())));
            }
            if (recordOnly && m.notifyTeam()) {
                out.add(new Violation(Rule.RECORD_ONLY_SILENT, i, id, "record-only " + m.kind() + " notifies"));
            }
            if (closing && m.notifyTeam() && !m.episodeType().equals("device-offline")
                    && !m.episodeType().equals("beat-to-beat-offline")) {
                out.add(new Violation(Rule.RECORD_ONLY_SILENT, i, id, "a " + m.episodeType() + " close notifies"));
            }
            // the open set, by message order
            if (closing) {
                e.closed = true;
                e.reopened = false;
                String reason = entries.get(i).reason() == null ? "" : entries.get(i).reason().toLowerCase(Locale.ROOT);
                e.restartClosed = text.contains(RESTART_MARK) || reason.contains(RESTART_MARK);
                openByKey.remove(key, id);
            } else if (m.kind() == Kind.OPENED || reopening) {
                openByKey.putIfAbsent(key, id);
                if (reopening) {
                    e.closed = true; // stays "after a close" until it closes again, see NOTHING_AFTER_CLOSE
                }
            }
            e.last = m;
        }
        return out;
    }

    private static void checkOverlap(List<Violation> out, int i, AlertMessage m, Map<String, Episode> episodes) {
        if (m.start() == null) return;
        for (Episode o : episodes.values()) {
            AlertMessage f = o.first;
            if (f == m || !Objects.equals(f.patient(), m.patient()) || !Objects.equals(f.programme(), m.programme())
                    || !Objects.equals(f.episodeType(), m.episodeType()) || !o.closed || o.restartClosed) {
                continue;
            }
            if (o.last.end() != null && f.start() != null && m.start().isBefore(o.last.end()) && !m.start().isBefore(f.start())) {
                out.add(new Violation(Rule.NO_OVERLAP, i, m.episodeId(), m.episodeType() + " starting " + m.start()
                        + " inside " + f.episodeId() + " (" + f.start() + " - " + o.last.end() + ")"));
            }
        }
    }

    private static String abbreviate(String s) {
        if (s == null) return "";
        return s.length() <= 160 ? s : s.substring(0, 157) + "...";
    }
}
