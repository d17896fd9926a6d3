package org.cbd4j.report;

/**
 * Principal component analysis in double precision, for drawing embeddings in two dimensions:
 * the covariance of the centred rows, its leading eigenvectors by power iteration with deflation,
 * each sign-fixed so that its largest entry (the first of equal ones) is positive. No random start
 * vector is used, so the same rows always give the same projection, byte for byte.
 */
public final class Pca {

    /** Power-iteration steps per component at most; the eigengap decides how many are needed. */
    static final int MAX_ITERATIONS = 1000;
    static final double TOLERANCE = 1e-12;

    private Pca() {}

    /**
     * A projection.
     *
     * @param mean the column means that were subtracted
     * @param components one unit vector per component, the leading one first
     * @param variances the variance of the rows along each component (its eigenvalue)
     * @param coordinates row r, column j: row r's coordinate along component j
     */
    public record Projection(double[] mean, double[][] components, double[] variances, double[][] coordinates) {}

    /** The first {@code k} principal components of {@code rows} (all of one width) and the rows' coordinates. */
    public static Projection project(float[][] rows, int k) {
        int n = rows.length;
        int d = n == 0 ? 0 : rows[0].length;
        if (k < 1 || k > Math.max(1, d)) {
            throw new IllegalArgumentException(k + " components of " + d + "-dimensional rows");
        }
        double[] mean = new double[d];
        for (float[] r : rows) {
            if (r.length != d) {
                throw new IllegalArgumentException("rows of different widths: " + r.length + " and " + d);
            }
            for (int j = 0; j < d; j++) {
                mean[j] += r[j];
            }
        }
        for (int j = 0; j < d; j++) {
            mean[j] /= Math.max(1, n);
        }
        double[][] cov = new double[d][d];
        double[] x = new double[d];
        for (float[] r : rows) {
            for (int j = 0; j < d; j++) {
                x[j] = r[j] - mean[j];
            }
            for (int a = 0; a < d; a++) {
                for (int b = a; b < d; b++) {
                    cov[a][b] += x[a] * x[b];
                }
            }
        }
        for (int a = 0; a < d; a++) {
            for (int b = a; b < d; b++) {
                cov[a][b] /= Math.max(1, n - 1);
                cov[b][a] = cov[a][b];
            }
        }
        double[][] components = new double[k][];
        double[] variances = new double[k];
        for (int c = 0; c < k; c++) {
            components[c] = leadingEigenvector(cov, c);
            variances[c] = rayleigh(cov, components[c]);
            deflate(cov, components[c], variances[c]);
        }
        double[][] coords = new double[n][k];
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < k; c++) {
                double s = 0;
                for (int j = 0; j < d; j++) {
                    s += (rows[i][j] - mean[j]) * components[c][j];
                }
                coords[i][c] = s;
            }
        }
        return new Projection(mean, components, variances, coords);
    }

    /**
     * The leading eigenvector of the symmetric {@code m}, started from its column of largest norm
     * (never orthogonal to the leading eigenvector unless the matrix is zero there);
     * a zero matrix gives the unit vector {@code e_fallback}.
     */
    static double[] leadingEigenvector(double[][] m, int fallback) {
        int d = m.length;
        int best = -1;
        double bestNorm = 0;
        for (int j = 0; j < d; j++) {
            double s = 0;
            for (double[] row : m) {
                s += row[j] * row[j];
            }
            if (s > bestNorm) {
                bestNorm = s;
                best = j;
            }
        }
        double[] v = new double[d];
        if (best < 0) {
            v[Math.min(fallback, d - 1)] = 1;
            return v;
        }
        for (int i = 0; i < d; i++) {
            v[i] = m[i][best];
        }
        normalise(v);
        for (int it = 0; it < MAX_ITERATIONS; it++) {
            double[] w = times(m, v);
            if (normalise(w) == 0) {
                break;
            }
            // Compared up to sign: a negative eigenvalue flips the iterate every step.
            double same = 0;
            double flipped = 0;
            for (int i = 0; i < d; i++) {
                same = Math.max(same, Math.abs(w[i] - v[i]));
                flipped = Math.max(flipped, Math.abs(w[i] + v[i]));
            }
            v = w;
            if (Math.min(same, flipped) < TOLERANCE) {
                break;
            }
        }
        return signFixed(v);
    }

    /** {@code v} with its largest entry (the first of those within 1e-9 of it) made positive. */
    static double[] signFixed(double[] v) {
        double max = 0;
        for (double x : v) {
            max = Math.max(max, Math.abs(x));
        }
        for (double x : v) {
            if (Math.abs(x) >= max - 1e-9) {
                if (x < 0) {
                    for (int i = 0; i < v.length; i++) {
                        v[i] = -v[i];
                    }
                }
                break;
            }
        }
        return v;
    }

    private static double rayleigh(double[][] m, double[] v) {
        double[] w = times(m, v);
        double s = 0;
        for (int i = 0; i < v.length; i++) {
            s += v[i] * w[i];
        }
        return s;
    }

    private static void deflate(double[][] m, double[] v, double lambda) {
        for (int a = 0; a < v.length; a++) {
            for (int b = 0; b < v.length; b++) {
                m[a][b] -= lambda * v[a] * v[b];
            }
        }
    }

    private static double[] times(double[][] m, double[] v) {
        double[] w = new double[v.length];
        for (int a = 0; a < v.length; a++) {
            double s = 0;
            for (int b = 0; b < v.length; b++) {
                s += m[a][b] * v[b];
            }
            w[a] = s;
        }
        return w;
    }

    /** Scales {@code v} to unit length in place; returns its former norm. */
    private static double normalise(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x * x;
        }
        double norm = Math.sqrt(s);
        if (norm > 0) {
            for (int i = 0; i < v.length; i++) {
                v[i] /= norm;
            }
        }
        return norm;
    }
}
