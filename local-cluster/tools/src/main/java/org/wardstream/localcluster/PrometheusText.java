package org.wardstream.localcluster;

import java.util.Map;

/**
 * Reads Prometheus text exposition: sums the wardstream user metrics by job and name over their other labels. Both
 * jobs run the same ingest classes and so register the same metric names: summing across jobs would count every
 * record twice.
 */
final class PrometheusText {
    private PrometheusText() {
    }

    /**
     * Adds every sample of a metric whose name contains {@code _wardstream_} to {@code byJob}: per job (its
     * {@code job_name} label), keyed by name (+ reason label; + checkpoint label: the detection job's lost commits, ops24).
     */
    static void sumWardstream(String text, Map<String, Map<String, Double>> byJob) {
        for (String line : text.split("\n")) {
            if (line.startsWith("#") || !line.contains("_wardstream_")) {
                continue;
            }
            int brace = line.indexOf('{');
            int space = line.lastIndexOf(' ');
            if (space < 0) {
                continue;
            }
            String name = brace > 0 ? line.substring(0, brace) : line.substring(0, space);
            String labels = brace > 0 ? line.substring(brace, line.lastIndexOf('}') + 1) : "";
            String reason = label(labels, "reason");
            String checkpoint = label(labels, "checkpoint");
            String job = label(labels, "job_name");
            String key = name.substring(name.indexOf("_wardstream_") + 1) + (reason == null ? "" : "{reason=" + reason + "}")
                    + (checkpoint == null ? "" : "{checkpoint=" + checkpoint + "}");
            try {
                double value = Double.parseDouble(line.substring(space + 1).strip());
                byJob.computeIfAbsent(job == null ? "(no job)" : job, j -> new java.util.TreeMap<>())
                        .merge(key, value, Double::sum);
            } catch (NumberFormatException ignored) {
                // NaN or an exotic value: not a count
            }
        }
    }

    static String label(String labels, String name) {
        int i = labels.indexOf(name + "=\"");
        if (i < 0) {
            return null;
        }
        int from = i + name.length() + 2;
        return labels.substring(from, labels.indexOf('"', from));
    }
}
