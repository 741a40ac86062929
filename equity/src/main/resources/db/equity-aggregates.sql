-- wardstream equity aggregates: the PUBLISHED (disclosure-controlled) view, one row per
-- programme | granularity | window_start | dimension | stratum | measure (row_key).
-- Counts are text because a suppressed count is '*' ('**' when withheld by secondary suppression). No patient identifier is stored here.
-- Idempotent: safe to run on every start (PostgresAggregateStore.createSchema runs it when the generation column or
-- the view is missing; the ALTER TABLE migrates a table created before the generation column, which needs its owner).
CREATE TABLE IF NOT EXISTS equity_aggregates (
    row_key            text             PRIMARY KEY,  -- programme|granularity|window_start|dimension|stratum|measure
    programme          text             NOT NULL,
    window_start       date             NOT NULL,     -- first day of the window (patient's local date)
    window_end         date             NOT NULL,     -- exclusive
    granularity        text             NOT NULL,     -- 'day' or 'month'
    dimension          text             NOT NULL,     -- all, imd_quintile, ethnic_group, age_band, sex, icb, imd_quintile_x_ethnic_group
    stratum            text             NOT NULL,
    measure            text             NOT NULL,     -- see docs/METRICS.md
    method             text             NOT NULL,     -- wilson, exact, byars, median, p90, count
    numerator_count    text             NOT NULL,     -- '0', '*' (1 to 7), '**' (withheld) or a multiple of 5
    denominator_count  text             NOT NULL,
    value              double precision,              -- from the rounded counts; NULL when suppressed or undefined
    lower              double precision,
    upper              double precision,
    reference_stratum  text,
    ratio              double precision,              -- NULL unless both numerators are at least 10
    ratio_lower        double precision,
    ratio_upper        double precision,
    imd_edition        text,
    revision           integer          NOT NULL,     -- a window re-emitted after late data has a higher revision
    generation         bigint           NOT NULL DEFAULT 0  -- 0: the live job; a recomputation (--bounded): its
                                                            -- submission time in ms; orders before the revision
);
-- migration: tables created before the generation column (their rows are the live job's, generation 0)
ALTER TABLE equity_aggregates ADD COLUMN IF NOT EXISTS generation bigint NOT NULL DEFAULT 0;
CREATE INDEX IF NOT EXISTS equity_aggregates_by_window
    ON equity_aggregates (programme, granularity, window_start, dimension, measure);
-- what readers query: each window's rows of its newest computation only (highest generation, then revision), so one
-- row per window and stratum and measure; rows of an older computation that the newer one has no row for (a stratum
-- that emptied) are left out
CREATE OR REPLACE VIEW equity_aggregates_current AS
SELECT e.* FROM equity_aggregates e
 WHERE (e.generation, e.revision) = (
       SELECT a.generation, a.revision FROM equity_aggregates a
        WHERE a.programme = e.programme AND a.granularity = e.granularity AND a.window_start = e.window_start
        ORDER BY a.generation DESC, a.revision DESC LIMIT 1);
