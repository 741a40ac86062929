-- wardstream triage service, schema version 1 (Flyway). Only pseudonyms: no name, NHS number or postcode anywhere.

-- Which programme each patient pseudonym belongs to (from the compacted enrolments topic: latest record wins).
create table enrolment (
    patient     text primary key,
    programme   text not null,
    status      text not null,
    updated_at  timestamptz not null
);

-- Every alert message (one per alert state change), keyed by the Bundle's deterministic id: a replayed or
-- re-delivered message is recognised and ignored. Kept as received (history of what the pipeline said).
create table alert_message (
    bundle_id   text primary key,
    episode_id  text not null,
    patient     text not null,
    kind        text,
    topic_partition int not null,
    topic_offset    bigint not null,
    received_at timestamptz not null,
    bundle_json text not null
);
create index alert_message_episode on alert_message (episode_id);

-- Records (alerts, enrolments) that could not be read: kept with the reason, never silently dropped.
create table ingest_reject (
    id          bigserial primary key,
    topic       text not null,
    topic_partition int not null,
    topic_offset    bigint not null,
    reason      text not null,
    received_at timestamptz not null,
    unique (topic, topic_partition, topic_offset)
);

-- Current version of every served resource (Task, Observation, Provenance), with the columns searches use.
create table resource (
    res_type      text not null,
    id            text not null,
    version       int not null,
    last_updated  timestamptz not null,
    patient       text not null,
    programme     text,
    episode_type  text,
    status        text,
    priority      text,
    priority_rank int,
    authored_on   timestamptz,
    flagged       boolean not null default false,
    target_task   text,
    json          text not null,
    primary key (res_type, id)
);
create index resource_task_worklist on resource (res_type, programme, status, priority_rank, authored_on);
-- the worklist's order (most urgent first, then oldest) over open Tasks only: read in index order, stop at the page
create index resource_open_tasks on resource (priority_rank desc, authored_on asc, id)
    where res_type = 'Task' and status in ('requested', 'accepted', 'in-progress');
create index resource_patient on resource (res_type, patient);
create index resource_last_updated on resource (res_type, last_updated);
create index resource_target on resource (target_task) where target_task is not null;

-- Every version of every resource (vread, _history).
create table resource_history (
    res_type     text not null,
    id           text not null,
    version      int not null,
    last_updated timestamptz not null,
    json         text not null,
    primary key (res_type, id, version)
);

-- The two owners of a Task: the pipeline's latest Task (clinical content) and the clinician's state.
create table task_state (
    id               text primary key,
    pipeline_json    text not null,
    lifecycle        text,
    clinician_status text,
    triage_state     text,
    owner_user       text,
    outcome          text,
    notes_json       text not null default '[]',
    flagged          boolean not null default false,
    acted_at         timestamptz
);

-- Users, roles and programmes. password_hash: bcrypt ($2y$, OpenBSD format).
create table app_user (
    username      text primary key,
    password_hash text not null,
    role          text not null check (role in ('clinician', 'viewer', 'administrator')),
    created_at    timestamptz not null,
    disabled      boolean not null default false
);
create table user_programme (
    username  text not null references app_user (username) on delete cascade,
    programme text not null,
    primary key (username, programme)
);
-- API bearer tokens: only a SHA-256 of the token is stored (tokens are 256-bit random, so no slow hash is needed).
create table api_token (
    token_sha256 text primary key,
    username     text not null references app_user (username) on delete cascade,
    label        text not null,
    created_at   timestamptz not null
);

-- Every read and action: who, when, what, which resource.
create table audit_log (
    id         bigserial primary key,
    at         timestamptz not null,
    username   text not null,
    action     text not null,
    res_type   text,
    res_id     text,
    detail     text,
    outcome    text not null
);
create index audit_log_at on audit_log (at);
create index audit_log_resource on audit_log (res_type, res_id);

-- triage-events to publish (transactional outbox): written in the same transaction as the Task change, sent
-- by the publisher, marked sent after Kafka acknowledged.
create table triage_event_outbox (
    id         bigserial primary key,
    episode_id text not null,
    patient    text not null,
    programme  text not null,
    action     text not null,
    at         timestamptz not null,
    raised_at  timestamptz,
    outcome    text,
    sent_at    timestamptz
);
create index triage_event_outbox_unsent on triage_event_outbox (id) where sent_at is null;
