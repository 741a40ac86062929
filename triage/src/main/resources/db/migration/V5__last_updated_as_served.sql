-- wardstream triage service, schema version 5: every version's last_updated column is the time it is served with.
--
-- Releases before this one stored the clock's time in the last_updated columns rounded by the JDBC driver to the
-- microsecond, while meta.lastUpdated (what FHIR clients see) cut it to the millisecond: a version stored at
-- 10:00:00.123999600 had .124000 in the column and .123 in its JSON, and _lastUpdated / _at of its own lastUpdated
-- missed it (about one version in 2,000). New versions are stored to the millisecond in both (TaskStore.versionTime);
-- this sets the columns of earlier versions from the meta.lastUpdated they are served with. Rows whose JSON has no
-- meta.lastUpdated are left as they are.
update resource r
   set last_updated = (r.json::jsonb #>> '{meta,lastUpdated}')::timestamptz
 where r.json::jsonb #>> '{meta,lastUpdated}' is not null
   and r.last_updated <> (r.json::jsonb #>> '{meta,lastUpdated}')::timestamptz;

update resource_history h
   set last_updated = (h.json::jsonb #>> '{meta,lastUpdated}')::timestamptz
 where h.json::jsonb #>> '{meta,lastUpdated}' is not null
   and h.last_updated <> (h.json::jsonb #>> '{meta,lastUpdated}')::timestamptz;
