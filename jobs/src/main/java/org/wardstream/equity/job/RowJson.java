package org.wardstream.equity.job;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.LocalDate;

import org.wardstream.equity.disclosure.PublishedRow;
import org.wardstream.equity.model.AggregateRow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * JSON of the aggregate rows on Kafka: one object per row, field names as the CSV columns
 * ({@link PublishedRow#COLUMNS}; the internal view has {@code numerator} and {@code denominator} instead of the
 * rounded {@code _count} columns). Null values are JSON nulls.
 */
public final class RowJson {
    private static final ObjectMapper JSON = new ObjectMapper();

    private RowJson() {
    }

    public static String published(PublishedRow r) {
        ObjectNode o = JSON.createObjectNode();
        o.put("key", r.key());
        o.put("programme", r.programme());
        o.put("window_start", r.windowStart().toString());
        o.put("window_end", r.windowEnd().toString());
        o.put("granularity", r.granularity());
        o.put("dimension", r.dimension());
        o.put("stratum", r.stratum());
        o.put("measure", r.measure());
        o.put("method", r.method());
        o.put("numerator_count", r.numeratorCount());
        o.put("denominator_count", r.denominatorCount());
        o.put("value", r.value());
        o.put("lower", r.lower());
        o.put("upper", r.upper());
        o.put("reference_stratum", r.referenceStratum());
        o.put("ratio", r.ratio());
        o.put("ratio_lower", r.ratioLower());
        o.put("ratio_upper", r.ratioUpper());
        o.put("imd_edition", r.imdEdition());
        o.put("revision", r.revision());
        return o.toString();
    }

    public static PublishedRow parsePublished(String json) {
        try {
            JsonNode o = JSON.readTree(json);
            return new PublishedRow(text(o, "programme"), LocalDate.parse(text(o, "window_start")),
                    LocalDate.parse(text(o, "window_end")), text(o, "granularity"), text(o, "dimension"),
                    text(o, "stratum"), text(o, "measure"), text(o, "method"), text(o, "numerator_count"),
                    text(o, "denominator_count"), number(o, "value"), number(o, "lower"), number(o, "upper"),
                    text(o, "reference_stratum"), number(o, "ratio"), number(o, "ratio_lower"),
                    number(o, "ratio_upper"), text(o, "imd_edition"), o.path("revision").asInt());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String internal(AggregateRow r) {
        ObjectNode o = JSON.createObjectNode();
        o.put("key", r.key());
        o.put("programme", r.programme());
        o.put("window_start", r.windowStart().toString());
        o.put("window_end", r.windowEnd().toString());
        o.put("granularity", r.granularity());
        o.put("dimension", r.dimension());
        o.put("stratum", r.stratum());
        o.put("measure", r.measure());
        o.put("method", r.method());
        o.put("numerator", r.numerator());
        o.put("denominator", r.denominator());
        o.put("value", r.value());
        o.put("lower", r.lower());
        o.put("upper", r.upper());
        o.put("reference_stratum", r.referenceStratum());
        o.put("ratio", r.ratio());
        o.put("ratio_lower", r.ratioLower());
        o.put("ratio_upper", r.ratioUpper());
        o.put("imd_edition", r.imdEdition());
        o.put("revision", r.revision());
        return o.toString();
    }

    private static String text(JsonNode o, String field) {
        JsonNode n = o.get(field);
        return n == null || n.isNull() ? null : n.asText();
    }

    private static Double number(JsonNode o, String field) {
        JsonNode n = o.get(field);
        return n == null || n.isNull() ? null : n.asDouble();
    }
}
