package org.wardstream.equity.job;

/**
 * One aggregate row on its way to the sinks: the internal (unrounded) or the published (disclosure-
 * controlled) view, as JSON, with its deterministic upsert key.
 */
public class EquityRowOut {
    public static final String INTERNAL = "internal";
    public static final String PUBLISHED = "published";

    public String view;
    public String key;
    public int revision;
    public String json;

    public EquityRowOut() {
    }

    public EquityRowOut(String view, String key, int revision, String json) {
        this.view = view;
        this.key = key;
        this.revision = revision;
        this.json = json;
    }

    public boolean isPublished() {
        return PUBLISHED.equals(view);
    }

    @Override
    public String toString() {
        return view + " " + key + " rev " + revision;
    }
}
