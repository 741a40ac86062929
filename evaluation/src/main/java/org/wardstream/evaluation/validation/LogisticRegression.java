package org.wardstream.evaluation.validation;

/**
 * Weighted, L2-regularised logistic regression fitted by iteratively reweighted least squares (Newton's method) on
 * standardised features. Small and deterministic: the same rows give the same weights. Used only to train
 * {@link org.wardstream.rhythm.AfModel} (never at run time).
 */
final class LogisticRegression {
    /** Fitted: intercept, then one weight per standardised feature. */
    final double[] beta;
    final double[] mean, scale;

    private LogisticRegression(double[] beta, double[] mean, double[] scale) {
        this.beta = beta;
        this.mean = mean;
        this.scale = scale;
    }

    /**
     * @param x      rows of features
     * @param y      labels (0/1)
     * @param w      row weights
     * @param lambda ridge penalty on the standardised weights (not the intercept), per unit of total weight
     */
    static LogisticRegression fit(double[][] x, byte[] y, double[] w, double lambda) {
        int n = x.length, d = x[0].length;
        double[] mean = new double[d], scale = new double[d];
        double wsum = 0;
        for (int i = 0; i < n; i++) {
            wsum += w[i];
            for (int j = 0; j < d; j++) mean[j] += w[i] * x[i][j];
        }
        for (int j = 0; j < d; j++) mean[j] /= wsum;
        for (int i = 0; i < n; i++) for (int j = 0; j < d; j++) scale[j] += w[i] * sq(x[i][j] - mean[j]);
        for (int j = 0; j < d; j++) scale[j] = Math.max(1e-9, Math.sqrt(scale[j] / wsum));
        int p = d + 1;
        double[] beta = new double[p];
        double[] z = new double[p];
        for (int iter = 0; iter < 50; iter++) {
            double[][] h = new double[p][p];
            double[] g = new double[p];
            for (int i = 0; i < n; i++) {
                z[0] = 1;
                for (int j = 0; j < d; j++) z[j + 1] = (x[i][j] - mean[j]) / scale[j];
                double eta = 0;
                for (int j = 0; j < p; j++) eta += beta[j] * z[j];
                double mu = 1 / (1 + Math.exp(-eta));
                double r = w[i] * (y[i] - mu);
                double v = w[i] * Math.max(mu * (1 - mu), 1e-9);
                for (int a = 0; a < p; a++) {
                    g[a] += r * z[a];
                    double va = v * z[a];
                    for (int b = a; b < p; b++) h[a][b] += va * z[b];
                }
            }
            for (int a = 0; a < p; a++) {
                for (int b = 0; b < a; b++) h[a][b] = h[b][a];
                if (a > 0) {
                    h[a][a] += lambda * wsum;
                    g[a] -= lambda * wsum * beta[a];
                }
            }
            double[] step = solve(h, g);
            double max = 0;
            for (int j = 0; j < p; j++) {
                beta[j] += step[j];
                max = Math.max(max, Math.abs(step[j]));
            }
            if (max < 1e-7) break;
        }
        return new LogisticRegression(beta, mean, scale);
    }

    double logit(double[] f) {
        double e = beta[0];
        for (int j = 0; j < mean.length; j++) e += beta[j + 1] * (f[j] - mean[j]) / scale[j];
        return e;
    }

    private static double sq(double v) {
        return v * v;
    }

    /** Gaussian elimination with partial pivoting (the system is small and positive definite). */
    static double[] solve(double[][] a0, double[] b0) {
        int n = b0.length;
        double[][] a = new double[n][];
        for (int i = 0; i < n; i++) a[i] = a0[i].clone();
        double[] b = b0.clone();
        for (int c = 0; c < n; c++) {
            int piv = c;
            for (int r = c + 1; r < n; r++) if (Math.abs(a[r][c]) > Math.abs(a[piv][c])) piv = r;
            double[] t = a[c]; a[c] = a[piv]; a[piv] = t;
            double tb = b[c]; b[c] = b[piv]; b[piv] = tb;
            for (int r = c + 1; r < n; r++) {
                double f = a[r][c] / a[c][c];
                for (int k = c; k < n; k++) a[r][k] -= f * a[c][k];
                b[r] -= f * b[c];
            }
        }
        double[] x = new double[n];
        for (int r = n - 1; r >= 0; r--) {
            double s = b[r];
            for (int k = r + 1; k < n; k++) s -= a[r][k] * x[k];
            x[r] = s / a[r][r];
        }
        return x;
    }
}
