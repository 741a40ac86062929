-- wardstream triage service, schema version 6: an index for the worklist's search of the alerts an escalation
-- re-opened (flagged).
--
-- The worklist page asks for them on their own (worklist.js api.worklist, session 22: "status=requested&flagged=true"
-- in the worklist's order) so that behind 200 older alerts of its priority nobody has acknowledged, a re-opened alert,
-- which the page shows first of its priority, is still on the page. The flag is in no V2 index: that search read every
-- open Task's row (the flag is in the row only) to find the few flagged ones, at every refresh of every open page.
-- This partial index holds only the flagged open Tasks, in the searches' order (as V2's), so the search reads those
-- alone and Bundle.total is counted from the index. Small (re-opened alerts are few); built as V2's are.

create index resource_open_flagged on resource (priority_rank desc nulls last, authored_on asc nulls last, id)
    include (programme, episode_type, status)
    where res_type = 'Task' and flagged and status in ('requested', 'accepted', 'in-progress');

analyze resource;
