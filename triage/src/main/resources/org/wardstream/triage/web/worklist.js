/* wardstream triage worklist: plain JavaScript, no build step, no framework.
 * Reads the worklist and the FHIR API of the triage service with the session cookie (sent automatically) and the
 * CSRF token (header X-CSRF-Token on every state-changing request), shows the open alerts most urgent first, and
 * keeps them current without reloading (server-sent events when the service offers them, else polling).
 * Every update is made in place, keyed by Task id, so a clinician's half-typed note, open sections and keyboard
 * focus survive the arrival of new alerts. */
(() => {
  'use strict';

  // ------------------------------------------------------------------------------------------ constants
  const LIFECYCLE = 'https://wardstream.org/fhir/CodeSystem/alert-lifecycle';
  const EPISODE_TYPE = 'https://wardstream.org/fhir/CodeSystem/episode-type';
  const PSEUDONYM = 'https://wardstream.org/fhir/Id/patient-pseudonym';
  const SUPPRESSED = 'https://wardstream.org/fhir/StructureDefinition/suppressed-recurrences';
  const PROGRAMME = 'https://wardstream.org/fhir/StructureDefinition/programme';
  const FLAGGED = 'https://wardstream.org/fhir/StructureDefinition/escalated-after-triage';
  const TRIAGE_STATE = 'https://wardstream.org/fhir/CodeSystem/triage-state';
  const TRIAGE_OUTCOME = 'https://wardstream.org/fhir/CodeSystem/triage-outcome';
  /** The author of the service's own notes (TaskMerge.SYSTEM_AUTHOR). */
  const SYSTEM_AUTHOR = 'wardstream';
  const OUTCOMES = [
    ['contacted-patient', 'Contacted patient'],
    ['escalated-to-clinician', 'Escalated to a clinician'],
    ['no-action-needed', 'No action needed'],
    ['false-alarm', 'False alarm'],
    ['device-problem', 'Device problem'],
  ];
  const PRIORITY_RANK = { stat: 0, asap: 1, urgent: 2, routine: 3 };
  const PRIORITY_TEXT = { stat: 'Immediate', asap: 'As soon as possible', urgent: 'Urgent', routine: 'Routine' };
  const TYPE_TEXT = {
    'atrial-fibrillation': 'Possible atrial fibrillation',
    'tachycardia': 'Fast heart rate at rest',
    'bradycardia': 'Slow heart rate',
    'pause': 'Pause in heartbeat',
    'inactivity': 'Inactivity while worn',
    'device-offline': 'Device offline',
    'beat-to-beat-offline': 'Rhythm monitoring stopped (no beat-to-beat data)',
  };
  const STATUS_TEXT = {
    requested: 'New', accepted: 'Acknowledged', 'in-progress': 'In progress', completed: 'Resolved',
    cancelled: 'Closed without action', rejected: 'Rejected', failed: 'Failed', 'on-hold': 'On hold',
  };
  const LIFECYCLE_TEXT = {
    opened: 'Alert opened', updated: 'Still ongoing (reminder)', escalated: 'Escalated', closed: 'Episode ended',
  };
  /**
   * The pipeline's step in words: the fixed text of the code, except for an update, which the pipeline names itself
   * (a reminder, "Still ongoing (reminder)", or a record-only update such as "data resumed after 15 min without
   * data; AF still present"), so that a record-only update never reads as a reminder.
   */
  function lifecycleText(code, display) {
    if (code === 'updated' && display) return display;
    return LIFECYCLE_TEXT[code] || display || code;
  }
  /** Defaults, replaced by the service's configured targets (alert-rules/response-targets.yaml). */
  const DEFAULT_TARGETS_MIN = { stat: 15, asap: 30, urgent: 60, routine: 240 };
  const POLL_MS = 10000;
  /** Versions of an alert asked for at once (the service's largest page); the rest follow the Bundle's next link. */
  const HISTORY_PAGE = 500;
  /** The patient's other alerts shown at first; "Show more" reads the next page. */
  const EARLIER_PAGE = 20;
  /** Cards on the page at most: the most urgent, oldest first; the rest are counted, and the filters narrow them. */
  const MAX_SHOWN = 200;
  /** Urgent priority or above: the alerts whose not being shown the summary names on its own. */
  const URGENT_PRIORITIES = ['stat', 'asap', 'urgent'];

  const state = {
    items: new Map(),        // Task id -> item
    // Task ids seen so far (null before the first load) -> the alert as last shown ({@link seenAs}): an alert that left
    // the page (resolved) and comes back re-opened by an escalation is announced as one
    known: null,
    waitingTotal: null,      // open alerts nobody has acknowledged, the service's count (null: not counted)
    reopenedTotal: null,     // open alerts re-opened by an escalation (flagged), the service's count (null: not counted)
    urgentTotal: null,       // open alerts of urgent priority or above, the service's count (null: not counted)
    targetsMin: { ...DEFAULT_TARGETS_MIN },
    csrf: null,
    username: null,
    canAct: true,
    programmes: [],          // the user's programmes (none: an administrator, who sees every programme)
    unenrolled: [],          // of those, the ones no patient is enrolled in yet (GET /session)
    observations: new Map(), // Observation id -> {key, resource}: fetched once per pipeline change
    generation: 0,           // increases with each filter change, so an older answer never overwrites a newer one
    utc: false,
    filters: { type: '', programme: '' },
    source: null,
    filtered: false,         // the clinician changed a filter: the next worklist read is theirs (keeps the session alive)
    pending: null,           // the action being sent: {id, what}, so that a session found ended says what was lost
    held: new Map(),         // Task id -> draft of a card gone while its alert is still open (filtered out): put back
    unsaved: [],             // drafts of alerts that left the worklist while being written on ("Notes not saved")
    explained: new Set(),    // Task ids whose leaving the page a refused action has already explained
  };
  /** The item each card last showed (what a card that leaves the page was about). */
  const shownItem = new WeakMap();

  const $ = (sel, root = document) => root.querySelector(sel);

  // ------------------------------------------------------------------------------------------ formatting
  const localZone = Intl.DateTimeFormat().resolvedOptions().timeZone || 'local time';
  const fmtLocal = new Intl.DateTimeFormat('en-GB', {
    weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', timeZoneName: 'short',
  });
  const fmtUtc = new Intl.DateTimeFormat('en-GB', {
    weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', timeZone: 'UTC',
  });

  // the same with the year, for a time not in the current year (in the zone shown): last year's alert never reads as
  // this week's ("Mon 8 Dec 2025, 06:36"; until probe 20b, D4, no time on the page had a year)
  const fmtLocalYear = new Intl.DateTimeFormat('en-GB', {
    weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit',
    timeZoneName: 'short',
  });
  const fmtUtcYear = new Intl.DateTimeFormat('en-GB', {
    weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit',
    timeZone: 'UTC',
  });
  const yearLocal = new Intl.DateTimeFormat('en-GB', { year: 'numeric' });
  const yearUtc = new Intl.DateTimeFormat('en-GB', { year: 'numeric', timeZone: 'UTC' });

  /** A time as shown: in the local zone (or UTC), with the year when it is not the current year there. */
  function timeTexts(d) {
    const now = new Date();
    const local = (yearLocal.format(d) === yearLocal.format(now) ? fmtLocal : fmtLocalYear).format(d);
    const utc = (yearUtc.format(d) === yearUtc.format(now) ? fmtUtc : fmtUtcYear).format(d) + ' UTC';
    return { local, utc };
  }

  function timeEl(iso) {
    const t = document.createElement('time');
    if (!iso) { t.textContent = 'unknown'; return t; }
    const d = new Date(iso);
    t.dateTime = d.toISOString();
    const { local, utc } = timeTexts(d);
    t.textContent = state.utc ? utc : local;
    t.title = state.utc ? local : utc;
    t.dataset.iso = d.toISOString();
    return t;
  }

  // The pipeline's time sentence in a description: "Started 1 Jul 2026 10:00 UTC; ended ... UTC." or, with the
  // patient's zone, "Started 1 Jul 2026 11:00 Europe/London (10:00 UTC)." (alerting/Descriptions)
  const DESCRIPTION_WHEN = /(^|\s)Started ([^.;]+?)(?:; ended ([^.;]+?))?\.(?=\s|$)/;
  const PATIENT_ZONE = /^(.+ \d{2}:\d{2}) (\S+) \(\d{2}:\d{2} UTC\)$/;

  /** " (the patient's local time: 1 Jul 2026 16:00 Asia/Kolkata)" when the text gives a zone not the page's. */
  function patientTime(text) {
    const m = PATIENT_ZONE.exec(text || '');
    return m && m[2] !== localZone ? " (the patient's local time: " + m[1] + ' ' + m[2] + ')' : '';
  }

  /**
   * The description with its episode times shown as every time on the page is (this computer's zone, or UTC with
   * *Show times in UTC*: time elements kept current by refreshTimes), from the Observation's effectivePeriod; the
   * pipeline's words otherwise. Until session 20 the card showed "Started 1 Jul 2026 10:00 UTC" beside "Raised: Wed
   * 1 Jul, 11:00 BST", and the toggle did not change it (adversarial probe 20b, noticed).
   */
  function describe(el, item) {
    const text = item.description || '';
    const m = item.episodeStart ? DESCRIPTION_WHEN.exec(text) : null;
    if (!m || (m[3] && !item.episodeEnd)) {
      delete el.dataset.rendered;
      if (el.textContent !== text) el.textContent = text;
      return;
    }
    const key = text + '|' + item.episodeStart + '|' + (item.episodeEnd || '');
    if (el.dataset.rendered === key) return;
    el.dataset.rendered = key;
    const parts = [document.createTextNode(text.slice(0, m.index) + m[1] + 'Started '), timeEl(item.episodeStart),
      document.createTextNode(patientTime(m[2]))];
    if (m[3]) parts.push(document.createTextNode('; ended '), timeEl(item.episodeEnd), document.createTextNode(patientTime(m[3])));
    parts.push(document.createTextNode('.' + text.slice(m.index + m[0].length)));
    el.replaceChildren(...parts);
  }

  function refreshTimes() {
    document.querySelectorAll('time[data-iso]').forEach(t => {
      const { local, utc } = timeTexts(new Date(t.dataset.iso));
      t.textContent = state.utc ? utc : local;
      t.title = state.utc ? local : utc;
    });
  }

  /** 45 s -> "under 1 min", 42 min, 3 h 5 min, 2 days 4 h. */
  function duration(ms) {
    if (!(ms >= 0)) return 'unknown';
    const min = Math.floor(ms / 60000);
    if (min < 1) return 'under 1 min';
    if (min < 60) return min + ' min';
    const h = Math.floor(min / 60);
    if (h < 48) return h + ' h' + (min % 60 ? ' ' + (min % 60) + ' min' : '');
    const d = Math.floor(h / 24);
    return d + ' days' + (h % 24 ? ' ' + (h % 24) + ' h' : '');
  }

  /** ISO-8601 duration (PT1H30M, P1D) in minutes; null when unreadable. */
  function isoMinutes(s) {
    const m = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/.exec(String(s || ''));
    if (!m) return typeof s === 'number' ? s : null;
    return (+(m[1] || 0)) * 1440 + (+(m[2] || 0)) * 60 + (+(m[3] || 0)) + (+(m[4] || 0)) / 60;
  }

  // ------------------------------------------------------------------------------------------ FHIR mapping
  function coding(cc, system) {
    return ((cc && cc.coding) || []).find(c => c.system === system) || null;
  }
  function ext(res, url) {
    return ((res && res.extension) || []).find(e => e.url === url) || null;
  }

  /** One worklist item from a Task (and its focus Observation when given). Missing parts stay null. */
  function fromFhir(task, obs, extra = {}) {
    const lifecycle = coding(task.businessStatus, LIFECYCLE);
    const typeCoding = obs ? coding(obs.code, EPISODE_TYPE) : null;
    const pseudonym = (task.for && task.for.identifier && task.for.identifier.system === PSEUDONYM)
      ? task.for.identifier.value : (task.for && task.for.identifier && task.for.identifier.value) || null;
    const suppressed = ext(task, SUPPRESSED);
    const programme = ext(task, PROGRAMME);
    const flagged = ext(task, FLAGGED);
    const triageState = coding(task.businessStatus, TRIAGE_STATE);
    const outcome = (task.output || []).map(o => coding(o.valueCodeableConcept, TRIAGE_OUTCOME)).find(Boolean);
    const evidence = obs ? (obs.component || []).map(c => ({
      name: (c.code && (c.code.text || (c.code.coding && c.code.coding[0] && c.code.coding[0].display))) || 'value',
      value: c.valueQuantity ? c.valueQuantity.value
        : typeof c.valueBoolean === 'boolean' ? (c.valueBoolean ? 'yes' : 'no') : (c.valueString || ''),
      unit: c.valueQuantity ? (c.valueQuantity.unit || c.valueQuantity.code || '') : '',
    })) : [];
    (obs && obs.note || []).forEach(n => evidence.push({ name: 'Note', value: n.text, unit: '' }));
    return Object.assign({
      id: task.id,
      version: task.meta && task.meta.versionId,
      status: task.status,
      // why the pipeline closed it by itself ("Device reconnected: resolved without action"); none for a clinician's
      statusReason: (task.statusReason && task.statusReason.text) || null,
      priority: task.priority || 'routine',
      lifecycle: lifecycle ? lifecycle.code : null,
      lifecycleDisplay: lifecycle ? lifecycle.display || null : null,
      raisedAt: task.authoredOn || null,
      reopenedAt: reopenedAt(task, flagged),
      lastUpdated: (task.meta && task.meta.lastUpdated) || task.lastModified || null,
      description: task.description || '',
      patient: pseudonym,
      programme: programme ? programme.valueString : null,
      type: typeCoding ? typeCoding.code : null,
      title: (obs && obs.code && obs.code.text) || titleFrom(task.description),
      owner: task.owner && (task.owner.display || (task.owner.identifier && task.owner.identifier.value)),
      acknowledgedAt: (task.status !== 'requested' && task.executionPeriod && task.executionPeriod.start) || null,
      escalatedAfterAck: !!(flagged && flagged.valueBoolean),
      triageState: triageState ? triageState.code : null,
      suppressedRecurrences: suppressed ? Number(suppressed.valueUnsignedInt) : 0,
      suppressedKnown: true,
      episodeStart: obs && obs.effectivePeriod && obs.effectivePeriod.start,
      episodeEnd: obs && obs.effectivePeriod && obs.effectivePeriod.end,
      evidence,
      outcome: outcome ? (outcome.display || outcome.code) : null,
      notes: task.note || [],
      observationKey: observationKey(task),
      task,
    }, extra);
  }

  /**
   * When an escalation put an acted-on alert back on the worklist: the time of the service's note saying so (the
   * latest of its own notes); null for an alert not re-opened. Its wait counts from then, not from when it was raised.
   */
  function reopenedAt(task, flagged) {
    if (task.status !== 'requested' || !(flagged && flagged.valueBoolean)) return null;
    const own = (task.note || []).filter(n => n.authorString === SYSTEM_AUTHOR && n.time);
    return own.length ? own[own.length - 1].time : null;
  }

  /** "Sustained fast heart rate at rest, for 14 min so far, ..." -> "Sustained fast heart rate at rest". */
  function titleFrom(description) {
    const m = /^([^,.(]+)/.exec(description || '');
    return m ? m[1].trim() : null;
  }

  /** What identifies the pipeline's version of the alert (a new one means new evidence to fetch). */
  function observationKey(task) {
    const lc = coding(task.businessStatus, LIFECYCLE);
    return (lc ? lc.code : '') + '|' + (task.description || '');
  }

  function focusId(task) {
    const ref = task.focus && task.focus.reference;
    return ref ? ref.replace(/^.*Observation\//, '') : task.id;
  }

  // ------------------------------------------------------------------------------------------ the service
  /**
   * One call to the service. {@code background}: the page makes it by itself (a refresh, a count), not the clinician:
   * it does not keep the session alive (an unattended tab still signs out after the idle timeout).
   */
  async function http(method, url, body, accept = 'application/json', background = false) {
    const headers = { Accept: accept };
    if (background) headers['X-Wardstream-Background'] = '1';
    if (state.csrf && method !== 'GET') headers['X-CSRF-Token'] = state.csrf;
    if (body !== undefined) headers['Content-Type'] = typeof body === 'string' ? 'application/x-www-form-urlencoded' : 'application/json';
    const res = await fetch(url, {
      method, headers, credentials: 'same-origin',
      body: body === undefined ? undefined : (typeof body === 'string' ? body : JSON.stringify(body)),
    });
    if (res.status === 401) { signIn(); throw new Error('signed out'); }
    if (!res.ok) {
      let detail = '';
      try { detail = await res.text(); } catch (e) { /* none */ }
      const err = new Error(method + ' ' + url + ': ' + res.status + (detail ? ' ' + detail.slice(0, 200) : ''));
      err.status = res.status;
      err.reason = reasonOf(detail);
      throw err;
    }
    const type = res.headers.get('Content-Type') || '';
    return type.includes('json') ? res.json() : res.text();
  }

  /** The service's own words in an error answer: {"error": ...} (the API) or an OperationOutcome (FHIR); else ''. */
  function reasonOf(body) {
    try {
      const j = JSON.parse(body);
      if (j && typeof j.error === 'string') return j.error;
      const issue = j && j.issue && j.issue[0];
      return (issue && (issue.diagnostics || (issue.details && issue.details.text))) || '';
    } catch (e) {
      return '';
    }
  }

  /** The worklist filters as search parameters (the service filters by type and programme). */
  function filtered(q) {
    if (state.filters.type) q.set('episode-type', state.filters.type);
    if (state.filters.programme) q.set('programme', state.filters.programme);
    return q;
  }

  /* Every call the page makes (the service's contract: triage/INTERFACE.md). */
  const FHIR_JSON = 'application/fhir+json';
  const api = {
    session: (background = false) => http('GET', '/session', undefined, 'application/json', background),
    targets: () => http('GET', '/api/response-targets'),
    /**
     * The worklist query: open Tasks, most urgent first, then oldest, asked for three times, those nobody has
     * acknowledged, those acknowledged, and those an escalation re-opened ({@code flagged=true}, also among the first),
     * the first {@link MAX_SHOWN} of each; the page keeps the first {@link MAX_SHOWN} of them in its own order
     * ({@link compare}: within a priority, a re-opened alert first, then an alert nobody has acknowledged). One Bundle:
     * the entries of all three (an alert may come twice), total = the first two totals. A backlog beyond that is
     * counted on the page and narrowed with the filters. (Until probe 20b, D5, one query served the oldest
     * {@link MAX_SHOWN} of a priority, acknowledged or not: with 200 acknowledged routine alerts open, a new routine
     * alert was not on the page at all. Until session 22 the re-opened alerts were not asked for on their own: the
     * service picks by first raising, so behind 200 older urgent alerts nobody had acknowledged, an urgent alert an
     * escalation re-opened, which the page shows first of its priority, was not on the page at all.)
     */
    worklist: async (background = true) => {
      const ask = (status, more = {}) => {
        const q = new URLSearchParams({ status, ...more, _sort: '-priority,authored-on', _count: String(MAX_SHOWN) });
        filtered(q);
        return http('GET', '/fhir/Task?' + q, undefined, FHIR_JSON, background);
      };
      const [waiting, taken, reopened] = await Promise.all([ask('requested'), ask('accepted,in-progress'),
        ask('requested', { flagged: 'true' })]);
      const entries = b => b.entry || [];
      const counted = b => (typeof b.total === 'number' ? b.total : entries(b).length);
      return { resourceType: 'Bundle', total: counted(waiting) + counted(taken), waiting: counted(waiting),
        reopened: counted(reopened), entry: entries(waiting).concat(entries(taken), entries(reopened)) };
    },
    /**
     * How many open alerts of urgent priority or above there are (the service's count, with the filters): asked only
     * when the page cannot show them all, so the summary can say how many of them are not shown.
     */
    urgentCount: async (background = true) => {
      const q = new URLSearchParams({ status: 'requested,accepted,in-progress', priority: URGENT_PRIORITIES.join(','),
        _summary: 'count' });
      filtered(q);
      const b = await http('GET', '/fhir/Task?' + q, undefined, FHIR_JSON, background);
      return typeof b.total === 'number' ? b.total : null;
    },
    observation: id => http('GET', '/fhir/Observation/' + encodeURIComponent(id), undefined, FHIR_JSON, true),
    /** The newest {@link HISTORY_PAGE} versions (the service's largest page); older ones through the Bundle's next link. */
    history: id => http('GET', '/fhir/Task/' + encodeURIComponent(id) + '/_history?_count=' + HISTORY_PAGE, undefined, FHIR_JSON),
    provenance: id => http('GET', '/fhir/Provenance?target=' + encodeURIComponent('Task/' + id) + '&_count=100', undefined, FHIR_JSON),
    /**
     * A patient's alerts, newest first: the pseudonym within the alert's programme (the same pseudonym issued by two
     * programmes is two people); without a programme (an alert filed before its programme was known) every programme.
     */
    patientAlerts: (programme, patient) => http('GET', '/fhir/Task?patient.identifier='
      + encodeURIComponent(PSEUDONYM + '|' + patient) + (programme ? '&programme=' + encodeURIComponent(programme) : '')
      + '&_sort=-authored-on&_count=' + EARLIER_PAGE, undefined, FHIR_JSON),
    /** The page a Bundle's link points to (next), read from this origin whatever host the service wrote into it. */
    page: (url, background = false) => {
      const u = new URL(url, window.location.href);
      return http('GET', u.pathname + u.search, undefined, FHIR_JSON, background);
    },
    /**
     * A patient's (the pseudonym in that programme) AF alerts since a time, their outcomes only; the first page (the
     * rest: {@link api.nextPage}).
     */
    patientAfAlerts: (programme, patient, since) => http('GET', '/fhir/Task?patient.identifier='
      + encodeURIComponent(PSEUDONYM + '|' + patient) + '&programme=' + encodeURIComponent(programme)
      + '&episode-type=atrial-fibrillation&authored-on=ge'
      + encodeURIComponent(since) + '&_elements=output&_count=' + AF_PAGE, undefined, FHIR_JSON, true),
    /** The page after a search Bundle's, or null at the last page (the link's path and query, on this origin). */
    nextPage: bundle => {
      const next = (bundle.link || []).find(l => l.relation === 'next');
      return next ? api.page(next.url, true) : null;
    },
    task: id => http('GET', '/fhir/Task/' + encodeURIComponent(id), undefined, FHIR_JSON),
    /**
     * An action on the version of the alert the clinician saw ({@code expectedVersion}): when the alert changed since
     * (an escalation, a colleague's action), the service refuses it with 409 and changes nothing.
     */
    act: (item, body) => http('POST', '/api/tasks/' + encodeURIComponent(item.id) + '/actions',
      item.version ? { ...body, expectedVersion: Number(item.version) } : body),
    acknowledge: item => api.act(item, { action: 'acknowledge' }),
    resolve: (item, outcome, note) => api.act(item, note ? { action: 'resolve', outcome, note } : { action: 'resolve', outcome }),
    eventsUrl: '/api/events',
  };

  function signIn() {
    saveDrafts();
    window.location.assign('/login?next=' + encodeURIComponent(window.location.pathname));
  }

  // ------------------------------------------------------------------------------------------ drafts
  // A session that ends (an idle timeout, the service restarted) sends the page to sign in: the outcomes chosen and
  // notes typed are kept in this tab's sessionStorage meanwhile and put back after signing in, and an action that the
  // ended session refused is named as NOT saved (a clinician who pressed Resolve and was asked to sign in could take
  // the alert for resolved, and had to retype the note).
  const DRAFTS_KEY = 'wardstream.worklist.drafts';

  const UNSAVED_KEY = 'wardstream.worklist.unsaved';

  /** What a card holds that is not saved: the outcome chosen and the note typed; null when nothing. */
  function draftOf(li) {
    const chosen = $('input[type=radio]:checked', li);
    const note = $('[data-note]', li);
    const text = note ? note.value : '';
    if (!chosen && !text.trim()) return null;
    const item = shownItem.get(li);
    return { outcome: chosen ? chosen.value : null, note: text,
      patient: item ? item.patient : null, title: item ? typeText(item) : null };
  }

  /** Puts a draft back on a card (the outcome, and the note unless the field holds text already). */
  function putDraft(li, d) {
    if (d.outcome) {
      const radio = li.querySelector('input[type=radio][value="' + CSS.escape(d.outcome) + '"]');
      if (radio) radio.checked = true;
    }
    const note = $('[data-note]', li);
    if (note && d.note && !note.value) { note.value = d.note; noteChanged(li); }
  }

  function saveDrafts() {
    const cards = {};
    document.querySelectorAll('#worklist > li[data-id]').forEach(li => {
      const d = draftOf(li);
      if (d) cards[li.dataset.id] = d;
    });
    try {
      // added to what an earlier sign-in kept (a page sent to sign in before its cards are drawn keeps those)
      const kept = JSON.parse(window.sessionStorage.getItem(DRAFTS_KEY) || 'null') || {};
      window.sessionStorage.setItem(DRAFTS_KEY, JSON.stringify({ cards: { ...(kept.cards || {}), ...cards },
        pending: state.pending || kept.pending || null }));
    } catch (e) { /* storage unavailable: nothing kept */ }
  }

  function restoreDrafts() {
    let saved = null;
    try {
      saved = JSON.parse(window.sessionStorage.getItem(DRAFTS_KEY) || 'null');
      window.sessionStorage.removeItem(DRAFTS_KEY);
    } catch (e) { return; }
    if (!saved) return;
    Object.entries(saved.cards || {}).forEach(([id, d]) => {
      const li = document.querySelector('#worklist > li[data-id="' + CSS.escape(id) + '"]');
      if (li) putDraft(li, d);
      else if (d.note && d.note.trim()) { // the alert left the worklist meanwhile: the note is kept, not dropped
        keepUnsaved({ id, patient: d.patient, title: d.title, note: d.note,
          why: 'the alert left your worklist while you were signed out' });
      }
    });
    const p = saved.pending;
    if (p) {
      const item = state.items.get(p.id);
      const what = item ? ' of ' + typeText(item).toLowerCase() + ' for patient ' + item.patient : '';
      const message = 'Your session had ended, so your ' + p.what + what + ' was NOT saved. '
        + (item ? 'Your outcome and note are back on the alert: press the button again.' : 'The alert is no longer on your worklist.');
      notice(message); // stays until the clinician acts (an error line is cleared by the next refresh)
      announce(message);
    }
  }

  // ------------------------------------------------------------------------- a card that leaves with a draft
  // An alert can leave the worklist while a clinician is writing on its card: the pipeline closed it (a device that
  // reconnected), a colleague resolved it. The card goes, but what was typed is not lost without a word (probe 17b
  // D13): the page says what happened, and the note stays under "Notes not saved" (kept in the tab's sessionStorage,
  // as drafts are across a sign-in) until the clinician adds it to the alert (a note is accepted in any status) or
  // discards it. A card that only left the page (a filter, a longer worklist) while its alert is open gets the draft
  // back when it returns.

  /** A card with a draft has left the page: finds out why, and keeps the draft. */
  async function cardLeft(seen, draft, hadFocus) {
    const explained = state.explained.has(seen.id);
    state.held.set(seen.id, draft);
    let task = null;
    try {
      task = await api.task(seen.id);
    } catch (e) {
      // no longer visible to this user (404), or not readable now: it has left this worklist
    }
    if (task && OPEN.has(task.status)) { // still open: filtered out or beyond the cards shown; the draft waits for it
      if (hadFocus) notice('The alert you were writing on, ' + typeText(seen).toLowerCase() + ' for patient ' + seen.patient
        + ', is no longer shown (the filters, or more urgent alerts); your draft comes back with it.');
      return;
    }
    state.held.delete(seen.id);
    const now = task ? itemOf(task) : null;
    // this page's own resolve, answered after a refresh had already taken the card away: nothing was lost
    if (now && state.pending && state.pending.id === seen.id && now.owner === state.username) return;
    const what = now ? changes(seen, now).join('; ') : 'it is no longer visible to you';
    const kept = draft.note.trim() ? keepUnsaved({ id: seen.id, patient: seen.patient, title: typeText(seen),
      note: draft.note, outcome: draft.outcome, why: what }) : null;
    if (!explained) {
      const label = draft.outcome ? ((OUTCOMES.find(o => o[0] === draft.outcome) || [])[1] || draft.outcome).toLowerCase() : null;
      const lost = kept ? (label ? 'your note and the outcome you chose (' + label + ') were' : 'your note was')
        : 'the outcome you chose (' + label + ') was';
      const message = typeText(seen) + ' for patient ' + seen.patient + ' left the worklist while you were working on it ('
        + what + '): ' + lost + ' NOT saved.' + (kept ? ' Your note is kept under “Notes not saved”: add it to the alert'
        + ' or discard it.' : '');
      notice(message);
      announce(message);
    }
    if (kept && hadFocus) $('textarea', kept).focus();
  }

  /** Adds a note to "Notes not saved" (and the tab's storage); returns its entry. */
  function keepUnsaved(u) {
    state.unsaved = state.unsaved.filter(x => x.id !== u.id).concat([u]);
    storeUnsaved();
    renderUnsaved();
    return document.querySelector('#unsaved-list > li[data-id="' + CSS.escape(u.id) + '"]');
  }

  function storeUnsaved() {
    try {
      if (state.unsaved.length) window.sessionStorage.setItem(UNSAVED_KEY, JSON.stringify(state.unsaved));
      else window.sessionStorage.removeItem(UNSAVED_KEY);
    } catch (e) { /* storage unavailable: kept on this page only */ }
  }

  function loadUnsaved() {
    try {
      state.unsaved = JSON.parse(window.sessionStorage.getItem(UNSAVED_KEY) || '[]') || [];
    } catch (e) {
      state.unsaved = [];
    }
    renderUnsaved();
  }

  function renderUnsaved() {
    const list = $('#unsaved-list');
    const have = new Map([...list.children].map(li => [li.dataset.id, li]));
    state.unsaved.forEach(u => {
      if (have.has(u.id)) { have.delete(u.id); return; }
      const li = document.createElement('li');
      li.dataset.id = u.id;
      const what = document.createElement('p');
      what.id = 'unsaved-what-' + cssId(u.id);
      what.textContent = (u.title || 'Alert') + ' for patient ' + (u.patient || 'unknown') + ': ' + u.why + '.'
        + (u.outcome ? ' The outcome you chose (' + (((OUTCOMES.find(o => o[0] === u.outcome) || [])[1]) || u.outcome).toLowerCase()
          + ') was not applied.' : '');
      const id = 'unsaved-' + cssId(u.id);
      const label = document.createElement('label');
      label.className = 'label';
      label.htmlFor = id;
      label.textContent = 'Your note (not saved)';
      const text = document.createElement('textarea');
      text.className = 'textarea';
      text.id = id;
      text.rows = 3;
      text.value = u.note;
      text.addEventListener('input', () => { u.note = text.value; storeUnsaved(); });
      const status = document.createElement('p');
      status.className = 'error-message';
      status.hidden = true;
      const add = document.createElement('button');
      add.type = 'button';
      add.className = 'button';
      add.textContent = 'Add this note to the alert';
      add.setAttribute('aria-describedby', what.id);
      add.addEventListener('click', () => addUnsaved(u, li, add, status));
      const discard = document.createElement('button');
      discard.type = 'button';
      discard.className = 'button button--secondary';
      discard.textContent = 'Discard this note';
      discard.setAttribute('aria-describedby', what.id);
      discard.addEventListener('click', () => dropUnsaved(u, 'Note discarded.'));
      li.append(what, label, text, status, add, discard);
      list.append(li);
    });
    have.forEach(li => li.remove());
    $('#unsaved').hidden = state.unsaved.length === 0;
  }

  async function addUnsaved(u, li, button, status) {
    const text = u.note.trim();
    if (!text) { status.hidden = false; status.textContent = 'The note is empty: nothing to add.'; return; }
    if (text.length > NOTE_MAX) {
      status.hidden = false;
      status.textContent = 'The note has ' + text.length + ' characters; at most ' + NOTE_MAX + ' can be saved.';
      return;
    }
    button.disabled = true;
    try {
      await api.act({ id: u.id }, { action: 'note', note: text });
      dropUnsaved(u, 'Your note was added to ' + (u.title || 'the alert').toLowerCase() + ' for patient ' + u.patient + '.');
    } catch (e) {
      status.hidden = false;
      status.textContent = 'The note was not added: ' + (e.reason || e.message) + '.';
      button.disabled = false;
    }
  }

  function dropUnsaved(u, message) {
    state.unsaved = state.unsaved.filter(x => x !== u);
    storeUnsaved();
    renderUnsaved();
    notice(message);
    announce(message);
    $('#notice').focus();
  }

  // ------------------------------------------------------------------------------------------ note length
  /** The longest note the service keeps (TaskStore: "a note has at most 4000 characters"). */
  const NOTE_MAX = 4000;
  function noteMax(field) {
    return Number(field.dataset.maxChars) || NOTE_MAX;
  }

  /** The counter by the note field; a note over the limit is marked invalid there (it is refused before sending). */
  function noteChanged(li) {
    const field = $('[data-note]', li);
    const n = field.value.trim().length;
    const max = noteMax(field);
    const over = n > max;
    const count = $('[data-note-count]', li);
    count.textContent = n === 0 ? '' : over ? n + ' used: ' + (n - max) + ' too many.' : n + ' used.';
    $('[data-note-hint]', li).classList.toggle('note-hint--over', over);
    if (over) field.setAttribute('aria-invalid', 'true'); else field.removeAttribute('aria-invalid');
    if (!over) noteError(li, null);
  }

  /** The message by the note field (none: removed); the field is described by it while it shows. */
  function noteError(li, text) {
    const field = $('[data-note]', li);
    let err = $('[data-note-error]', li);
    const hintId = $('[data-note-hint]', li).id;
    if (!text) {
      if (err) err.remove();
      field.setAttribute('aria-describedby', hintId);
      return;
    }
    if (!err) {
      err = document.createElement('p');
      err.className = 'error-message';
      err.dataset.noteError = '';
      err.id = 'note-error-' + cssId(li.dataset.id);
      field.before(err);
    }
    err.textContent = text;
    field.setAttribute('aria-invalid', 'true');
    field.setAttribute('aria-describedby', err.id + ' ' + hintId);
  }

  // ------------------------------------------------------------------------------------------ ordering
  function targetMin(item) {
    return state.targetsMin[item.priority] || state.targetsMin.routine || 240;
  }
  function waitedMs(item, now) {
    const from = Date.parse(item.reopenedAt || item.raisedAt);
    const to = item.acknowledgedAt ? Date.parse(item.acknowledgedAt) : now;
    return Math.max(0, to - from);
  }
  function targetUsed(item, now) {
    return waitedMs(item, now) / (targetMin(item) * 60000);
  }
  function compare(a, b, now) {
    const pa = PRIORITY_RANK[a.priority] ?? 9, pb = PRIORITY_RANK[b.priority] ?? 9;
    if (pa !== pb) return pa - pb;
    if (a.escalatedAfterAck !== b.escalatedAfterAck) return a.escalatedAfterAck ? -1 : 1;
    const ackA = a.status === 'requested' ? 0 : 1, ackB = b.status === 'requested' ? 0 : 1;
    if (ackA !== ackB) return ackA - ackB;       // not yet looked at before acknowledged
    const d = targetUsed(b, now) - targetUsed(a, now);
    if (d !== 0) return d;
    return String(a.id).localeCompare(String(b.id));
  }

  // ------------------------------------------------------------------------------------------ rendering
  function typeText(item) {
    return item.title || TYPE_TEXT[item.type] || item.type || 'Alert';
  }

  /** The server filters by type and programme (episode-type, programme search parameters). */
  function visible() {
    return true;
  }

  function setText(root, sel, text) {
    const el = $(sel, root);
    if (el.textContent !== text) el.textContent = text;
  }

  function card(item) {
    const li = $('#alert-template').content.firstElementChild.cloneNode(true);
    li.dataset.id = item.id;
    const h = $('.card__heading', li);
    h.id = 'alert-' + cssId(item.id);
    h.tabIndex = -1;
    $('article', li).setAttribute('aria-labelledby', h.id);
    const outcomes = $('[data-outcomes]', li);
    OUTCOMES.forEach(([code, text], i) => {
      const id = 'outcome-' + cssId(item.id) + '-' + i;
      const wrap = document.createElement('div');
      wrap.className = 'radio';
      const input = document.createElement('input');
      input.type = 'radio'; input.name = 'outcome-' + cssId(item.id); input.value = code; input.id = id;
      const label = document.createElement('label');
      label.htmlFor = id; label.textContent = text;
      wrap.append(input, label);
      outcomes.append(wrap);
    });
    const noteId = 'note-' + cssId(item.id);
    const note = $('[data-note]', li);
    note.id = noteId;
    $('[data-note-label]', li).htmlFor = noteId;
    const hint = $('[data-note-hint]', li);
    hint.id = 'note-hint-' + cssId(item.id);
    note.setAttribute('aria-describedby', hint.id);
    note.addEventListener('input', () => noteChanged(li));
    // the outcome group and the Resolve button name the alert they resolve, as Acknowledge does (probe 17b D9)
    const legend = $('legend', li);
    legend.id = 'resolve-legend-' + cssId(item.id);
    $('[data-resolve-form] fieldset', li).setAttribute('aria-labelledby', legend.id + ' ' + h.id);
    $('[data-resolve-form] button[type=submit]', li).setAttribute('aria-describedby', h.id);
    $('[data-ack-button]', li).addEventListener('click', () => acknowledge(li.dataset.id, li));
    $('[data-resolve-form]', li).addEventListener('submit', ev => { ev.preventDefault(); resolve(li.dataset.id, li); });
    const noteButton = $('[data-note-button]', li);
    noteButton.setAttribute('aria-describedby', h.id);
    noteButton.addEventListener('click', () => addNote(li.dataset.id, li));
    $('[data-timeline]', li).addEventListener('toggle', ev => { if (ev.target.open) loadTimeline(li.dataset.id, li); });
    $('[data-earlier]', li).addEventListener('toggle', ev => { if (ev.target.open) loadEarlier(li.dataset.id, li); });
    return li;
  }

  function cssId(id) {
    return String(id).replace(/[^A-Za-z0-9_-]/g, '_');
  }

  function update(li, item, now) {
    li.dataset.priority = item.priority;
    li.dataset.status = item.status;
    li.dataset.version = item.version || '';
    li.dataset.escalatedAfterAck = String(!!item.escalatedAfterAck);
    const pr = $('[data-priority]', li);
    pr.textContent = PRIORITY_TEXT[item.priority] || item.priority;
    pr.className = 'tag ' + (PRIORITY_RANK[item.priority] <= 2 ? 'tag--urgent' : '');
    $('[data-flag-escalated]', li).hidden = !item.escalatedAfterAck;
    setText(li, '[data-state]', (STATUS_TEXT[item.status] || item.status)
      + (item.lifecycle ? ' · ' + lifecycleText(item.lifecycle, item.lifecycleDisplay) : ''));
    setText(li, '[data-title]', typeText(item));
    setText(li, '[data-patient]', item.patient || 'unknown');
    setText(li, '[data-programme]', item.programme || 'not stated');
    const raised = $('[data-raised]', li);
    raised.replaceChildren(timeEl(item.raisedAt));

    const waited = waitedMs(item, now);
    const target = targetMin(item);
    const used = targetUsed(item, now);
    const waiting = $('[data-waiting]', li);
    const bar = document.createElement('span');
    bar.className = 'waiting-bar' + (used > 1 ? ' waiting-bar--over' : '');
    bar.setAttribute('aria-hidden', 'true');
    const fill = document.createElement('span');
    fill.style.width = Math.min(100, Math.round(used * 100)) + '%';
    bar.append(fill);
    const acked = item.status !== 'requested';
    const verb = item.acknowledgedAt ? 'acknowledged after ' : acked ? 'raised ' : item.reopenedAt ? 'escalated ' : '';
    const tail = item.acknowledgedAt ? '' : !acked ? (item.reopenedAt ? ' ago, reopened' : '') : ' ago, acknowledged';
    waiting.replaceChildren(document.createTextNode(verb + duration(waited) + tail + ' (target ' + duration(target * 60000)
      + (used > 1 && !acked ? ', past target by ' + duration(waited - target * 60000) : '') + ')'), bar);
    $('[data-overdue]', li).hidden = !(used > 1 && !acked);

    // A re-opened escalation keeps the owner of the acknowledgement it undid: nobody owns the escalation yet, and the
    // card says so rather than "by <owner>" (probe 17b D11). A Task still new is never shown as acknowledged.
    const ackRow = $('[data-ack-row]', li);
    const reopened = item.status === 'requested' && item.escalatedAfterAck;
    ackRow.hidden = !(reopened || (item.status !== 'requested' && (item.acknowledgedAt || item.owner)));
    const dd = $('[data-ack]', li);
    dd.classList.toggle('ack--none', reopened);
    if (reopened) {
      setText(li, '[data-ack]', 'Not yet: nobody has acknowledged the escalation'
        + (item.owner ? ' (' + item.owner + ' had acknowledged the alert before it was escalated)' : ''));
    } else if (!ackRow.hidden) {
      dd.replaceChildren(document.createTextNode((item.owner ? 'by ' + item.owner + ' ' : '')));
      if (item.acknowledgedAt) dd.append(timeEl(item.acknowledgedAt));
    }
    shownItem.set(li, item);
    setText(li, '[data-suppressed]', !item.suppressedKnown ? 'not reported by this alert'
      : item.suppressedRecurrences > 0
        ? item.suppressedRecurrences + (item.suppressedRecurrences === 1 ? ' similar episode' : ' similar episodes')
          + ' during the cool-down did not raise separate alerts'
        : 'none');
    describe($('[data-description]', li), item);

    const ev = $('[data-evidence-list]', li);
    const rows = (item.evidence || []).map(e => {
      const div = document.createElement('div');
      const dt = document.createElement('dt'); dt.textContent = e.name;
      const dd = document.createElement('dd'); dd.textContent = [e.value, unitText(e.unit)].filter(x => x !== '' && x != null).join(' ');
      div.append(dt, dd);
      return div;
    });
    if (item.episodeStart) rows.unshift(row('Episode started', timeEl(item.episodeStart)));
    if (item.episodeEnd) rows.splice(1, 0, row('Episode ended', timeEl(item.episodeEnd)));
    ev.replaceChildren(...rows);

    afAdvice(li, item);

    const ackBtn = $('[data-ack-button]', li);
    const ackDone = item.status !== 'requested' && !item.escalatedAfterAck;
    ackBtn.hidden = ackDone;
    ackBtn.textContent = item.escalatedAfterAck ? 'Acknowledge the escalation' : 'Acknowledge';
    ackBtn.setAttribute('aria-describedby', $('.card__heading', li).id);
  }

  // ------------------------------------------------------------------------ repeated false AF alerts
  // When a patient's AF alerts keep being resolved as false alarms, the AF card says so and points to the per-patient
  // AF onset bar (docs/TRIAGE.md, "When one patient's AF alerts keep turning out to be sinus rhythm"): the pipeline's
  // false AF alerts on normal rhythm come mostly from a few people.
  const AF_ADVICE_DAYS = 30;          // look back this far
  const AF_ADVICE_MIN = 2;            // earlier AF alerts resolved as false alarm before the card advises
  const AF_ADVICE_MAX_AGE_MS = 5 * 60000; // how long a patient's count is reused before it is fetched again
  const afFalseAlarms = new Map();    // patientKey -> { at, pending, ids: Set of Task ids resolved as false alarm }
  const AF_PAGE = 100;                // AF alerts a page; every page is read (a count of one page undercounts)

  /**
   * A patient is a pseudonym within a programme: the same pseudonym issued by two programmes is two people, so one
   * patient's count never includes the other's alerts (adversarial probe 18b, D10).
   */
  function patientKey(item) {
    return JSON.stringify([item.programme, item.patient]);
  }

  function afAdvice(li, item) {
    const el = $('[data-af-advice]', li);
    // without the programme the pseudonym may be two people: no advice about "this patient"
    if (item.type !== 'atrial-fibrillation' || !item.patient || !item.programme) { el.hidden = true; return; }
    const known = afFalseAlarms.get(patientKey(item));
    const earlier = known && known.ids ? [...known.ids].filter(id => id !== item.id).length : 0;
    el.hidden = earlier < AF_ADVICE_MIN;
    if (!el.hidden) {
      el.textContent = earlier + ' earlier AF alerts of this patient in the last ' + AF_ADVICE_DAYS + ' days were'
        + ' resolved as false alarm. If an ECG has shown sinus rhythm during them, the clinical lead can raise this'
        + ' patient\'s AF onset bar (atrial-fibrillation.onsetProbability; see the triage guide).';
    }
    if (!known || (!known.pending && Date.now() - known.at > AF_ADVICE_MAX_AGE_MS)) loadAfFalseAlarms(item);
  }

  const afQueue = [];                 // patients ({ programme, patient }) whose count is wanted, four at a time
  let afInFlight = 0;

  function loadAfFalseAlarms(item) {
    const key = patientKey(item);
    const entry = afFalseAlarms.get(key) || { ids: null };
    entry.pending = true;
    entry.at = Date.now();
    afFalseAlarms.set(key, entry);
    afQueue.push({ programme: item.programme, patient: item.patient });
    pumpAfQueue();
  }

  function pumpAfQueue() {
    while (afInFlight < 4 && afQueue.length) {
      const who = afQueue.shift();
      afInFlight++;
      fetchAfFalseAlarms(who).finally(() => { afInFlight--; pumpAfQueue(); });
    }
  }

  async function fetchAfFalseAlarms(who) {
    const key = patientKey(who);
    const entry = afFalseAlarms.get(key) || { ids: null };
    afFalseAlarms.set(key, entry);
    try {
      const since = new Date(Date.now() - AF_ADVICE_DAYS * 86400000).toISOString();
      const ids = new Set();
      // to the last page (the service pages from a snapshot of the matches: each is read once)
      for (let b = await api.patientAfAlerts(who.programme, who.patient, since); b; b = await api.nextPage(b)) {
        (b.entry || []).map(e => e.resource)
          .filter(t => t && t.resourceType === 'Task' && (t.output || [])
            .some(o => { const c = coding(o.valueCodeableConcept, TRIAGE_OUTCOME); return c && c.code === 'false-alarm'; }))
          .forEach(t => ids.add(t.id));
      }
      entry.ids = ids;
    } catch (e) {
      // the advice is an aid, not the alert: without the count the card shows none
    } finally {
      entry.pending = false;
      entry.at = Date.now();
    }
    document.querySelectorAll('#worklist > li[data-alert]').forEach(li => {
      const item = state.items.get(li.dataset.id);
      if (item && patientKey(item) === key) afAdvice(li, item);
    });
  }

  function row(name, valueNode) {
    const div = document.createElement('div');
    const dt = document.createElement('dt'); dt.textContent = name;
    const dd = document.createElement('dd'); dd.append(valueNode);
    div.append(dt, dd);
    return div;
  }

  function unitText(u) {
    return ({ '/min': 'per min', '1': '', '{steps}': 'steps' })[u] ?? u;
  }

  function render(newIds) {
    const now = Date.now();
    const list = $('#worklist');
    const focused = document.activeElement;
    const items = [...state.items.values()].filter(visible).sort((a, b) => compare(a, b, now));
    const existing = new Map([...list.children].map(li => [li.dataset.id, li]));
    const order = [];
    for (const item of items) {
      let li = existing.get(item.id);
      const isNew = !li;
      if (!li) {
        li = card(item);
        if (newIds && newIds.has(item.id)) li.classList.add('card--new');
      }
      existing.delete(item.id);
      update(li, item, now);
      if (isNew && state.held.has(item.id)) { putDraft(li, state.held.get(item.id)); state.held.delete(item.id); }
      order.push(li);
    }
    existing.forEach(li => {
      const draft = draftOf(li);
      const seen = shownItem.get(li);
      const hadFocus = li.contains(focused);
      li.remove();
      if (draft && seen) cardLeft(seen, draft, hadFocus);
    });
    order.forEach((li, i) => { if (list.children[i] !== li) list.insertBefore(li, list.children[i] || null); });
    if (focused && focused !== document.activeElement && focused.isConnected) focused.focus({ preventScroll: true });
    $('#empty').hidden = items.length > 0;
    summarise(items, now);
  }

  function summarise(items, now) {
    const all = [...state.items.values()];
    const waiting = all.filter(i => i.status === 'requested' || i.escalatedAfterAck).length;
    const over = all.filter(i => i.status === 'requested' && targetUsed(i, now) > 1).length;
    const shown = state.filters.type || state.filters.programme ? ' matching the filters' : '';
    const n = Math.max(state.total || 0, all.length);
    // more open than the page shows: how many are not shown, and how many of those nobody has acknowledged, from the
    // service's counts (Bundle.total of each search), never only what the page holds
    const hidden = n - all.length;
    const waitingHidden = state.waitingTotal == null ? null
      : Math.max(0, state.waitingTotal - all.filter(i => i.status === 'requested').length);
    const more = hidden > 0 ? ' (' + hidden + ' not shown: the page shows the ' + all.length + ' most urgent, oldest'
      + ' first; the filters narrow them)' : '';
    // of those not shown, the urgent ones and those an escalation re-opened are named on their own (session 22)
    const hiddenUrgent = hidden <= 0 || state.urgentTotal == null ? 0 : Math.max(0, state.urgentTotal
      - all.filter(i => (PRIORITY_RANK[i.priority] ?? 9) <= PRIORITY_RANK.urgent).length);
    const hiddenReopened = hidden <= 0 || state.reopenedTotal == null ? 0 : Math.max(0, state.reopenedTotal
      - all.filter(i => i.status === 'requested' && i.escalatedAfterAck).length);
    const notShown = [];
    if (hiddenUrgent) notShown.push(hiddenUrgent + (hiddenUrgent === 1 ? ' alert' : ' alerts') + ' of urgent priority or above');
    if (hiddenReopened) notShown.push(hiddenReopened + (hiddenReopened === 1 ? ' alert' : ' alerts') + ' re-opened by an escalation');
    const warn = notShown.length ? ' Not shown: ' + notShown.join('; ') + ': narrow the list by type or programme to see them.' : '';
    // a programme nobody is enrolled in has no alerts to show: said, so it never reads as a quiet day (session 19)
    const mine = state.filters.programme ? [state.filters.programme] : state.programmes;
    const unenrolled = mine.filter(p => state.unenrolled.includes(p));
    const none = unenrolled.length === 1 ? 'programme ' + unenrolled[0] : 'programmes (' + unenrolled.join(', ') + ')';
    if (n === 0 && unenrolled.length && unenrolled.length === mine.length) {
      const text = 'No patient is enrolled in your ' + none + ' yet, so no alert can arrive: this is not a quiet day.'
        + ' Alerts appear here once a patient is enrolled; if you expected patients, ask the service\'s administrator'
        + ' to check your programmes.';
      setText(document, '#summary', text);
      setText(document, '#empty', 'No patient is enrolled in your ' + none + ' yet.');
      return;
    }
    setText(document, '#empty', EMPTY_TEXT);
    const waitingText = !more ? waiting + ' waiting for acknowledgement, ' + over
      : waitingHidden == null ? waiting + ' of those shown waiting for acknowledgement, ' + over
      : (waiting + waitingHidden) + ' waiting for acknowledgement (' + waitingHidden + ' of them not shown), ' + over
        + ' of those shown';
    setText(document, '#summary', n + (n === 1 ? ' open alert' : ' open alerts') + shown + more + ': '
      + waitingText + ' past the response target.' + warn
      + (unenrolled.length ? ' No patient is enrolled in your ' + none + ' yet.' : ''));
  }

  /** The empty worklist's line when patients are enrolled (index.html's). */
  const EMPTY_TEXT = 'No open alerts match. New alerts appear here without reloading.';

  /** Reads again which of the user's programmes nobody is enrolled in (while any is), without touching the session. */
  async function refreshUnenrolled() {
    if (!state.unenrolled.length) return;
    try {
      const s = await api.session(true);
      if (!s.authenticated) return;
      const fresh = s.programmesWithoutPatients || [];
      if (fresh.join() !== state.unenrolled.join()) { state.unenrolled = fresh; summarise(null, Date.now()); }
    } catch (e) {
      // the next refresh tries again; the worklist itself says when the service cannot be reached
    }
  }

  function fillFilter(sel, values, label) {
    const select = $(sel);
    const current = select.value;
    const have = new Set([...select.options].map(o => o.value));
    [...values].sort().forEach(v => {
      if (have.has(v)) return;
      const o = document.createElement('option');
      o.value = v; o.textContent = label(v);
      select.append(o);
    });
    select.value = current;
  }

  function announce(text) {
    const a = $('#announcer');
    a.textContent = '';
    window.setTimeout(() => { a.textContent = text; }, 50);
  }

  function showError(message) {
    const e = $('#error');
    if (!message) { e.hidden = true; e.textContent = ''; return; }
    e.hidden = false;
    e.textContent = message;
  }

  // ------------------------------------------------------------------------------------------ data
  let loading = null;
  let again = false;

  /** Reloads the worklist; calls while one is running coalesce into one more. */
  function load(quiet = false) {
    if (loading) { again = true; return loading; }
    loading = (async () => {
      try {
        await loadOnce(quiet);
      } finally {
        loading = null;
        if (again) { again = false; load(); }
      }
    })();
    return loading;
  }

  async function loadOnce(quiet) {
    const generation = state.generation;
    // a refresh is the page's own (background), except the one a filter change asked for: that one is the clinician's
    const own = state.filtered;
    state.filtered = false;
    let data;
    try {
      data = await api.worklist(!own);
      showError(null);
    } catch (e) {
      showError('The worklist could not be refreshed (' + e.message + '). It will try again.');
      return;
    }
    if (generation !== state.generation) { again = true; return; }
    // only open alerts: a search's ids are read before its resources (the service's paging snapshot), so an alert the
    // pipeline or a colleague closed in between comes back closed; shown, its card then left with a wrong reason
    // ("updated") and, for a moment, a closed alert sat on the worklist as if open (fresh-clone CI, session 20)
    // each alert once (a re-opened alert is in two of the searches; the later version if a change came in between)
    const byId = new Map();
    (data.entry || []).map(e => e.resource).filter(r => r && r.resourceType === 'Task' && OPEN.has(r.status))
      .forEach(r => {
        const had = byId.get(r.id);
        if (!had || Number(r.meta && r.meta.versionId) > Number(had.meta && had.meta.versionId)) byId.set(r.id, r);
      });
    const tasks = [...byId.values()];
    // alerts of urgent priority or above not shown: none when the last card is routine (the page shows the most urgent
    // first: every urgent one is then on it); otherwise the service counts them (asked before anything is changed on
    // the page, so an action taken meanwhile is not undone by this answer)
    const total = typeof data.total === 'number' ? data.total : tasks.length;
    const probeAt = Date.now();
    const last = tasks.map(t => itemOf(t)).sort((x, y) => compare(x, y, probeAt))[MAX_SHOWN - 1];
    let urgentTotal = null;
    if (total > MAX_SHOWN && last && (PRIORITY_RANK[last.priority] ?? 9) <= PRIORITY_RANK.urgent) {
      try {
        urgentTotal = await api.urgentCount(!own);
      } catch (e) {
        urgentTotal = null; // the summary then says only how many are not shown, as before
      }
      if (generation !== state.generation) { again = true; return; }
    }
    (data.entry || []).map(e => e.resource).filter(r => r && r.resourceType === 'Observation')
      .forEach(o => state.observations.set(o.id, { key: null, resource: o }));
    const before = state.items;
    // an answer older than a version the page already holds (read after an action or a conflict) does not undo it
    const items = tasks.map(t => {
      const it = itemOf(t);
      const held = state.items.get(it.id);
      return held && Number(held.version) > Number(it.version) ? held : it;
    });
    // the most urgent MAX_SHOWN of the queries, in the page's order (api.worklist)
    const shownAt = Date.now();
    items.sort((x, y) => compare(x, y, shownAt));
    items.splice(MAX_SHOWN);
    state.total = total;
    state.waitingTotal = typeof data.waiting === 'number' ? data.waiting : null;
    state.reopenedTotal = typeof data.reopened === 'number' ? data.reopened : null;
    state.urgentTotal = urgentTotal;
    const newIds = new Set();
    const fresh = [];
    for (const it of items) {
      if (state.known && !state.known.has(it.id)) {
        newIds.add(it.id);
        if (!(it.escalatedAfterAck && it.reopenedAt)) fresh.push(it);
      }
    }
    // alerts the pipeline escalated: on the page with a higher priority, or back after an acknowledgement; or back on
    // the page after they left it (a clinician resolved or cancelled them), re-opened by an escalation since they were
    // last shown (until session 21 such an alert came back unannounced: it was neither new nor on the page before)
    const returned = new Set();
    const escalated = items.filter(it => {
      const was = before.get(it.id) || (state.known && state.known.get(it.id));
      if (!was) {
        // re-opened by an escalation and never on this page before (it was not shown: behind others, or acted on
        // before the page was opened): announced as the escalation it is, not as a new alert
        if (!state.known || !it.escalatedAfterAck || !it.reopenedAt) return false;
        if (reopenedAfterClosing(it)) returned.add(it.id);
        return true;
      }
      // re-opened since last shown (a new re-opening has a new note time; an acknowledged escalation has none)
      const again = it.escalatedAfterAck
        && (!was.escalatedAfterAck || (!!it.reopenedAt && it.reopenedAt !== was.reopenedAt));
      if (again && !before.has(it.id)) returned.add(it.id);
      return (PRIORITY_RANK[it.priority] ?? 9) < (PRIORITY_RANK[was.priority] ?? 9) || again;
    });
    state.items = new Map(items.map(i => [i.id, i]));
    state.known = state.known || new Map();
    items.forEach(i => state.known.set(i.id, seenAs(i)));
    render(quiet ? null : newIds);
    refreshUnenrolled();
    if (quiet) { fetchObservations(tasks); return; }
    const said = [];
    if (escalated.length) {
      escalated.sort((x, y) => compare(x, y, Date.now()));
      const first = escalated[0];
      said.push('Escalated: ' + (PRIORITY_TEXT[first.priority] || first.priority).toLowerCase() + ' '
        + typeText(first).toLowerCase() + ' for patient ' + first.patient
        + (returned.has(first.id) ? ', back on the worklist after it was closed'
          : first.escalatedAfterAck ? ', back on the worklist after its acknowledgement' : '')
        + (escalated.length > 1 ? ', and ' + (escalated.length - 1) + ' more' : '') + '.');
      escalated.forEach(it => highlight(it.id));
    }
    if (fresh.length) {
      fresh.sort((x, y) => compare(x, y, Date.now()));
      const first = fresh[0];
      said.push(fresh.length + (fresh.length === 1 ? ' new alert' : ' new alerts') + ': '
        + (PRIORITY_TEXT[first.priority] || first.priority) + ' ' + typeText(first).toLowerCase()
        + ' for patient ' + first.patient + (fresh.length > 1 ? ', and others' : '') + '.');
    }
    if (said.length) announce(said.join(' '));
    fetchObservations(tasks);
  }

  /** Whether the escalation that re-opened the alert undid a resolution or a cancellation (the service's note says). */
  function reopenedAfterClosing(item) {
    const own = (item.notes || []).filter(n => n.authorString === SYSTEM_AUTHOR);
    const note = own.length ? own[own.length - 1].text || '' : '';
    return /after the alert was (completed|cancelled)\b/.test(note);
  }

  /** What the page remembers of an alert it showed: what tells an escalation since then. */
  function seenAs(item) {
    return { priority: item.priority, escalatedAfterAck: item.escalatedAfterAck, reopenedAt: item.reopenedAt };
  }

  /** Highlights a card again (as a new one is), e.g. for an escalation. */
  function highlight(id) {
    const li = document.querySelector('#worklist > li[data-id="' + CSS.escape(id) + '"]');
    if (!li) return;
    li.classList.remove('card--new');
    void li.offsetWidth; // restarts the animation
    li.classList.add('card--new');
  }

  function itemOf(task) {
    const cached = state.observations.get(focusId(task));
    return fromFhir(task, cached ? cached.resource : null);
  }

  /** Fetches the Observations (evidence, type) of Tasks whose pipeline version is new, six at a time. */
  async function fetchObservations(tasks) {
    const wanted = tasks.filter(t => {
      const c = state.observations.get(focusId(t));
      return !c || (c.key !== null && c.key !== observationKey(t));
    });
    if (!wanted.length) return;
    let next = 0;
    const worker = async () => {
      while (next < wanted.length) { // eslint-disable-line no-unmodified-loop-condition
        const t = wanted[next++];
        try {
          const o = await api.observation(focusId(t));
          state.observations.set(focusId(t), { key: observationKey(t), resource: o });
        } catch (e) {
          state.observations.set(focusId(t), { key: observationKey(t), resource: null });
        }
      }
    };
    await Promise.all([worker(), worker(), worker(), worker(), worker(), worker()]);
    state.items.forEach((item, id) => {
      const c = state.observations.get(id);
      if (c && c.resource) {
        const fresh = fromFhir({ ...item.task }, c.resource);
        state.items.set(id, fresh);
      }
    });
    render(null);
  }

  /** A Bundle's link of that relation (next), or null. */
  function link(bundle, relation) {
    const l = ((bundle && bundle.link) || []).find(x => x.relation === relation);
    return l ? l.url : null;
  }

  /**
   * The entries of a Bundle and of the pages after it (its next links, at most {@code maxPages} pages in all);
   * {@code complete} is false when a next page was left unread (could not be read, or past maxPages).
   */
  async function allPages(first, maxPages = 20) {
    const entries = [...(first.entry || [])];
    let b = first;
    for (let pages = 1; link(b, 'next') && pages < maxPages; pages++) {
      try {
        b = await api.page(link(b, 'next'));
      } catch (e) {
        return { entries, complete: false };
      }
      entries.push(...(b.entry || []));
    }
    return { entries, complete: !link(b, 'next') };
  }

  /** The alert's state at a version (not an event: the first version shown may not be the opening). */
  const LIFECYCLE_STATE_TEXT = {
    opened: 'open', updated: 'ongoing (reminders)', escalated: 'escalated', closed: 'episode ended',
  };

  /**
   * Every version of the alert, oldest first, from version 1 (reading the history's next pages). When versions are
   * missing at the start (a history longer than the service pages, a page that could not be read), the list says so
   * first, and its first row is labelled as the earliest version shown, never as the opening, with the notes written
   * before it at their own times.
   */
  /** A pipeline change stored this long after it was made says when it reached the worklist too. */
  const LATE_ARRIVAL_MS = 2 * 60000;

  /**
   * When the pipeline made each change of the alert, by the time the service stored it: the Provenance of a pipeline
   * change is stored with the Task version the change made (the same time), and its {@code occurred} is the change's
   * own time. (The Task's {@code lastModified} is FHIR's last modification by anyone, so it is not that time once a
   * clinician acted after the change: a change that reached the service after a note was dated at the note: probe 18b
   * D5 follow-up.) Empty when
   * the Provenances cannot be read: the timeline then uses {@code lastModified}, as before.
   */
  async function pipelineTimes(id) {
    const at = new Map();
    try {
      const { entries } = await allPages(await api.provenance(id));
      entries.map(e => e.resource).filter(p => p && p.resourceType === 'Provenance' && p.occurredDateTime
        && p.meta && p.meta.lastUpdated).forEach(p => {
        const stored = Date.parse(p.meta.lastUpdated);
        // two changes stored in the same millisecond (a fast replay): which made which version is not known
        at.set(stored, at.has(stored) && at.get(stored) !== p.occurredDateTime ? null : p.occurredDateTime);
      });
    } catch (e) {
      // not readable now: lastModified serves
    }
    return at;
  }

  async function loadTimeline(id, li) {
    const list = $('[data-timeline-list]', li);
    try {
      const [{ entries }, madeAt] = await Promise.all([api.history(id).then(first => allPages(first)), pipelineTimes(id)]);
      const byVersion = new Map();
      entries.map(e => e.resource).filter(Boolean).forEach(t => byVersion.set(Number(t.meta && t.meta.versionId), t));
      const versions = [...byVersion.values()]
        .sort((x, y) => Number(x.meta && x.meta.versionId) - Number(y.meta && y.meta.versionId));
      const rows = [];
      const firstShown = versions.length ? Number(versions[0].meta && versions[0].meta.versionId) : 1;
      if (firstShown > 1) {
        const gap = textLi('Versions 1 to ' + (firstShown - 1) + ' of this alert are not shown here (the service'
          + ' sent only the ' + versions.length + ' most recent): the list starts at version ' + firstShown + '.');
        gap.className = 'timeline__gap';
        rows.push(gap);
      }
      let prev = null;
      versions.forEach(t => {
        const item = document.createElement('li');
        const lc = coding(t.businessStatus, LIFECYCLE);
        const ts = coding(t.businessStatus, TRIAGE_STATE);
        const who = t.owner && t.owner.display;
        const stored = (t.meta && t.meta.lastUpdated) || t.lastModified;
        let when = stored;
        const version = (t.meta && t.meta.versionId) || '?';
        const what = [];
        let earlierNotes = [];
        if (!prev && firstShown > 1) {
          // the earliest version shown is not the opening: its state, and the notes written before it
          const earliest = document.createDocumentFragment();
          earliest.append('Earliest version shown: alert ' + (lc ? (LIFECYCLE_STATE_TEXT[lc.code] || lc.code) : 'in an unknown state')
            + ' (' + (PRIORITY_TEXT[t.priority] || t.priority) + '), ' + (STATUS_TEXT[t.status] || t.status));
          if (who && t.status !== 'requested') earliest.append(' by ', userText(who));
          what.push(earliest);
          earlierNotes = t.note || [];
          if (earlierNotes.length) {
            what.push(earlierNotes.length + (earlierNotes.length === 1 ? ' note' : ' notes')
              + ' written up to this version, each at its own time');
          }
        } else {
          if (!prev || (coding(prev.businessStatus, LIFECYCLE) || {}).code !== (lc || {}).code
            || prev.description !== t.description) {
            what.push(lc ? lifecycleText(lc.code, lc.display) + ' (' + (PRIORITY_TEXT[t.priority] || t.priority) + ')' : 'Changed');
            // a change of the pipeline's: when the pipeline made it (the opening: when the alert was raised), not
            // when the service stored it, which can be much later (a redeployment, consumer lag, a re-read after a
            // restore: adversarial probe 18b, D5); a clinician's action is dated when the service took it
            when = (!prev ? t.authoredOn : madeAt.get(Date.parse(stored)) || t.lastModified) || stored;
          }
          if (!prev || prev.status !== t.status) {
            const status = document.createDocumentFragment();
            status.append((STATUS_TEXT[t.status] || t.status) + (ts && ts.code === 'reopened' ? ' again (reopened by an escalation)' : ''));
            if (who && t.status !== 'requested') status.append(' by ', userText(who));
            what.push(status);
          }
          what.push(...(t.note || []).slice((prev && prev.note || []).length).map(noteNodes));
        }
        const out = outcomeText(t);
        if (out && (!prev || outcomeText(prev) !== out)) what.push('outcome' + out);
        prev = t;
        // each part a string or nodes; user-written text isolated (userText)
        item.append(timeEl(when), ': ');
        if (!what.length) item.append('no visible change');
        what.forEach((part, i) => item.append(...(i ? ['; ', part] : [part])));
        if (when !== stored && Date.parse(stored) - Date.parse(when) > LATE_ARRIVAL_MS) {
          item.append(' (reached the worklist ', timeEl(stored), ')');
        }
        item.append(' (version ' + version + ')');
        if (earlierNotes.length) {
          const sub = document.createElement('ul');
          earlierNotes.forEach(n => {
            const x = document.createElement('li');
            x.append(timeEl(n.time), ': ', noteNodes(n));
            sub.append(x);
          });
          item.append(sub);
        }
        rows.push(item);
      });
      list.replaceChildren(...(rows.length ? rows : [textLi('No versions.')]));
    } catch (e) {
      list.replaceChildren(textLi('The timeline could not be loaded: ' + e.message));
    }
  }

  /**
   * The patient's other alerts, newest first: the first page, how many there are in all (Bundle.total), and a
   * "Show more" button reading the next page while there is one.
   */
  async function loadEarlier(id, li) {
    const list = $('[data-earlier-list]', li);
    const more = $('[data-earlier-more]', li);
    const count = $('[data-earlier-count]', li);
    more.hidden = true;
    count.hidden = true;
    const item = state.items.get(id);
    if (!item || !item.patient) { list.replaceChildren(textLi('Unknown patient.')); return; }
    if (!item.programme) {
      // filed before its programme was known (administrators only): the pseudonym may be two people
      let scope = $('[data-earlier-scope]', li);
      if (!scope) {
        scope = document.createElement('p');
        scope.className = 'note-hint';
        scope.dataset.earlierScope = '';
        list.before(scope);
      }
      scope.textContent = 'This alert\'s programme is not known: the list holds the alerts of pseudonym ' + item.patient
        + ' in every programme you may see, which may be different patients (each programme issues its own'
        + ' pseudonyms).';
    }
    const shown = [];
    let total = null;
    const show = (b, bundle) => {
      const others = (b.entry || []).map(e => e.resource).filter(r => r && r.resourceType === 'Task' && r.id !== id);
      shown.push(...others);
      // Bundle.total counts this alert too (it is one of the patient's)
      if (typeof bundle.total === 'number') total = Math.max(0, bundle.total - 1);
      const rows = shown.map(t => {
        const x = document.createElement('li');
        const desc = (t.description || '').split('. ')[0];
        x.append(timeEl(t.authoredOn), document.createTextNode(': ' + desc + ' — '
          + (STATUS_TEXT[t.status] || t.status) + outcomeText(t)));
        return x;
      });
      list.replaceChildren(...(rows.length ? rows : [textLi('No earlier alerts for this patient.')]));
      const next = link(b, 'next');
      const left = total === null ? null : total - shown.length;
      count.hidden = !(rows.length && (next || (left !== null && left > 0)));
      count.textContent = total !== null
        ? 'The ' + shown.length + ' most recent of the patient\'s ' + total + ' other alerts are shown.'
        : 'The ' + shown.length + ' most recent of the patient\'s other alerts are shown; there are more.';
      more.hidden = !next;
      more.textContent = 'Show ' + (left !== null && left > 0 ? Math.min(EARLIER_PAGE, left) + ' more' : 'more')
        + ' of the patient\'s alerts';
      more.onclick = async () => {
        more.disabled = true;
        try {
          show(await api.page(next), bundle);
          const rowsNow = list.children;
          const firstNew = rowsNow[rows.length];
          if (firstNew) { firstNew.tabIndex = -1; firstNew.focus(); }
        } catch (e) {
          count.hidden = false;
          count.textContent = 'The rest of the patient\'s alerts could not be loaded: ' + (e.reason || e.message);
        } finally {
          more.disabled = false;
        }
      };
    };
    try {
      const b = await api.patientAlerts(item.programme, item.patient);
      show(b, b);
    } catch (e) {
      list.replaceChildren(textLi('Earlier alerts could not be loaded: ' + e.message));
    }
  }

  function outcomeText(t) {
    const out = (t.output || []).map(o => o.valueCodeableConcept && (o.valueCodeableConcept.text
      || (o.valueCodeableConcept.coding && o.valueCodeableConcept.coding[0]
        && (o.valueCodeableConcept.coding[0].display || o.valueCodeableConcept.coding[0].code))))
      .filter(Boolean);
    return out.length ? ' (' + out.join(', ') + ')' : '';
  }

  function textLi(text) {
    const li = document.createElement('li');
    li.textContent = text;
    return li;
  }

  /** Bidirectional embedding, override and isolate controls (U+202A-U+202E, U+2066-U+2069). */
  const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069]/g;

  /**
   * Text a person wrote (a note, a user name), isolated from what is drawn around it: a {@code <bdi>} (its own
   * direction, unicode-bidi: isolate), with each bidi control character shown as a visible mark ("[U+202E]") instead
   * of applied. A note with a right-to-left override reversed its author and version in the timeline, and could be
   * drawn as other words than those stored (Trojan Source; adversarial probe 18b, D4).
   */
  function userText(text) {
    const el = document.createElement('bdi');
    el.className = 'user-text';
    const s = String(text == null ? '' : text);
    let from = 0;
    for (const m of s.matchAll(BIDI_CONTROLS)) {
      if (m.index > from) el.append(s.slice(from, m.index));
      const code = 'U+' + m[0].charCodeAt(0).toString(16).toUpperCase();
      const mark = document.createElement('span');
      mark.className = 'bidi-control';
      mark.textContent = '[' + code + ']';
      mark.title = 'A text-direction control character (' + code + ') in the stored text, shown here, not applied';
      el.append(mark);
      from = m.index + 1;
    }
    if (from < s.length) el.append(s.slice(from));
    return el;
  }

  /** A note as the timeline shows it: “text” (author), the text and the author each {@link userText}. */
  function noteNodes(n) {
    const f = document.createDocumentFragment();
    f.append('“', userText(n.text), '”');
    if (n.authorString) f.append(' (', userText(n.authorString), ')');
    return f;
  }

  // ------------------------------------------------------------------------------------------ actions
  const OPEN = new Set(['requested', 'accepted', 'in-progress']);

  /** The alert as the service answered it (after an action, or read again): its card shows this version now. */
  function replaceItem(task) {
    if (OPEN.has(task.status)) state.items.set(task.id, itemOf(task)); else state.items.delete(task.id);
    render(null);
  }

  /** The card's message about a refused action (none: hidden). */
  function showConflict(li, text) {
    const p = $('[data-conflict]', li);
    p.hidden = !text;
    p.textContent = text || '';
  }

  /** What changed between the version of an alert the clinician saw and the current one, in plain words. */
  function changes(seen, now) {
    const what = [];
    const rank = p => PRIORITY_RANK[p] ?? 9;
    const priority = p => (PRIORITY_TEXT[p] || p || 'unknown').toLowerCase();
    if (rank(now.priority) < rank(seen.priority)) what.push('escalated to ' + priority(now.priority));
    else if (now.lifecycle === 'escalated' && seen.lifecycle !== 'escalated') what.push('escalated');
    else if (now.lifecycle !== seen.lifecycle) what.push((now.lifecycle ? lifecycleText(now.lifecycle, now.lifecycleDisplay) : 'changed').toLowerCase());
    else if (now.description !== seen.description) what.push('new evidence');
    if (now.status !== seen.status) {
      const by = now.owner ? ' by ' + now.owner : '';
      what.push(now.status === 'requested' ? 'reopened as new'
        : now.status === 'accepted' ? 'acknowledged' + by
          : now.status === 'in-progress' ? 'started' + by
            : now.status === 'completed' ? 'resolved' + by + (now.outcome ? ' (' + now.outcome.toLowerCase() + ')' : '')
              : now.status === 'cancelled' ? (now.statusReason && !now.owner
                ? now.statusReason.charAt(0).toLowerCase() + now.statusReason.slice(1) : 'closed without action' + by)
                : (STATUS_TEXT[now.status] || now.status).toLowerCase());
    }
    // a clinician's note (the service's own note on a reopened alert repeats what the status says)
    const notes = (now.notes || []).slice((seen.notes || []).length).filter(n => n.authorString && n.authorString !== SYSTEM_AUTHOR);
    if (notes.length) what.push((notes.length === 1 ? 'a new note' : notes.length + ' new notes') + ' by '
      + [...new Set(notes.map(n => n.authorString))].join(', '));
    return what.length ? what : ['updated'];
  }

  /**
   * An action was refused (409): the alert changed since the version on the card (an escalation, a colleague's action),
   * or its state no longer allows the action. Nothing was done. Reads the alert again, shows it on its card and says
   * plainly what changed; an alert that has left the worklist is named in the page's notice instead.
   */
  async function refused(seen, li, attempted, e) {
    let task = null;
    try {
      task = await api.task(seen.id);
    } catch (readError) {
      // no longer visible to this user (404): it leaves the worklist
    }
    const now = task ? itemOf(task) : null;
    if (now && now.version === seen.version) { // not a change of the alert: the service says why
      showConflict(li, 'Your ' + attempted + ' was not applied: ' + (e.reason || e.message) + '.');
      return;
    }
    const what = now ? changes(seen, now).join('; ') : 'it is no longer visible to you';
    const draft = draftOf(li);
    state.explained.add(seen.id); // this message says why the card goes; a note typed on it is kept (cardLeft)
    if (task) replaceItem(task); else { state.items.delete(seen.id); render(null); }
    state.explained.delete(seen.id);
    if (li.isConnected) {
      showConflict(li, 'This alert changed while you were looking at it (' + what + '): review it before acting.'
        + ' Your ' + attempted + ' was not applied.');
      $('[data-conflict]', li).focus();
    } else {
      notice(typeText(seen) + ' for patient ' + seen.patient + ' changed while you were looking at it (' + what
        + '): your ' + attempted + ' was not applied, and the alert has left the worklist.'
        + (draft && draft.note.trim() ? ' Your note is kept under “Notes not saved”.' : ''));
      $('#notice').focus();
    }
    load();
  }

  /** A message about an alert no longer on the page (cleared by the next one). */
  function notice(text) {
    const n = $('#notice');
    n.hidden = !text;
    n.textContent = text || '';
  }

  async function acknowledge(id, li) {
    const item = state.items.get(id);
    if (!item) return;
    const btn = $('[data-ack-button]', li);
    btn.disabled = true;
    state.pending = { id, what: 'acknowledgement' };
    try {
      replaceItem(await api.acknowledge(item));
      showConflict(li, null);
      announce('Acknowledged: ' + typeText(item).toLowerCase() + ' for patient ' + item.patient + '.');
      const heading = $('.card__heading', li);
      if (li.isConnected) ($('input[type=radio]', li) || heading).focus();
      load();
    } catch (e) {
      if (e.status === 409) await refused(item, li, 'acknowledgement', e);
      else showError('Could not acknowledge: ' + (e.reason || e.message));
    } finally {
      btn.disabled = false;
      state.pending = null;
    }
  }

  async function resolve(id, li) {
    const item = state.items.get(id);
    if (!item) return;
    const form = $('[data-resolve-form]', li);
    const chosen = $('input[type=radio]:checked', form);
    const fieldset = $('fieldset', form);
    let err = $('[data-outcome-error]', form);
    if (!chosen) {
      if (!err) {
        err = document.createElement('p');
        err.className = 'error-message';
        err.dataset.outcomeError = '';
        err.id = 'err-' + cssId(id);
        $('[data-outcomes]', form).before(err);
      }
      err.textContent = 'Choose the outcome before resolving.';
      fieldset.setAttribute('aria-describedby', err.id);
      $('input[type=radio]', form).focus();
      return;
    }
    if (err) err.remove();
    const noteField = $('[data-note]', form);
    const noteLength = noteField.value.trim().length;
    if (noteLength > noteMax(noteField)) { // refused here, before sending: the text stays in the field
      noteError(li, 'The note has ' + noteLength + ' characters; at most ' + noteMax(noteField) + ' can be saved.'
        + ' Shorten it by ' + (noteLength - noteMax(noteField)) + ' characters, then press Resolve. Nothing was sent.');
      noteField.focus();
      return;
    }
    const button = $('button[type=submit]', form);
    button.disabled = true;
    const next = li.nextElementSibling || li.previousElementSibling;
    const label = (OUTCOMES.find(o => o[0] === chosen.value) || [])[1] || chosen.value;
    state.pending = { id, what: 'resolve (' + label.toLowerCase() + ')' };
    try {
      await api.resolve(item, chosen.value, $('[data-note]', form).value.trim());
      afFalseAlarms.delete(patientKey(item)); // the patient's count may have changed
      state.items.delete(id);
      li.remove();
      announce('Resolved as ' + label.toLowerCase() + ': ' + typeText(item).toLowerCase() + ' for patient ' + item.patient + '.');
      if (next && next.isConnected) $('.card__heading', next).focus(); else $('#main').focus();
      await load();
    } catch (e) {
      if (e.status === 409) {
        chosen.checked = false; // the outcome is chosen again for what the alert is now (the note is kept)
        await refused(item, li, 'resolve (' + label.toLowerCase() + ')', e);
      } else if (e.status === 400 && e.reason) { // the service's reason, on the card by what it is about; text kept
        const what = 'Your resolve (' + label.toLowerCase() + ') was not applied: ' + e.reason + '.';
        if (/note/i.test(e.reason)) {
          noteError(li, what + ' Your note is kept: change it, then press Resolve again.');
          $('[data-note]', form).focus();
        } else {
          showConflict(li, what);
          $('[data-conflict]', li).focus();
        }
      } else {
        showError('Could not resolve: ' + (e.reason || e.message));
      }
      button.disabled = false;
    } finally {
      state.pending = null;
    }
  }

  /**
   * Saves the card's note on its own, the alert staying open (a handover: "Phoned 09:10, no answer; try again after
   * 11:00"). A note changes nothing else, so it is sent without expectedVersion, as a note kept under "Notes not
   * saved" is. Until probe 20b (D3) the card's note was saved only by Resolve: a note on an alert still open could not
   * be left from the worklist at all.
   */
  async function addNote(id, li) {
    const item = state.items.get(id);
    if (!item) return;
    const field = $('[data-note]', li);
    const saved = $('[data-note-saved]', li);
    const text = field.value.trim();
    saved.hidden = true;
    if (!text) {
      noteError(li, 'Type the note first: nothing was sent.');
      field.focus();
      return;
    }
    if (text.length > noteMax(field)) {
      noteError(li, 'The note has ' + text.length + ' characters; at most ' + noteMax(field) + ' can be saved.'
        + ' Shorten it by ' + (text.length - noteMax(field)) + ' characters, then press Add note. Nothing was sent.');
      field.focus();
      return;
    }
    const button = $('[data-note-button]', li);
    button.disabled = true;
    try {
      replaceItem(await api.act({ id }, { action: 'note', note: text }));
      field.value = '';
      noteChanged(li);
      noteError(li, null);
      const said = 'Note added to ' + typeText(item).toLowerCase() + ' for patient ' + item.patient
        + '; the alert stays open.';
      saved.textContent = said;
      saved.hidden = false;
      announce(said);
      load();
    } catch (e) {
      noteError(li, 'The note was not added: ' + (e.reason || e.message) + '. Your text is kept.');
      field.focus();
    } finally {
      button.disabled = false;
    }
  }

  // ------------------------------------------------------------------------------------------ start
  function live() {
    let timer = null;
    const soon = () => { if (!timer) timer = window.setTimeout(() => { timer = null; load(); }, 300); };
    if (window.EventSource) {
      const es = new EventSource(api.eventsUrl);
      state.source = es;
      es.addEventListener('task', soon);
      es.onmessage = soon;
      es.onopen = soon; // after a reconnection, catch up on what changed meanwhile
      // on error the browser reconnects by itself; the polling below keeps the page current meanwhile
    }
    window.setInterval(() => load(), POLL_MS);
    window.setInterval(() => render(null), 30000); // waiting times move on
  }

  function onFilter() {
    state.filters.type = $('#filter-type').value;
    state.filters.programme = $('#filter-programme').value;
    state.generation++;
    state.filtered = true;
    load(true);
  }

  async function start() {
    $('#local-zone').textContent = localZone;
    $('#show-utc').addEventListener('change', ev => { state.utc = ev.target.checked; refreshTimes(); });
    $('#filter-type').addEventListener('change', onFilter);
    $('#filter-programme').addEventListener('change', onFilter);
    fillFilter('#filter-type', new Set(Object.keys(TYPE_TEXT)), v => TYPE_TEXT[v]);
    let s;
    try {
      s = await api.session();
    } catch (e) {
      showError('Your session could not be read (' + e.message + ').');
      return;
    }
    if (!s.authenticated) { signIn(); return; }
    state.csrf = s.csrfToken || null;
    state.username = s.username || null;
    state.canAct = s.canAct !== false;
    document.body.dataset.canAct = String(state.canAct);
    state.programmes = (s.programmes || []).slice().sort();
    state.unenrolled = s.programmesWithoutPatients || [];
    document.querySelectorAll('[data-csrf]').forEach(i => { i.value = state.csrf || ''; });
    $('#who').textContent = 'Signed in as ' + s.username + ' (' + (s.role || 'unknown role')
      + (s.programmes && s.programmes.length ? ': ' + s.programmes.join(', ') : '') + ')';
    fillFilter('#filter-programme', new Set(s.programmes || []), v => v);
    try {
      const t = await api.targets();
      const targets = (t && t.targets) || {};
      Object.keys(targets).forEach(k => {
        const m = isoMinutes(targets[k]);
        if (m) state.targetsMin[k] = m;
      });
      $('#targets-text').textContent = 'response targets: ' + Object.keys(PRIORITY_RANK)
        .filter(k => state.targetsMin[k]).map(k => (PRIORITY_TEXT[k] || k).toLowerCase() + ' ' + duration(state.targetsMin[k] * 60000))
        .join(', ');
    } catch (e) {
      $('#targets-text').textContent = 'default response targets (the service did not report its own)';
    }
    loadUnsaved();
    await load(true);
    restoreDrafts();
    live();
  }

  document.addEventListener('DOMContentLoaded', start);
})();
