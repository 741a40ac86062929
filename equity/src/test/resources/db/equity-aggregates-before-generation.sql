-- equity_aggregates as releases before the generation column (session 20) created it: the fixture of RecomputationTest's migration test
-- wardstream equity aggregates: the PUBLISHED (disclosure-controlled) view, one row per
-- programme | granularity | window_start | dimension | stratum | measure (row_key).
-- Counts are text because a suppressed count is '*' ('**' when withheld by secondary suppression). No patient identifier is stored here.
-- Idempotent: safe to run on every start.
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
    revision           integer          NOT NULL      -- a window re-emitted after late data has a higher revision
);
CREATE INDEX IF NOT EXISTS equity_aggregates_by_window
    ON equity_aggregates (programme, granularity, window_start, dimension, measure);
