package org.wardstream.equity.job;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.LocalDate;

import org.wardstream.equity.disclosure.PublishedRow;
import org.wardstream.equity.io.Recomputation;
import org.wardstream.equity.model.AggregateRow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * JSON of the aggregate rows on Kafka: one object per row, field names as the CSV columns
 * ({@link PublishedRow#COLUMNS}; the internal view has {@code numerator} and {@code denominator} instead of the
 * rounded {@code _count} columns). Null values are JSON nulls. Both carry {@code generation} after {@code revision}
 * (0 for the live job; a recomputation's stamped by {@link #withGeneration}); a message without it (written before
 * session 21) reads as generation 0.
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
        o.put("generation", r.generation());
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
                    number(o, "ratio_upper"), text(o, "imd_edition"), o.path("revision").asInt(),
                    o.path("generation").asLong(0L));
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
        o.put("generation", Recomputation.LIVE);
        return o.toString();
    }

    /**
     * A row's JSON (either view) as {@code recomputation} writes it: with the generation of its window
     * ({@link Recomputation#generationOf}: the recomputation's for a window final when it was submitted, else 0).
     */
    public static String withGeneration(String json, Recomputation recomputation) {
        try {
            ObjectNode o = (ObjectNode) JSON.readTree(json);
            o.put("generation", recomputation.generationOf(LocalDate.parse(text(o, "window_end"))));
            return o.toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The generation of a row's JSON (either view); 0 when it has none (written before session 21). */
    public static long generation(String json) {
        try {
            return JSON.readTree(json).path("generation").asLong(Recomputation.LIVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
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
