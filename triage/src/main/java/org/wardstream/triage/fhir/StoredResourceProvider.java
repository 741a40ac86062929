package org.wardstream.triage.fhir;

import ca.uhn.fhir.rest.api.server.IBundleProvider;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.param.DateParam;
import ca.uhn.fhir.rest.param.DateRangeParam;
import ca.uhn.fhir.rest.param.ParamPrefixEnum;
import ca.uhn.fhir.rest.param.ReferenceParam;
import ca.uhn.fhir.rest.param.TokenOrListParam;
import ca.uhn.fhir.rest.param.TokenParam;
import ca.uhn.fhir.rest.server.IResourceProvider;
import ca.uhn.fhir.rest.server.exceptions.AuthenticationException;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import ca.uhn.fhir.rest.server.servlet.ServletRequestDetails;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IPrimitiveType;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.InstantType;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Resource;
import org.wardstream.alerting.FhirAlerts;
import org.wardstream.triage.TriageUser;
import org.wardstream.triage.store.Audit;
import org.wardstream.triage.store.SearchQuery;
import org.wardstream.triage.store.TaskStore;
import org.wardstream.triage.web.AuthFilter;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Read, vread and history of a stored resource type, with the user's programme restriction and audit rows. */
abstract class StoredResourceProvider<T extends Resource> implements IResourceProvider {
    protected final TaskStore store;
    protected final Audit audit;
    private final Class<T> type;

    StoredResourceProvider(TaskStore store, Audit audit, Class<T> type) {
        this.store = store;
        this.audit = audit;
        this.type = type;
    }

    @Override
    public Class<T> getResourceType() {
        return type;
    }

    protected String typeName() {
        return type.getSimpleName();
    }

    static TriageUser user(RequestDetails rd) {
        Object u = rd instanceof ServletRequestDetails s ? s.getServletRequest().getAttribute(AuthFilter.USER) : null;
        if (u instanceof TriageUser user) return user;
        throw new AuthenticationException("authentication required");
    }

    protected T parse(TaskStore.Stored s) {
        return FhirAlerts.fhirContext().newJsonParser().parseResource(type, s.json());
    }

    protected T doRead(IdType id, RequestDetails rd) {
        TriageUser u = user(rd);
        Integer version = id.hasVersionIdPart() ? parseVersion(id.getVersionIdPart()) : null;
        var found = store.read(u, typeName(), id.getIdPart(), version);
        audit.record(u.username(), version == null ? "read" : "vread", typeName(), id.getIdPart(),
                version == null ? null : "version " + version, found.isPresent() ? "ok" : "not found");
        return parse(found.orElseThrow(() -> new ResourceNotFoundException(id)));
    }

    /**
     * The parameters an instance history takes ({@code _since}, {@code _at}; {@code _count} and {@code _offset} for its
     * pages) or HAPI applies to any answer.
     */
    static final Set<String> HISTORY_PARAMETERS = Set.of("_since", "_at", "_count", "_offset", "_format", "_pretty",
            "_summary", "_elements");

    /**
     * Every version, newest first; with {@code _since}, those created at or after it; with {@code _at}, those current
     * at some time in its range (each version is current from its lastUpdated until the next version's). Any other
     * parameter is 400, never ignored. A history longer than a page ({@code _count}, default 50) is paged by offset,
     * as HAPI's plain server pages every history: the {@code next} link is the same request with {@code _offset}
     * (the versions skipped, newest first) and {@code _count}; Bundle.total counts every version matched.
     */
    protected IBundleProvider doHistory(IdType id, InstantType since, DateRangeParam at, RequestDetails rd) {
        checkSingleValued(rd);
        for (String name : rd.getParameters().keySet()) {
            if (!HISTORY_PARAMETERS.contains(name)) {
                throw new InvalidRequestException("history does not take " + name
                        + " (it takes _since, _at, _count, _offset)");
            }
        }
        int offset = historyOffset(rd);
        TriageUser u = user(rd);
        List<TaskStore.Stored> versions = store.history(u, typeName(), id.getIdPart());
        List<IBaseResource> kept = new ArrayList<>();
        Instant newer = null; // the lastUpdated of the next version: the end of this one's time as current
        for (TaskStore.Stored s : versions) {
            T version = parse(s);
            // the time served (meta.lastUpdated), not the column: a release before 19 stored the column to the
            // microsecond, rounded, which can be in the next millisecond (TaskStore.versionTime)
            Instant updated = version.getMeta().getLastUpdated().toInstant();
            if ((since == null || !updated.isBefore(since.getValue().toInstant()))
                    && (at == null || currentDuring(updated, newer, at))) {
                kept.add(version);
            }
            newer = updated;
        }
        audit.record(u.username(), "history", typeName(), id.getIdPart(), kept.size() + " versions"
                        + (since == null && at == null ? "" : " of " + versions.size())
                        + (offset == 0 ? "" : ", from the " + (offset + 1) + "th"), versions.isEmpty() ? "not found" : "ok");
        if (versions.isEmpty()) throw new ResourceNotFoundException(id);
        return new HistoryPage(kept, offset);
    }

    /** {@code _offset} of a history page: absent 0, else one whole number of at least 0 (400 otherwise). */
    static int historyOffset(RequestDetails rd) {
        String[] values = rd.getParameters().get("_offset");
        if (values == null || values.length == 0) return 0;
        if (values.length > 1) throw new InvalidRequestException("_offset is given more than once");
        try {
            int offset = Integer.parseInt(values[0]);
            if (offset >= 0) return offset;
        } catch (NumberFormatException e) {
            // refused below
        }
        throw new InvalidRequestException("_offset must be a whole number of at least 0, not '" + values[0] + "'");
    }

    /**
     * One page of an instance history. HAPI's plain server pages a history by offset only
     * ({@code HistoryMethodBinding.isOffsetModeHistory}): for a request with {@code _offset} it serves the method's
     * answer from its start ({@code getResources(0, count)}), so this answer starts at the offset; its size is every
     * version matched (Bundle.total). The {@code next} link HAPI then writes also on the last page is removed by
     * {@link FhirServlet.HistoryLinks}. Never stored for {@code _getpages} ({@link FhirServlet.UserBoundPaging}).
     */
    static final class HistoryPage extends Page {
        private final List<IBaseResource> versions;
        private final int offset;

        HistoryPage(List<IBaseResource> versions, int offset) {
            this.versions = versions;
            this.offset = offset;
        }

        @Override
        public List<IBaseResource> getResources(int from, int to) {
            int start = Math.min(versions.size(), offset + Math.max(0, from));
            return new ArrayList<>(versions.subList(start, Math.max(start, Math.min(versions.size(), offset + to))));
        }

        @Override
        public Integer size() {
            return versions.size();
        }
    }

    /** A page source answered by this service: published when made, no UUID, no preferred page size. */
    abstract static class Page implements IBundleProvider {
        private final InstantType published = InstantType.now();

        @Override
        public IPrimitiveType<Date> getPublished() {
            return published;
        }

        @Override
        public String getUuid() {
            return null;
        }

        @Override
        public Integer preferredPageSize() {
            return null;
        }
    }

    /**
     * Whether a version current from {@code from} until {@code until} (null: still current) was so during the range
     * ({@link #bounds}: a day is that day in {@link #SEARCH_ZONE}, as in a search).
     */
    private static boolean currentDuring(Instant from, Instant until, DateRangeParam range) {
        Period b = bounds(range);
        return (b.end() == null || from.isBefore(b.end())) && (until == null || b.start() == null || until.isAfter(b.start()));
    }

    private static Integer parseVersion(String v) {
        try {
            return Integer.valueOf(v);
        } catch (NumberFormatException e) {
            throw new ResourceNotFoundException("no version " + v);
        }
    }

    /**
     * At most this many matches of one search are kept for its pages (its snapshot); Bundle.total still counts all,
     * and a page beyond them is refused (400: narrow the search).
     */
    static final int SNAPSHOT_MAX = 10_000;

    /**
     * A search's results: the ids of its matches, in order, taken when the search runs (at most
     * {@link #SNAPSHOT_MAX}); each page reads its resources' current versions.
     */
    protected IBundleProvider results(SearchQuery q, RequestDetails rd) {
        TriageUser u = user(rd);
        boolean counted = countRequested(rd);
        List<String> ids = store.searchIds(u, q, SNAPSHOT_MAX + 1);
        boolean complete = ids.size() <= SNAPSHOT_MAX;
        Integer total = !counted ? null : complete ? ids.size() : store.count(u, q);
        audit.record(u.username(), "search", typeName(), null, q.describe() + " -> "
                + (total == null ? "total not counted (_total=none)" : total + " matches"), "ok");
        return new SearchResults(store, u, typeName(), new IdSnapshot(complete ? ids : ids.subList(0, SNAPSHOT_MAX)),
                complete, total, this::parse);
    }

    /**
     * FHIR's {@code _total}: {@code none} leaves Bundle.total out (no count of the matches: the cheapest search);
     * {@code accurate}, {@code estimate} or no parameter: the exact count (an estimate may be exact).
     */
    static boolean countRequested(RequestDetails rd) {
        String[] values = rd.getParameters().get("_total");
        if (values == null || values.length == 0) return true;
        if (values.length > 1) throw new InvalidRequestException("_total is given more than once");
        return switch (values[0]) {
            case "none" -> false;
            case "accurate", "estimate" -> true;
            default -> throw new InvalidRequestException("_total must be none, estimate or accurate, not '" + values[0] + "'");
        };
    }

    /** Ids in order, held compactly (one string and the end of each id): a search's snapshot. */
    static final class IdSnapshot {
        private final String joined;
        private final int[] ends;

        IdSnapshot(List<String> ids) {
            StringBuilder sb = new StringBuilder();
            ends = new int[ids.size()];
            for (int i = 0; i < ends.length; i++) ends[i] = sb.append(ids.get(i)).length();
            joined = sb.toString();
        }

        int size() {
            return ends.length;
        }

        /** The ids from position {@code from} (inclusive) to {@code to} (exclusive), clipped to the snapshot. */
        List<String> slice(int from, int to) {
            List<String> out = new ArrayList<>();
            for (int i = Math.max(0, from); i < Math.min(to, ends.length); i++) {
                out.add(joined.substring(i == 0 ? 0 : ends[i - 1], ends[i]));
            }
            return out;
        }
    }

    /**
     * A search's results for the user who searched (and no one else), with the programmes that user could see at the
     * search: {@link FhirServlet.UserBoundPaging} serves a later page only while the user's current programmes are the
     * same ({@link #sameVisibility}). The pages come from the snapshot of the matches' ids taken when the search ran,
     * so a Task that changes meanwhile (resolved, escalated, a new alert arriving) never shifts another onto a page
     * already served or off every page: each match is served once, in its current version; a resource the user may
     * no longer see is left out (a page of nothing else but such resources says so in an OperationOutcome).
     */
    static final class SearchResults extends Page {
        private final TaskStore store;
        private final TriageUser user;
        private final String type;
        private final IdSnapshot ids;
        private final boolean complete;
        private final Integer total;
        private final java.util.function.Function<TaskStore.Stored, ? extends Resource> parse;

        SearchResults(TaskStore store, TriageUser user, String type, IdSnapshot ids, boolean complete, Integer total,
                      java.util.function.Function<TaskStore.Stored, ? extends Resource> parse) {
            this.store = store;
            this.user = user;
            this.type = type;
            this.ids = ids;
            this.complete = complete;
            this.total = total;
            this.parse = parse;
        }

        TriageUser user() {
            return user;
        }

        /** How many ids the snapshot holds (for the paging provider's bound on all snapshots together). */
        int snapshotSize() {
            return ids.size();
        }

        /** Whether the user as now (read for this request) sees the same programmes as when the search ran. */
        boolean sameVisibility(TriageUser now) {
            return user.username().equals(now.username())
                    && java.util.Objects.equals(user.visibleProgrammes(), now.visibleProgrammes());
        }

        @Override
        public List<IBaseResource> getResources(int from, int to) {
            if (!complete && to > ids.size() && from >= ids.size()) {
                throw new InvalidRequestException("the pages of a search reach its first " + SNAPSHOT_MAX
                        + " matches: narrow the search (e.g. with _lastUpdated or status) to page through the rest");
            }
            List<IBaseResource> out = new ArrayList<>();
            List<String> page = ids.slice(from, to);
            for (TaskStore.Stored s : store.currentVisible(user, type, page)) out.add(parse.apply(s));
            if (out.isEmpty() && !page.isEmpty()) {
                // without an entry, no next link would follow: the rest of the search would be lost
                OperationOutcome oo = new OperationOutcome();
                oo.addIssue().setSeverity(OperationOutcome.IssueSeverity.INFORMATION)
                        .setCode(OperationOutcome.IssueType.INFORMATIONAL)
                        .setDiagnostics("the matches on this page are no longer visible to you; the search goes on");
                out.add(oo);
            }
            return out;
        }

        @Override
        public Integer size() {
            return total;
        }
    }

    // ------------------------------------------------------------------------------------------- parameter helpers

    /** At most this many values in one search, all parameters together (a comma-separated list counts each). */
    static final int MAX_SEARCH_VALUES = 1000;
    /**
     * The {@code _}-parameters a search takes: the ones the providers read, and HAPI's output parameters. Any other
     * ({@code _has}, {@code _filter}, {@code _content}, {@code _text}, {@code _list}, {@code _include}, ...) is refused
     * rather than ignored (ignoring one would widen the search).
     */
    static final Set<String> UNDERSCORE_PARAMETERS = Set.of("_id", "_lastUpdated", "_sort", "_count", "_total",
            "_format", "_pretty", "_summary", "_elements");

    /**
     * Checks a search's parameters before anything is asked of the database: 400 for an unsupported
     * {@code _}-parameter or modifier ({@code name:modifier}), a control character (NUL included) in a name or a
     * value, more than {@link #MAX_SEARCH_VALUES} values, or a negative {@code _count}.
     */
    static void checkSearch(RequestDetails rd, Integer count) {
        checkSingleValued(rd);
        if (count != null && count < 0) throw new InvalidRequestException("_count must be 0 or more, not " + count);
        int values = 0;
        for (Map.Entry<String, String[]> e : rd.getParameters().entrySet()) {
            String name = e.getKey();
            if (hasControlCharacter(name)) throw new InvalidRequestException("a search parameter name contains a control character");
            int colon = name.indexOf(':');
            String base = colon < 0 ? name : name.substring(0, colon);
            if (colon >= 0 && !"_elements:exclude".equals(name)) {
                throw new InvalidRequestException("search modifiers are not supported (" + name + ")");
            }
            if (base.startsWith("_") && !UNDERSCORE_PARAMETERS.contains(base)) {
                throw new InvalidRequestException("unsupported search parameter " + name + " (supported: "
                        + String.join(", ", new java.util.TreeSet<>(UNDERSCORE_PARAMETERS)) + " and the type's own)");
            }
            for (String v : e.getValue()) {
                if (v == null) continue;
                if (hasControlCharacter(v)) {
                    throw new InvalidRequestException("search parameter " + name + " contains a control character");
                }
                values++;
                for (int i = 0; i < v.length(); i++) if (v.charAt(i) == ',') values++;
            }
            if (values > MAX_SEARCH_VALUES) {
                throw new InvalidRequestException("too many search values: at most " + MAX_SEARCH_VALUES
                        + " in one search (split the search)");
            }
        }
    }

    /**
     * The {@code _}-parameters that take one value (a list of them comma-separated, for {@code _sort} and
     * {@code _elements}): given more than once they are 400 naming the parameter, as FHIR servers answer a repeated
     * single-valued parameter. (Until session 20 HAPI took the first {@code _count} of {@code _count=1&_count=5}
     * silently, and {@code _sort} given twice was refused as a key the search "cannot sort by".)
     */
    static final Set<String> SINGLE_VALUED = Set.of("_count", "_offset", "_sort", "_total", "_summary", "_elements",
            "_elements:exclude", "_format", "_pretty", "_since");

    /** 400 for a {@link #SINGLE_VALUED} parameter given more than once (a search's or a history's). */
    static void checkSingleValued(RequestDetails rd) {
        for (Map.Entry<String, String[]> e : new java.util.TreeMap<>(rd.getParameters()).entrySet()) {
            if (SINGLE_VALUED.contains(e.getKey()) && e.getValue() != null && e.getValue().length > 1) {
                throw new InvalidRequestException("parameter " + e.getKey() + " is given " + e.getValue().length
                        + " times: it takes one value" + ("_sort".equals(e.getKey()) || e.getKey().startsWith("_elements")
                        ? " (several are given comma-separated in that one: " + e.getKey() + "=a,b)" : ""));
            }
        }
    }

    private static boolean hasControlCharacter(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7f) return true;
        }
        return false;
    }

    /** The token codes of a parameter, those of another system left out (a code of another system matches nothing). */
    static List<String> codes(TokenOrListParam p, String requiredSystem) {
        List<String> out = new ArrayList<>();
        if (p == null) return out;
        for (TokenParam t : p.getValuesAsQueryTokens()) {
            if (t.getSystem() != null && !t.getSystem().isEmpty() && requiredSystem != null
                    && !requiredSystem.equals(t.getSystem())) {
                continue;
            }
            out.add(t.getValue());
        }
        return out;
    }

    /** column = one of the parameter's codes; when it was given but no code is of the system, nothing matches. */
    static void tokens(SearchQuery q, String column, TokenOrListParam p, String requiredSystem) {
        if (p == null || p.getValuesAsQueryTokens().isEmpty()) return;
        List<String> codes = codes(p, requiredSystem);
        if (codes.isEmpty()) q.none(column + ": no code of " + requiredSystem);
        else q.anyOf(column, codes);
    }

    /**
     * The zone of a search date without a time ({@code 2026-07-01}, {@code 2026-07}, {@code 2026}) or a time without
     * an offset: UTC. A day is that day from 00:00 UTC to the next 00:00 UTC, for every prefix (docs/TRIAGE-SERVICE.md,
     * triage/INTERFACE.md; a day in another zone is searched with times and their offset).
     */
    static final ZoneId SEARCH_ZONE = ZoneOffset.UTC;
    static final String SEARCH_DATES = "a date without a time (2026-07-01, 2026-07, 2026) is that day, month or year in"
            + " UTC, for every prefix; a time without an offset is UTC";

    /** What a search date stands for: from {@code start} (inclusive) to {@code end} (exclusive). */
    record Period(Instant start, Instant end) {
    }

    /** year, month, day, hour, minute, second, fraction, offset: the forms of a FHIR search date (dateTime). */
    private static final Pattern SEARCH_DATE = Pattern.compile("(\\d{4})(?:-(\\d{2})(?:-(\\d{2})"
            + "(?:T(\\d{2}):(\\d{2})(?::(\\d{2})(?:\\.(\\d{1,9}))?)?(Z|[+-]\\d{2}:\\d{2})?)?)?)?");

    /**
     * The period a search date stands for, by its own precision: a year, month or day in {@link #SEARCH_ZONE} (not
     * HAPI's bounds, which widen a day to every time zone on Earth, ~50 hours: adversarial probe 18b, D1), a minute,
     * second or millisecond at its offset (none: {@link #SEARCH_ZONE}).
     */
    static Period period(DateParam d) {
        String v = d.getValueAsString();
        Matcher m = v == null ? null : SEARCH_DATE.matcher(v);
        if (m == null || !m.matches()) throw new InvalidRequestException("not a search date: '" + v + "'");
        try {
            int year = Integer.parseInt(m.group(1));
            if (m.group(2) == null) {
                ZonedDateTime start = LocalDate.of(year, 1, 1).atStartOfDay(SEARCH_ZONE);
                return new Period(start.toInstant(), start.plusYears(1).toInstant());
            }
            int month = Integer.parseInt(m.group(2));
            if (m.group(3) == null) {
                ZonedDateTime start = LocalDate.of(year, month, 1).atStartOfDay(SEARCH_ZONE);
                return new Period(start.toInstant(), start.plusMonths(1).toInstant());
            }
            LocalDate day = LocalDate.of(year, month, Integer.parseInt(m.group(3)));
            if (m.group(4) == null) {
                ZonedDateTime start = day.atStartOfDay(SEARCH_ZONE);
                return new Period(start.toInstant(), start.plusDays(1).toInstant());
            }
            int nanos = m.group(7) == null ? 0 : Integer.parseInt((m.group(7) + "00000000").substring(0, 9));
            LocalDateTime local = day.atTime(Integer.parseInt(m.group(4)), Integer.parseInt(m.group(5)),
                    m.group(6) == null ? 0 : Integer.parseInt(m.group(6)), nanos);
            ZoneId zone = m.group(8) == null ? SEARCH_ZONE : ZoneOffset.of(m.group(8));
            ChronoUnit unit = m.group(6) == null ? ChronoUnit.MINUTES : m.group(7) == null ? ChronoUnit.SECONDS
                    : ChronoUnit.MILLIS;
            Instant start = local.atZone(zone).toInstant().truncatedTo(unit);
            return new Period(start, start.plus(1, unit));
        } catch (DateTimeException e) {
            throw new InvalidRequestException("not a search date: '" + v + "'");
        }
    }

    /**
     * The dates of a parameter, each once (HAPI lists an {@code eq} or {@code ne} value as both bounds); {@code sa},
     * {@code eb} and {@code ap} are refused (400), and so is {@code ne} with another date.
     */
    private static List<DateParam> dates(DateRangeParam r) {
        Map<String, DateParam> distinct = new java.util.LinkedHashMap<>();
        for (DateParam d : r.getValuesAsQueryTokens()) {
            ParamPrefixEnum prefix = d.getPrefix();
            if (prefix == ParamPrefixEnum.STARTS_AFTER || prefix == ParamPrefixEnum.ENDS_BEFORE
                    || prefix == ParamPrefixEnum.APPROXIMATE) {
                throw new InvalidRequestException("date prefix " + prefix.getValue()
                        + " is not supported (eq, ne, gt, ge, lt, le)");
            }
            distinct.putIfAbsent((prefix == null ? ParamPrefixEnum.EQUAL : prefix) + d.getValueAsString(), d);
        }
        List<DateParam> out = new ArrayList<>(distinct.values());
        if (out.size() > 1 && out.stream().anyMatch(d -> d.getPrefix() == ParamPrefixEnum.NOT_EQUAL)) {
            throw new InvalidRequestException("a date with the ne prefix cannot be combined with another");
        }
        return out;
    }

    /**
     * The range a date parameter allows, {@code [start, end)} (either null: open): every date's condition together.
     * A date stands for its {@link #period}: {@code eq} (or none) = within it, {@code ge} = from its start, {@code gt}
     * = from its end, {@code le} = before its end, {@code lt} = before its start; so {@code eq} and {@code ne}, and
     * {@code lt} and {@code ge}, divide the resources between them. Not for {@code ne} (see {@link #dateRange}).
     */
    static Period bounds(DateRangeParam r) {
        Instant start = null;
        Instant end = null;
        for (DateParam d : dates(r)) {
            Period p = period(d);
            ParamPrefixEnum prefix = d.getPrefix() == null ? ParamPrefixEnum.EQUAL : d.getPrefix();
            Instant from = switch (prefix) {
                case EQUAL, GREATERTHAN_OR_EQUALS -> p.start();
                case GREATERTHAN -> p.end();
                default -> null;
            };
            Instant to = switch (prefix) {
                case EQUAL, LESSTHAN_OR_EQUALS -> p.end();
                case LESSTHAN -> p.start();
                default -> null;
            };
            if (prefix == ParamPrefixEnum.NOT_EQUAL) throw new InvalidRequestException("the ne prefix is not supported here (eq, gt, ge, lt, le)");
            if (from != null && (start == null || from.isAfter(start))) start = from;
            if (to != null && (end == null || to.isBefore(end))) end = to;
        }
        return new Period(start, end);
    }

    /**
     * A date parameter: {@code eq} (or none), {@code ge}, {@code gt}, {@code le}, {@code lt} and {@code ne} (outside
     * the value's period, e.g. not on that day), each by the date's {@link #period} ({@link #bounds});
     * {@code sa}, {@code eb} and {@code ap} are refused (400).
     */
    static void dateRange(SearchQuery q, String column, DateRangeParam r) {
        if (r == null) return;
        List<DateParam> given = dates(r);
        if (given.size() == 1 && given.get(0).getPrefix() == ParamPrefixEnum.NOT_EQUAL) {
            Period p = period(given.get(0));
            q.outside(column, p.start(), p.end());
            return;
        }
        Period b = bounds(r);
        q.range(column, b.start(), true, b.end(), false);
    }

    /**
     * {@code patient.identifier=system|value} (or a bare value): patient = the pseudonym; an identifier of another
     * system matches nothing.
     */
    static void byPatient(SearchQuery q, ReferenceParam p) {
        if (p == null) return;
        String v = p.getValue();
        if (p.getChain() != null && !"identifier".equals(p.getChain())) {
            throw new InvalidRequestException("only the identifier chain is supported: patient.identifier=system|value");
        }
        if (p.getChain() == null) {
            throw new InvalidRequestException("search by patient.identifier=" + FhirAlerts.PATIENT_PSEUDONYM_SYSTEM
                    + "|<pseudonym> (there is no Patient resource here)");
        }
        int bar = v.indexOf('|');
        if (bar >= 0) {
            String system = v.substring(0, bar);
            if (!system.isEmpty() && !FhirAlerts.PATIENT_PSEUDONYM_SYSTEM.equals(system)) {
                q.none("patient: an identifier of another system");
                return;
            }
            v = v.substring(bar + 1);
        }
        q.anyOf("patient", List.of(v));
    }

    static Instant now() {
        return Instant.now();
    }
}
