-- wardstream triage service, schema version 2: indexes that the worklist and the open-Task searches can use.
--
-- Measured cause (docs/BENCHMARKS.md, "Triage service", 100,000 open Tasks): V1's resource_open_tasks was never
-- used. The searches order by "priority_rank desc nulls last" (SearchQuery.orderBy) while the index was built
-- "priority_rank desc", which PostgreSQL orders NULLS FIRST: the orders differ, so every worklist query read every
-- open Task's row (json inline: ~59,000 heap pages) and sorted them for the first page; a filter on episode_type
-- (not in any index) did the same, and counted the matches (Bundle.total) by reading those rows again.
--
-- The three indexes below cover only open Tasks (the worklist's statuses), in the searches' exact order, each led
-- by the equality conditions a search can have, so the first page is read in index order and the scan stops there:
--   resource_open_order      users who see every programme (administrators) or several (programme = any(...))
--   resource_open_programme  a clinician or viewer of one programme (SearchQuery sends programme = ?)
--   resource_open_type       a search or worklist filter on the episode type (Task code), with or without programme
-- Their INCLUDE columns let Bundle.total be counted from the index alone (an index-only scan), without the rows.
-- Built without CONCURRENTLY (Flyway runs this in a transaction before the service starts): writes wait while
-- they build (a few seconds for 100,000 Tasks).

drop index resource_open_tasks;

create index resource_open_order on resource (priority_rank desc nulls last, authored_on asc nulls last, id)
    include (programme, episode_type, status)
    where res_type = 'Task' and status in ('requested', 'accepted', 'in-progress');

create index resource_open_programme on resource (programme, priority_rank desc nulls last, authored_on asc nulls last, id)
    include (episode_type, status)
    where res_type = 'Task' and status in ('requested', 'accepted', 'in-progress');

create index resource_open_type on resource (episode_type, programme, priority_rank desc nulls last,
                                             authored_on asc nulls last, id)
    include (status)
    where res_type = 'Task' and status in ('requested', 'accepted', 'in-progress');

analyze resource;
