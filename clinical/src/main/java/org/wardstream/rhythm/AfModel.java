package org.wardstream.rhythm;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A logistic-regression model over {@link AfFeatures}: {@code p = 1 / (1 + exp(-(intercept + sum coef[i] *
 * (f[i] - mean[i]) / scale[i])))}, the probability that a segment is atrial fibrillation. Its parameters are a
 * versioned resource ({@value #RESOURCE}) written by the training command
 * ({@code org.wardstream.rhythm.validation.CrossValidation --train-out}), with the probability thresholds chosen on
 * the training records. The contributions {@code coef[i] * (f[i] - mean[i]) / scale[i]} explain a decision.
 *
 * @param version        model version, e.g. "af-model-v1" (reported in the alert's provenance and segment evidence)
 * @param mean           feature means on the training data
 * @param scale          feature standard deviations on the training data
 * @param coef           weights of the standardised features
 * @param intercept      bias
 * @param threshold      default segment threshold on p (IRREGULAR above)
 * @param onsetThreshold default onset bar on the mean p of an irregular run
 * @param trainedOn      what the model was fitted on (free text)
 */
public record AfModel(String version, double[] mean, double[] scale, double[] coef, double intercept, double threshold,
                      double onsetThreshold, String trainedOn) {

    /** Classpath resource of the shipped model. */
    public static final String RESOURCE = "/org/wardstream/rhythm/af-model-v5.json";

    /** The model's inputs: {@link AfFeatures}, {@link AfContextFeatures} (since af-model-v2), {@link AfShapeFeatures} (since af-model-v3). */
    public static final String[] FEATURE_NAMES = concat(concat(AfFeatures.NAMES, AfContextFeatures.NAMES), AfShapeFeatures.NAMES);
    public static final int FEATURE_COUNT = FEATURE_NAMES.length;

    /** The shipped model (loaded once). */
    public static final AfModel DEFAULT = load();

    public AfModel {
        if (mean.length != FEATURE_COUNT || scale.length != FEATURE_COUNT || coef.length != FEATURE_COUNT) {
            throw new IllegalArgumentException("an AF model needs " + FEATURE_COUNT + " means, scales and weights");
        }
        for (double s : scale) if (!(s > 0)) throw new IllegalArgumentException("feature scales must be > 0");
    }

    /** The linear predictor (log-odds of AF) of a feature vector. */
    public double logit(double[] f) {
        double z = intercept;
        for (int i = 0; i < coef.length; i++) z += coef[i] * (f[i] - mean[i]) / scale[i];
        return z;
    }

    public double probability(double[] f) {
        return 1.0 / (1.0 + Math.exp(-logit(f)));
    }

    private static String[] concat(String[] a, String[] b) {
        String[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    private static AfModel load() {
        try (InputStream in = AfModel.class.getResourceAsStream(RESOURCE)) {
            if (in == null) throw new IllegalStateException("missing resource " + RESOURCE);
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Parses the JSON written by {@link #toJson()} (a flat object of numbers, number arrays and strings). */
    public static AfModel parse(String json) {
        double[] mean = arr(json, "mean"), scale = arr(json, "scale"), coef = arr(json, "coef");
        Matcher names = Pattern.compile("\"features\"\\s*:\\s*\\[([^\\]]*)\\]").matcher(json);
        if (names.find() && mean.length < FEATURE_COUNT) {
            // a model of fewer features (af-model-v5 has 16): matched by name, the others held at weight 0
            String[] listed = Arrays.stream(names.group(1).split(",")).map(v -> v.trim().replace("\"", "")).toArray(String[]::new);
            if (listed.length != mean.length) throw new IllegalArgumentException("AF model: features and means differ in number");
            double[] m = new double[FEATURE_COUNT], sc = new double[FEATURE_COUNT], c = new double[FEATURE_COUNT];
            Arrays.fill(sc, 1.0);
            List<String> all = Arrays.asList(FEATURE_NAMES);
            for (int i = 0; i < listed.length; i++) {
                int at = all.indexOf(listed[i]);
                if (at < 0) throw new IllegalArgumentException("AF model: unknown feature " + listed[i]);
                m[at] = mean[i];
                sc[at] = scale[i];
                c[at] = coef[i];
            }
            mean = m;
            scale = sc;
            coef = c;
        }
        return new AfModel(str(json, "version"), mean, scale, coef,
                num(json, "intercept"), num(json, "threshold"), num(json, "onset_threshold"), str(json, "trained_on"));
    }

    public String toJson() {
        StringBuilder b = new StringBuilder("{\n");
        b.append("  \"version\": \"").append(version).append("\",\n");
        b.append("  \"model\": \"logistic regression over org.wardstream.rhythm.AfFeatures, AfContextFeatures and AfShapeFeatures (standardised)\",\n");
        b.append("  \"features\": [");
        for (int i = 0; i < FEATURE_COUNT; i++) b.append(i == 0 ? "\"" : ", \"").append(FEATURE_NAMES[i]).append('"');
        b.append("],\n");
        b.append("  \"mean\": ").append(list(mean)).append(",\n");
        b.append("  \"scale\": ").append(list(scale)).append(",\n");
        b.append("  \"coef\": ").append(list(coef)).append(",\n");
        b.append("  \"intercept\": ").append(fmt(intercept)).append(",\n");
        b.append("  \"threshold\": ").append(fmt(threshold)).append(",\n");
        b.append("  \"onset_threshold\": ").append(fmt(onsetThreshold)).append(",\n");
        b.append("  \"trained_on\": \"").append(trainedOn.replace("\"", "'")).append("\"\n}\n");
        return b.toString();
    }

    private static String list(double[] v) {
        List<String> s = new ArrayList<>();
        for (double x : v) s.add(fmt(x));
        return "[" + String.join(", ", s) + "]";
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.6f", v);
    }

    private static String str(String json, String key) {
        Matcher m = Pattern.compile("\"" + key + "\"\\s*:\\s*\"([^\"]*)\"").matcher(json);
        if (!m.find()) throw new IllegalArgumentException("AF model: missing \"" + key + "\"");
        return m.group(1);
    }

    private static double num(String json, String key) {
        Matcher m = Pattern.compile("\"" + key + "\"\\s*:\\s*(-?[0-9.eE+-]+)").matcher(json);
        if (!m.find()) throw new IllegalArgumentException("AF model: missing \"" + key + "\"");
        return Double.parseDouble(m.group(1));
    }

    private static double[] arr(String json, String key) {
        Matcher m = Pattern.compile("\"" + key + "\"\\s*:\\s*\\[([^\\]]*)\\]").matcher(json);
        if (!m.find()) throw new IllegalArgumentException("AF model: missing \"" + key + "\"");
        return Arrays.stream(m.group(1).split(",")).map(String::trim).mapToDouble(Double::parseDouble).toArray();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AfModel m && version.equals(m.version) && Arrays.equals(mean, m.mean)
                && Arrays.equals(scale, m.scale) && Arrays.equals(coef, m.coef) && intercept == m.intercept
                && threshold == m.threshold && onsetThreshold == m.onsetThreshold;
    }

    @Override
    public int hashCode() {
        return version.hashCode() * 31 + Arrays.hashCode(coef);
    }

    @Override
    public String toString() {
        return version;
    }
}
