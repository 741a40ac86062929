-- wardstream triage service, schema version 3: where the pipeline's stored Task stands in its episode's order, so an
-- alert change that arrives after a later one (redelivery, replay, a producer's retry) never overwrites it
-- (TaskStore.ingestAlert, PipelineOrder).
--   pipeline_changed_at  the stored change's own time (its Provenance.occurred)
--   pipeline_stage       0 open, 1 closed, 2 escalated after the close (ESCALATED carrying the episode's end)
alter table task_state add column pipeline_changed_at timestamptz;
alter table task_state add column pipeline_stage smallint not null default 0;

-- existing rows: the stored Task's lastModified (its raise time) stands for the change time
update task_state t set
    pipeline_changed_at = (t.pipeline_json::jsonb ->> 'lastModified')::timestamptz,
    pipeline_stage = case
        when t.lifecycle = 'closed' then 1
        when t.lifecycle = 'escalated' and exists (select 1 from resource r
                where r.res_type = 'Observation' and r.id = t.id and r.status = 'final') then 2
        else 0 end;
