package org.wardstream.alerting;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.LenientErrorHandler;
import ca.uhn.fhir.model.api.TemporalPrecisionEnum;
import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.parser.IParser;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Device;
import org.hl7.fhir.r4.model.Duration;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.InstantType;
import org.hl7.fhir.r4.model.Narrative;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Provenance;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.DomainResource;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.Task;
import org.hl7.fhir.r4.model.UnsignedIntType;
import org.wardstream.episodes.AlertChange;
import org.wardstream.rules.EpisodeType;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Date;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import java.util.TimeZone;
import java.util.TreeMap;

/**
 * The alert message contract (DESIGN.md, "Alert message"): one {@link AlertChange} becomes one FHIR R4
 * {@code transaction} Bundle, JSON on one line, holding
 * <ol>
 *   <li>{@code Observation/<episodeId>}: the episode (episode-type coding plus SNOMED CT finding where one exists,
 *       pseudonymous subject, effectivePeriod, {@code preliminary} while open and {@code final} once closed,
 *       evidence as components with LOINC/UCUM, a {@code delayed-by} extension when raised from delayed data);</li>
 *   <li>{@code Task/<episodeId>}: the triage work item (status, intent {@code order}, priority = severity,
 *       authoredOn = when raised, focus = the Observation, businessStatus = the lifecycle step);</li>
 *   <li>{@code Provenance/<changeId>}: target Observation and Task, the detector as a contained Device (name and
 *       version), the rule file and version as policy.</li>
 * </ol>
 * Each of the three carries the patient's programme as a {@code meta.tag} ({@link #PROGRAMME_SYSTEM}) when the
 * context knows it ({@link AlertContext#programme}); the episode id includes it too.
 * Every entry is a {@code PUT} to {@code Type/id}, and every id is derived from the AlertChange (the Observation and
 * Task ids are the episode id, the Provenance and Bundle id hash the episode id with the change), so a retried or
 * replayed write is idempotent and the same input always gives the same bytes. No wall clock is read.
 *
 * <p>Thread-safe. One {@link FhirContext} per JVM (lazy holder); a new parser per call; no HAPI object outlives a
 * call, so nothing here belongs in Flink state. Kafka key of the message: {@link AlertChange#patient()}.
 */
public final class FhirAlerts {

    public static final String EPISODE_TYPE_SYSTEM = "https://wardstream.org/fhir/CodeSystem/episode-type";
    public static final String PATIENT_PSEUDONYM_SYSTEM = "https://wardstream.org/fhir/Id/patient-pseudonym";
    /**
     * The {@code meta.tag} system of the programme that issued the patient's pseudonym (code = the programme code, as in
     * the enrolment): on the Observation, Task and Provenance of every message that knows it. The same pseudonym in two
     * programmes is two patients; a consumer files the alert under this programme.
     */
    public static final String PROGRAMME_SYSTEM = "https://wardstream.org/fhir/CodeSystem/programme";
    public static final String EVIDENCE_SYSTEM = "https://wardstream.org/fhir/CodeSystem/alert-evidence";
    public static final String LIFECYCLE_SYSTEM = "https://wardstream.org/fhir/CodeSystem/alert-lifecycle";
    public static final String TASK_TYPE_SYSTEM = "https://wardstream.org/fhir/CodeSystem/alert-task";
    public static final String DELAYED_BY_URL = "https://wardstream.org/fhir/StructureDefinition/delayed-by";
    public static final String NOTIFY_TEAM_URL = "https://wardstream.org/fhir/StructureDefinition/notify-team";
    public static final String SUPPRESSED_RECURRENCES_URL =
            "https://wardstream.org/fhir/StructureDefinition/suppressed-recurrences";
    public static final String RULE_POLICY_BASE = "https://wardstream.org/alert-rules/";

    static final String SNOMED = "http://snomed.info/sct";
    static final String LOINC = "http://loinc.org";
    static final String UCUM = "http://unitsofmeasure.org";
    static final String OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category";
    static final String INTERPRETATION = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation";
    static final String DATA_OPERATION = "http://terminology.hl7.org/CodeSystem/v3-DataOperation";
    static final String ACT_REASON = "http://terminology.hl7.org/CodeSystem/v3-ActReason";
    static final String PROVENANCE_PARTICIPANT = "http://terminology.hl7.org/CodeSystem/provenance-participant-type";
    static final String DETECTOR_CONTAINED_ID = "detector";

    private static final TimeZone UTC = TimeZone.getTimeZone("UTC");

    private FhirAlerts() {
    }

    /** One FhirContext per JVM, created on first use (class initialisation is thread-safe). */
    private static final class Holder {
        static final FhirContext R4 = quiet(FhirContext.forR4());

        /**
         * HAPI's default parse error handler logs what it finds odd in a resource it reads, quoting the element or
         * value ("Unknown element 'Jane_Doe_9434765919' found"): a message or request that is not the contract's would
         * write a name or an NHS number into the log, which holds only pseudonyms. The handler here logs nothing and
         * still refuses an invalid value (DataFormatException, as the default does); the readers report what they
         * refuse without its values.
         */
        private static FhirContext quiet(FhirContext context) {
            context.setParserErrorHandler(new LenientErrorHandler(false).setErrorOnInvalidValue(true));
            return context;
        }
    }

    /** The shared R4 context (expensive to create, thread-safe to use). */
    public static FhirContext fhirContext() {
        return Holder.R4;
    }

    /** {@link #toJson(AlertChange, AlertContext)} without delay or receipt time. */
    public static String toJson(AlertChange change) {
        return toJson(change, AlertContext.NONE);
    }

    /**
     * Encodes one alert state change as the contract's transaction Bundle, JSON on one line.
     *
     * @throws IllegalArgumentException if the change lacks a patient, episode id, type, severity or kind, or the
     *                                  pseudonym or episode id is not usable as given (blank, surrounding spaces)
     */
    public static String toJson(AlertChange change, AlertContext context) {
        Objects.requireNonNull(change, "change");
        AlertContext ctx = context == null ? AlertContext.NONE : context;
        check(change);
        check(ctx);
        Bundle bundle = toBundle(change, ctx);
        IParser parser = fhirContext().newJsonParser();
        parser.setPrettyPrint(false);
        return parser.encodeResourceToString(bundle);
    }

    /**
     * The Provenance (and Bundle) id of one state change: 32 hex chars of SHA-256 over the change's identity
     * (episode, kind, time, reason). Not the severity: an escalation found by a pattern may reach the lifecycle
     * before or after the episode's close, which changes the severity the close carries but not which changes
     * there are; either way the resources end in the same state (final, escalated).
     */
    public static String changeId(AlertChange c) {
        return sha256Hex(c.episodeId() + "\n" + c.kind() + "\n" + Instant.ofEpochMilli(c.atMs()) + "\n"
                + (c.reason() == null ? "" : c.reason()));
    }

    // ---------------------------------------------------------------------------------------------- encoding

    private static void check(AlertChange c) {
        requireToken(c.patient(), "patient");
        if (looksLikeNhsNumber(c.patient())) {
            throw new IllegalArgumentException("the patient key looks like an NHS number; alerts carry only the pseudonym");
        }
        requireToken(c.episodeId(), "episodeId");
        if (!c.episodeId().matches("[A-Za-z0-9\\-.]{1,64}")) {
            throw new IllegalArgumentException("episodeId is not a valid FHIR id: " + c.episodeId());
        }
        Objects.requireNonNull(c.kind(), "kind");
        Objects.requireNonNull(c.type(), "type");
        Objects.requireNonNull(c.severity(), "severity");
        requireToken(c.detectorVersion(), "detectorVersion");
    }

    private static void check(AlertContext ctx) {
        if (ctx.programme() != null) requireToken(ctx.programme(), "programme");
    }

    /**
     * A safety net, not a pseudonymisation check: true for 10 digits (spaces or hyphens allowed) with a valid NHS
     * number modulus-11 check digit, so a mis-keyed stream cannot put a real NHS number into an alert.
     */
    static boolean looksLikeNhsNumber(String s) {
        String digits = s.replace(" ", "").replace("-", "");
        if (digits.length() != 10 || !digits.chars().allMatch(ch -> ch >= '0' && ch <= '9')) return false;
        int sum = 0;
        for (int i = 0; i < 9; i++) sum += (digits.charAt(i) - '0') * (10 - i);
        int check = 11 - (sum % 11);
        if (check == 11) check = 0;
        return check != 10 && check == digits.charAt(9) - '0';
    }

    private static void requireToken(String s, String what) {
        if (s == null || s.isBlank() || !s.equals(s.strip())) {
            throw new IllegalArgumentException(what + " must be non-blank without surrounding whitespace: '" + s + "'");
        }
    }

    private static Bundle toBundle(AlertChange c, AlertContext ctx) {
        String episodeId = c.episodeId();
        String changeId = changeId(c);
        long raisedAtMs = ctx.raisedAtMs(c.atMs());
        String obsUrl = fullUrl("Observation", episodeId);
        String taskUrl = fullUrl("Task", episodeId);

        Observation obs = observation(c, ctx, raisedAtMs);
        Task task = task(c, ctx, raisedAtMs, obsUrl);
        Provenance prov = provenance(c, raisedAtMs, obsUrl, taskUrl);

        Bundle b = new Bundle();
        b.setId(changeId);
        b.setType(Bundle.BundleType.TRANSACTION);
        b.setTimestampElement(instant(raisedAtMs));
        String description = Descriptions.describe(c, ctx);
        narrative(obs, description);
        narrative(task, description);
        narrative(prov, lifecycleDisplay(c) + " by " + c.detectorVersion() + " under rule " + c.type().code()
                + " version " + c.ruleVersion() + ".");
        if (ctx.programme() != null) {
            for (Resource r : new Resource[]{obs, task, prov}) r.getMeta().addTag(PROGRAMME_SYSTEM, ctx.programme(), null);
        }
        put(b, obs, "Observation", episodeId);
        put(b, task, "Task", episodeId);
        put(b, prov, "Provenance", changeId);
        return b;
    }

    /**
     * The entry's fullUrl: a deterministic name-based {@code urn:uuid} of "Type/id". References between the three
     * resources use these, as the transaction rules intend: the receiving server resolves them to the PUT targets
     * ({@code Observation/<episodeId>}, ...), and a reader of the message resolves them inside the Bundle.
     */
    public static String fullUrl(String resourceType, String id) {
        return "urn:uuid:" + uuidFrom(resourceType + "/" + id);
    }

    /** A short generated narrative (dom-6), for FHIR viewers that show text.div. */
    private static void narrative(DomainResource r, String text) {
        Narrative n = new Narrative();
        n.setStatus(Narrative.NarrativeStatus.GENERATED);
        n.setDivAsString("<div xmlns=\"http://www.w3.org/1999/xhtml\"><p>" + xml(text) + "</p></div>");
        r.setText(n);
    }

    private static String xml(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    private static void put(Bundle b, Resource r, String type, String id) {
        r.setId(id);
        Bundle.BundleEntryComponent e = b.addEntry();
        e.setFullUrl(fullUrl(type, id));
        e.setResource(r);
        e.getRequest().setMethod(Bundle.HTTPVerb.PUT).setUrl(type + "/" + id);
    }

    private static Observation observation(AlertChange c, AlertContext ctx, long raisedAtMs) {
        Observation o = new Observation();
        boolean ended = c.ended();
        o.setStatus(ended ? Observation.ObservationStatus.FINAL : Observation.ObservationStatus.PRELIMINARY);
        category(c.type(), o);

        CodeableConcept code = new CodeableConcept();
        code.addCoding(new Coding(EPISODE_TYPE_SYSTEM, c.type().code(), episodeTypeDisplay(c.type())));
        Coding snomed = snomed(c.type());
        if (snomed != null) code.addCoding(snomed);
        code.setText(Descriptions.title(c));
        o.setCode(code);

        o.setSubject(pseudonym(c.patient()));
        Period p = new Period();
        p.setStartElement(dateTime(c.episodeStartMs()));
        if (ended) p.setEndElement(dateTime(c.episodeEndMs()));
        o.setEffective(p);
        o.setIssuedElement(instant(raisedAtMs));

        Coding interpretation = interpretation(c.type());
        if (interpretation != null) o.addInterpretation(new CodeableConcept().addCoding(interpretation));

        if (ctx.isDelayed()) {
            o.addExtension(new Extension(DELAYED_BY_URL, delay(ctx.delayedByMs())));
            o.addNote().setText("Raised from delayed data: the evidence reached wardstream "
                    + Descriptions.duration(ctx.delayedByMs()) + " after it was recorded.");
        }
        components(c, ctx, o);
        return o;
    }

    /** The Observation component of the pacemaker caveat ({@link AlertContext#pacemaker}): code and display. */
    static final String PACEMAKER_CODE = "cardiac-pacemaker";
    static final String PACEMAKER_DISPLAY = "Pacemaker recorded at enrolment: pacing can hide AF from pulse timing";

    /**
     * The Observation component of a device-offline episode whose device has sent nothing since the patient's alerts
     * started or resumed ({@link org.wardstream.episodes.Transition#NO_DATA_SINCE_MONITORING_START}): code and display.
     */
    static final String NO_DATA_SINCE_START_CODE = "no-data-since-monitoring-start";
    static final String NO_DATA_SINCE_START_DISPLAY =
            "No data since monitoring started: the device has sent nothing since the patient's alerts started or resumed";

    private static void components(AlertChange c, AlertContext ctx, Observation o) {
        BigDecimal minutes = Evidence.decimal(Descriptions.durationMs(c) / 60_000.0, Evidence.DURATION.decimals());
        String durationDisplay = c.type() == EpisodeType.DEVICE_OFFLINE ? "Time without data"
                : c.type() == EpisodeType.BEAT_TO_BEAT_OFFLINE ? "Time without beat-to-beat data" : Evidence.DURATION.display();
        o.addComponent().setCode(evidenceCode(Evidence.DURATION, durationDisplay)).setValue(quantity(minutes, "min"));

        Map<String, Double> ev = c.evidence() == null ? Map.of() : c.evidence();
        for (Evidence.Spec s : Evidence.KNOWN) {
            Double raw = Evidence.get(ev, s.key());
            if (raw == null) continue;
            o.addComponent().setCode(evidenceCode(s, s.display())).setValue(quantity(Evidence.scaled(s, raw), s.ucum()));
        }
        if (ctx.pacemakerCaveat(c)) {
            CodeableConcept cc = new CodeableConcept().addCoding(new Coding(EVIDENCE_SYSTEM, PACEMAKER_CODE, PACEMAKER_DISPLAY));
            cc.setText(PACEMAKER_DISPLAY);
            o.addComponent().setCode(cc).setValue(new BooleanType(true));
        }
        if (Descriptions.noDataSinceMonitoringStart(c)) {
            CodeableConcept cc = new CodeableConcept().addCoding(
                    new Coding(EVIDENCE_SYSTEM, NO_DATA_SINCE_START_CODE, NO_DATA_SINCE_START_DISPLAY));
            cc.setText(NO_DATA_SINCE_START_DISPLAY);
            o.addComponent().setCode(cc).setValue(new BooleanType(true));
        }
        for (Map.Entry<String, Double> e : new TreeMap<>(ev).entrySet()) {
            if (Evidence.isKnown(e.getKey()) || e.getValue() == null || !Double.isFinite(e.getValue())
                    || e.getKey().equals(org.wardstream.episodes.Transition.NO_DATA_SINCE_MONITORING_START)) continue;
            CodeableConcept cc = new CodeableConcept().addCoding(new Coding(EVIDENCE_SYSTEM, e.getKey(), null));
            cc.setText(e.getKey());
            Quantity q = new Quantity();
            q.setValue(Evidence.decimal(e.getValue(), 6));
            o.addComponent().setCode(cc).setValue(q);
        }
    }

    private static CodeableConcept evidenceCode(Evidence.Spec s, String display) {
        CodeableConcept cc = new CodeableConcept();
        cc.addCoding(new Coding(EVIDENCE_SYSTEM, s.code(), display));
        if (s.loinc() != null) cc.addCoding(new Coding(LOINC, s.loinc(), s.loincDisplay()));
        cc.setText(display);
        return cc;
    }

    private static Quantity quantity(BigDecimal value, String ucum) {
        Quantity q = new Quantity();
        q.setValue(value);
        q.setUnit(ucum);
        q.setSystem(UCUM);
        q.setCode(ucum);
        return q;
    }

    private static Duration delay(long ms) {
        Duration d = new Duration();
        d.setValue(BigDecimal.valueOf(Math.round(ms / 1000.0)));
        d.setUnit("s");
        d.setSystem(UCUM);
        d.setCode("s");
        return d;
    }

    private static Task task(AlertChange c, AlertContext ctx, long raisedAtMs, String observationUrl) {
        Task t = new Task();
        boolean closed = c.kind() == AlertChange.Kind.CLOSED;
        boolean selfResolved = closed && selfResolving(c.type());
        t.setStatus(selfResolved ? Task.TaskStatus.CANCELLED : Task.TaskStatus.REQUESTED);
        if (selfResolved) {
            t.setStatusReason(new CodeableConcept().setText(switch (c.type()) {
                case DEVICE_OFFLINE -> "Device reconnected: resolved without action";
                case BEAT_TO_BEAT_OFFLINE -> "Beat-to-beat data resumed: resolved without action";
                default -> "Resolved without action";
            }));
        }
        t.setBusinessStatus(new CodeableConcept().addCoding(
                new Coding(LIFECYCLE_SYSTEM, lifecycleCode(c.kind()), lifecycleDisplay(c))));
        t.setIntent(Task.TaskIntent.ORDER);
        t.setPriority(Task.TaskPriority.fromCode(c.severity().code()));
        boolean technical = c.type().technical();
        t.setCode(new CodeableConcept().addCoding(technical
                ? new Coding(TASK_TYPE_SYSTEM, "technical-check", "Check the patient's device and connectivity")
                : new Coding(TASK_TYPE_SYSTEM, "clinical-review", "Clinical triage review of a remote-monitoring episode")));
        t.setDescription(Descriptions.describe(c, ctx));
        t.setFocus(new Reference(observationUrl).setType("Observation"));
        t.setFor(pseudonym(c.patient()));
        t.setAuthoredOnElement(dateTime(raisedAtMs));
        t.setLastModifiedElement(dateTime(raisedAtMs));
        t.addExtension(new Extension(NOTIFY_TEAM_URL, new BooleanType(c.notifyTeam())));
        if (c.suppressedRecurrences() > 0) {
            t.addExtension(new Extension(SUPPRESSED_RECURRENCES_URL, new UnsignedIntType(c.suppressedRecurrences())));
        }
        return t;
    }

    private static Provenance provenance(AlertChange c, long raisedAtMs, String observationUrl, String taskUrl) {
        Provenance p = new Provenance();
        p.addTarget(new Reference(observationUrl).setType("Observation"));
        p.addTarget(new Reference(taskUrl).setType("Task"));
        p.setOccurred(dateTime(c.atMs()));
        p.setRecordedElement(instant(raisedAtMs));
        p.addPolicy(RULE_POLICY_BASE + c.type().code() + ".yaml#version=" + c.ruleVersion());
        boolean create = c.kind() == AlertChange.Kind.OPENED;
        p.setActivity(new CodeableConcept().addCoding(create
                ? new Coding(DATA_OPERATION, "CREATE", "create")
                : new Coding(DATA_OPERATION, "UPDATE", "revise")));
        CodeableConcept reason = new CodeableConcept().addCoding(new Coding(ACT_REASON, "TREAT", "treatment"));
        boolean ownUpdate = c.kind() == AlertChange.Kind.UPDATED && !reminderOrWithoutReason(c); // its display says why
        reason.setText(ownUpdate ? lifecycleDisplay(c)
                : lifecycleDisplay(c.kind()) + (c.reason() == null || c.reason().isBlank() ? "" : ": " + c.reason().strip()));
        p.addReason(reason);

        String[] nameVersion = splitDetector(c.detectorVersion());
        Device detector = new Device();
        detector.setId(DETECTOR_CONTAINED_ID);
        detector.addDeviceName().setName(nameVersion[0]).setType(Device.DeviceNameType.MODELNAME);
        if (nameVersion[1] != null) detector.addVersion().setValue(nameVersion[1]);
        detector.setType(new CodeableConcept().setText("wardstream episode detector (software)"));
        p.addContained(detector);
        Provenance.ProvenanceAgentComponent agent = p.addAgent();
        agent.setType(new CodeableConcept().addCoding(new Coding(PROVENANCE_PARTICIPANT, "author", "Author")));
        agent.setWho(new Reference("#" + DETECTOR_CONTAINED_ID).setDisplay(c.detectorVersion()));
        return p;
    }

    /** "wardstream-rr-analyser/1" -> [name, version]; no slash -> [whole, null]. */
    static String[] splitDetector(String detectorVersion) {
        int slash = detectorVersion.lastIndexOf('/');
        if (slash <= 0 || slash == detectorVersion.length() - 1) return new String[]{detectorVersion, null};
        return new String[]{detectorVersion.substring(0, slash), detectorVersion.substring(slash + 1)};
    }

    private static Reference pseudonym(String patient) {
        Reference r = new Reference();
        r.setType("Patient");
        r.setIdentifier(new Identifier().setSystem(PATIENT_PSEUDONYM_SYSTEM).setValue(patient));
        return r;
    }

    /** Technical episodes whose end resolves the work item; a clinical episode's end does not. */
    static boolean selfResolving(EpisodeType type) {
        return type.technical();
    }

    private static void category(EpisodeType type, Observation o) {
        switch (type) {
            case ATRIAL_FIBRILLATION, TACHYCARDIA, BRADYCARDIA, PAUSE -> o.addCategory().addCoding(
                    new Coding(OBSERVATION_CATEGORY, "vital-signs", "Vital Signs"));
            case INACTIVITY -> o.addCategory().addCoding(new Coding(OBSERVATION_CATEGORY, "activity", "Activity"));
            case DEVICE_OFFLINE, BEAT_TO_BEAT_OFFLINE -> { } // technical: no HL7 observation category fits; the episode-type code says it
        }
    }

    /** SNOMED CT findings where a correct one exists (see the module README for the choices). */
    static Coding snomed(EpisodeType type) {
        return switch (type) {
            case ATRIAL_FIBRILLATION -> new Coding(SNOMED, "164889003", "Electrocardiographic atrial fibrillation");
            case TACHYCARDIA -> new Coding(SNOMED, "3424008", "Tachycardia");
            case BRADYCARDIA -> new Coding(SNOMED, "48867003", "Bradycardia");
            case PAUSE, INACTIVITY, DEVICE_OFFLINE, BEAT_TO_BEAT_OFFLINE -> null;
        };
    }

    private static Coding interpretation(EpisodeType type) {
        return switch (type) {
            case TACHYCARDIA -> new Coding(INTERPRETATION, "H", "High");
            case BRADYCARDIA -> new Coding(INTERPRETATION, "L", "Low");
            case ATRIAL_FIBRILLATION, PAUSE, INACTIVITY -> new Coding(INTERPRETATION, "A", "Abnormal");
            case DEVICE_OFFLINE, BEAT_TO_BEAT_OFFLINE -> null;
        };
    }

    static String episodeTypeDisplay(EpisodeType type) {
        return switch (type) {
            case ATRIAL_FIBRILLATION -> "Atrial fibrillation episode";
            case TACHYCARDIA -> "Tachycardia episode";
            case BRADYCARDIA -> "Bradycardia episode";
            case PAUSE -> "Pause episode";
            case INACTIVITY -> "Inactivity episode";
            case DEVICE_OFFLINE -> "Device offline episode";
            case BEAT_TO_BEAT_OFFLINE -> "Beat-to-beat data offline episode";
        };
    }

    static String lifecycleCode(AlertChange.Kind kind) {
        return switch (kind) {
            case OPENED -> "opened";
            case UPDATED -> "updated";
            case ESCALATED -> "escalated";
            case CLOSED -> "closed";
        };
    }

    static String lifecycleDisplay(AlertChange.Kind kind) {
        return switch (kind) {
            case OPENED -> "Alert opened";
            case UPDATED -> "Still ongoing (reminder)";
            case ESCALATED -> "Escalated";
            case CLOSED -> "Episode ended";
        };
    }

    /**
     * The lifecycle step as shown (Task.businessStatus display, the Provenance's text): {@link #lifecycleDisplay(AlertChange.Kind)},
     * except for an update that is no reminder: what it is, its reason, and whether the team was notified (an AF
     * alert whose data resumed after a gap with the AF still present: "Updated (record only): data resumed after 15
     * min without data; AF still present (the same episode)"), never "Still ongoing (reminder)".
     */
    static String lifecycleDisplay(AlertChange c) {
        if (c.kind() != AlertChange.Kind.UPDATED || reminderOrWithoutReason(c)) return lifecycleDisplay(c.kind());
        return (c.notifyTeam() ? "Updated: " : "Updated (record only): ") + c.reason().strip();
    }

    /** Whether an update is the re-notification "still ongoing" (or carries no reason of its own). */
    private static boolean reminderOrWithoutReason(AlertChange c) {
        return c.reason() == null || c.reason().isBlank() || c.reason().strip().equals(AlertChange.STILL_ONGOING);
    }

    private static DateTimeType dateTime(long ms) {
        DateTimeType d = new DateTimeType(new Date(ms), ms % 1000 == 0 ? TemporalPrecisionEnum.SECOND
                : TemporalPrecisionEnum.MILLI, UTC);
        d.setTimeZoneZulu(true);
        return d;
    }

    private static InstantType instant(long ms) {
        InstantType i = new InstantType(new Date(ms), ms % 1000 == 0 ? TemporalPrecisionEnum.SECOND
                : TemporalPrecisionEnum.MILLI, UTC);
        i.setTimeZoneZulu(true);
        return i;
    }

    static String sha256Hex(String input) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(input.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(h, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }

    /** A name-based (version 5 style, SHA-256 truncated) UUID, so fullUrls are deterministic too. */
    static String uuidFrom(String name) {
        String h = sha256Hex("wardstream-fullurl\n" + name);
        char variant = "89ab".charAt(Character.digit(h.charAt(16), 16) & 3);
        return h.substring(0, 8) + "-" + h.substring(8, 12) + "-5" + h.substring(13, 16) + "-" + variant
                + h.substring(17, 20) + "-" + h.substring(20, 32);
    }

    // ---------------------------------------------------------------------------------------------- reading

    /**
     * Reads one alert message (as written by {@link #toJson}) with HAPI.
     *
     * @throws IllegalArgumentException if it is not JSON FHIR, not a Bundle, or lacks the Observation, Task, the
     *                                  episode-type coding or the pseudonym
     */
    public static AlertMessage parse(String bundleJson) {
        Bundle b;
        try {
            IParser parser = fhirContext().newJsonParser();
            b = parser.parseResource(Bundle.class, bundleJson);
        } catch (DataFormatException | ClassCastException e) {
            throw new IllegalArgumentException("not a FHIR R4 Bundle: " + e.getMessage(), e);
        }
        return read(b);
    }

    /**
     * {@link #parse} for a Bundle already parsed (a consumer that also keeps the resources parses once).
     *
     * @throws IllegalArgumentException if it lacks the Observation, Task, the episode-type coding or the pseudonym,
     *                                  or its Task and Observation are tagged with different programmes
     */
    public static AlertMessage read(Bundle b) {
        Observation obs = null;
        Task task = null;
        Provenance prov = null;
        for (Bundle.BundleEntryComponent e : b.getEntry()) {
            Resource r = e.getResource();
            if (r instanceof Observation o && obs == null) obs = o;
            else if (r instanceof Task t && task == null) task = t;
            else if (r instanceof Provenance p && prov == null) prov = p;
        }
        if (obs == null || task == null) throw new IllegalArgumentException("alert Bundle without Observation or Task");

        String type = obs.getCode().getCoding().stream().filter(cd -> EPISODE_TYPE_SYSTEM.equals(cd.getSystem()))
                .map(Coding::getCode).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("Observation without an " + EPISODE_TYPE_SYSTEM + " coding"));
        Identifier subject = obs.getSubject().getIdentifier();
        if (!PATIENT_PSEUDONYM_SYSTEM.equals(subject.getSystem()) || subject.getValue() == null) {
            throw new IllegalArgumentException("Observation.subject has no " + PATIENT_PSEUDONYM_SYSTEM + " identifier");
        }
        Period period = obs.hasEffectivePeriod() ? obs.getEffectivePeriod() : new Period();
        Instant start = period.getStart() == null ? null : period.getStart().toInstant();
        Instant end = period.getEnd() == null ? null : period.getEnd().toInstant();

        AlertChange.Kind kind = task.getBusinessStatus().getCoding().stream()
                .filter(cd -> LIFECYCLE_SYSTEM.equals(cd.getSystem())).map(Coding::getCode)
                .map(FhirAlerts::kindOf).filter(Objects::nonNull).findFirst().orElse(null);
        Extension delayed = obs.getExtensionByUrl(DELAYED_BY_URL);
        Long delayedByMs = null;
        if (delayed != null && delayed.getValue() instanceof Duration d && d.getValue() != null) {
            BigDecimal v = d.getValue();
            delayedByMs = switch (d.getCode() == null ? "s" : d.getCode()) {
                case "ms" -> v.longValue();
                case "min" -> v.multiply(BigDecimal.valueOf(60_000)).longValue();
                case "h" -> v.multiply(BigDecimal.valueOf(3_600_000)).longValue();
                default -> v.multiply(BigDecimal.valueOf(1000)).longValue();
            };
        }
        Extension notify = task.getExtensionByUrl(NOTIFY_TEAM_URL);
        boolean notifyTeam = notify != null && notify.getValue() instanceof BooleanType bt && bt.booleanValue();

        String detector = null;
        if (prov != null && !prov.getAgent().isEmpty()) {
            Reference who = prov.getAgentFirstRep().getWho();
            detector = who.getDisplay();
            if (detector == null && who.getResource() instanceof Device dev && dev.hasDeviceName()) {
                detector = dev.getDeviceNameFirstRep().getName()
                        + (dev.hasVersion() ? "/" + dev.getVersionFirstRep().getValue() : "");
            }
        }
        String programme = programmeOf(task);
        String obsProgramme = programmeOf(obs);
        if (programme == null) programme = obsProgramme;
        else if (obsProgramme != null && !obsProgramme.equals(programme)) {
            throw new IllegalArgumentException("the Task and the Observation are tagged with different programmes");
        }
        return new AlertMessage(
                b.getIdElement().getIdPart(),
                subject.getValue(),
                type,
                obs.getIdElement().getIdPart(),
                obs.getStatus() == null ? null : obs.getStatus().toCode(),
                start,
                end,
                kind,
                task.getStatus() == null ? null : task.getStatus().toCode(),
                task.getPriority() == null ? null : task.getPriority().toCode(),
                task.getAuthoredOn() == null ? null : task.getAuthoredOn().toInstant(),
                notifyTeam,
                delayedByMs,
                detector,
                task.getDescription(),
                programme);
    }

    /** The code of the resource's {@link #PROGRAMME_SYSTEM} tag, or null (a message of a release before it). */
    public static String programmeOf(Resource r) {
        for (Coding tag : r.getMeta().getTag()) {
            if (PROGRAMME_SYSTEM.equals(tag.getSystem()) && tag.getCode() != null && !tag.getCode().isBlank()) {
                return tag.getCode();
            }
        }
        return null;
    }

    /**
     * The change's own time, for putting one episode's changes in order whatever order they arrive in: the
     * Provenance's {@code occurred} (the {@link AlertChange#atMs()} the message was made from), else the Task's
     * {@code lastModified}, else the Bundle's {@code timestamp}; null if the message has none of them.
     */
    public static Instant changedAt(Bundle b) {
        Task task = null;
        for (Bundle.BundleEntryComponent e : b.getEntry()) {
            Resource r = e.getResource();
            if (r instanceof Provenance p && p.hasOccurredDateTimeType() && p.getOccurredDateTimeType().getValue() != null) {
                return p.getOccurredDateTimeType().getValue().toInstant();
            }
            if (r instanceof Task t && task == null) task = t;
        }
        if (task != null && task.getLastModified() != null) return task.getLastModified().toInstant();
        return b.getTimestamp() == null ? null : b.getTimestamp().toInstant();
    }

    private static AlertChange.Kind kindOf(String code) {
        for (AlertChange.Kind k : AlertChange.Kind.values()) if (lifecycleCode(k).equals(code)) return k;
        return null;
    }
}
