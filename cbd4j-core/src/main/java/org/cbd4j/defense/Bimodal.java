package org.cbd4j.defense;

import java.util.Arrays;

/**
 * Splits a one-dimensional score into two groups without labels: a two-component Gaussian
 * mixture started from Otsu's threshold, and Ashman's D of its components, which says whether the
 * two groups are really separate populations (D &gt; 2) or one population cut in two. cbd4j flags poisoned samples
 * and decides when f_B has captured a trigger with it, so neither depends on a tuned constant or on
 * knowing the poisoning rate.
 *
 * @see <a href="https://doi.org/10.1109/TSMC.1979.4310076">Otsu, A threshold selection method from
 *     gray-level histograms, 1979</a>
 * @see <a href="https://doi.org/10.1080/00222939400770341">Ashman et al., Detecting bimodality in
 *     astronomical datasets, 1994</a>
 */
public final class Bimodal {

    /** Ashman's D above which two groups count as separate populations. */
    public static final double SEPARATED = 2.0;

    private Bimodal() {}

    /**
     * The split of a score.
     *
     * @param threshold values strictly above it form the high group (where the fitted components
     *     are equally likely)
     * @param lowCount size of the low group
     * @param highCount size of the high group
     * @param lowMean mean of the low component
     * @param highMean mean of the high component
     * @param ashmanD sqrt(2) |mean difference| / sqrt(var_low + var_high) of the fitted components;
     *     0 when the data cannot be split
     */
    public record Split(double threshold, int lowCount, int highCount, double lowMean, double highMean, double ashmanD) {

        /** Whether the two groups are separate populations. */
        public boolean separated() {
            return ashmanD > SEPARATED && lowCount > 0 && highCount > 0;
        }

        /** Share of the high group. */
        public double highShare() {
            return (double) highCount / (lowCount + highCount);
        }
    }

    /**
     * Splits {@code values} (non-finite values are ignored): Otsu's exact cut (every cut between
     * two sorted values is tried) starts a two-component Gaussian mixture, which expectation-
     * maximisation then fits. Ashman's D is computed from the fitted components, not from the two
     * halves of the cut: cutting a single Gaussian at its mean gives halves with D = 2.65, so D of
     * the halves says nothing about bimodality.
     */
    public static Split split(double[] values) {
        double[] v = Arrays.stream(values).filter(Double::isFinite).sorted().toArray();
        int n = v.length;
        if (n < 4 || v[0] == v[n - 1]) {
            return new Split(n == 0 ? Double.NaN : v[n - 1], n, 0, n == 0 ? Double.NaN : v[0], Double.NaN, 0);
        }
        int cut = otsuCut(v);
        double m0 = mean(v, 0, cut);
        double m1 = mean(v, cut, n);
        double floor = 1e-6 * Math.max(variance(v, 0, n), 1e-300);
        double v0 = Math.max(variance(v, 0, cut), floor);
        double v1 = Math.max(variance(v, cut, n), floor);
        double p1 = (double) (n - cut) / n;
        for (int it = 0; it < 500; it++) {
            double s0 = 0, s1 = 0, x0 = 0, x1 = 0, q0 = 0, q1 = 0;
            for (double x : v) {
                double r = responsibility(x, m0, v0, m1, v1, p1);
                s1 += r;
                s0 += 1 - r;
                x1 += r * x;
                x0 += (1 - r) * x;
                q1 += r * x * x;
                q0 += (1 - r) * x * x;
            }
            if (s0 < 1 || s1 < 1) {
                break; // one component vanished: the data are one population
            }
            double nm0 = x0 / s0;
            double nm1 = x1 / s1;
            double nv0 = Math.max(q0 / s0 - nm0 * nm0, floor);
            double nv1 = Math.max(q1 / s1 - nm1 * nm1, floor);
            double change = Math.abs(nm0 - m0) + Math.abs(nm1 - m1);
            m0 = nm0;
            m1 = nm1;
            v0 = nv0;
            v1 = nv1;
            p1 = s1 / n;
            if (change < 1e-9 * (1 + Math.abs(m0) + Math.abs(m1))) {
                break;
            }
        }
        if (m1 < m0) { // keep component 1 the high one
            double t = m0; m0 = m1; m1 = t;
            t = v0; v0 = v1; v1 = t;
            p1 = 1 - p1;
        }
        double threshold = crossing(m0, v0, m1, v1, p1);
        int high = 0;
        for (double x : v) {
            high += x > threshold ? 1 : 0;
        }
        double d = Math.sqrt(2) * (m1 - m0) / Math.sqrt(v0 + v1);
        return new Split(threshold, n - high, high, m0, m1, d);
    }

    /** Posterior probability that {@code x} belongs to component 1. */
    private static double responsibility(double x, double m0, double v0, double m1, double v1, double p1) {
        double l0 = Math.log(1 - p1) - 0.5 * Math.log(v0) - (x - m0) * (x - m0) / (2 * v0);
        double l1 = Math.log(p1) - 0.5 * Math.log(v1) - (x - m1) * (x - m1) / (2 * v1);
        return 1 / (1 + Math.exp(l0 - l1));
    }

    /** The point between the two means where both components are equally likely (bisection). */
    private static double crossing(double m0, double v0, double m1, double v1, double p1) {
        double lo = m0;
        double hi = m1;
        if (responsibility(lo, m0, v0, m1, v1, p1) >= 0.5) {
            return lo;
        }
        if (responsibility(hi, m0, v0, m1, v1, p1) <= 0.5) {
            return hi;
        }
        for (int i = 0; i < 100; i++) {
            double mid = (lo + hi) / 2;
            if (responsibility(mid, m0, v0, m1, v1, p1) < 0.5) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return (lo + hi) / 2;
    }

    /** Otsu: the index k such that v[0..k) and v[k..n) have the largest between-group variance. */
    private static int otsuCut(double[] v) {
        int n = v.length;
        double[] prefix = new double[n + 1];
        for (int i = 0; i < n; i++) {
            prefix[i + 1] = prefix[i] + v[i];
        }
        double best = -1;
        int cut = 1;
        for (int k = 1; k < n; k++) {
            if (v[k] == v[k - 1]) {
                continue;
            }
            double a = prefix[k] / k;
            double b = (prefix[n] - prefix[k]) / (n - k);
            double between = (double) k * (n - k) * (a - b) * (a - b);
            if (between > best) {
                best = between;
                cut = k;
            }
        }
        return cut;
    }

    private static double mean(double[] v, int from, int to) {
        double s = 0;
        for (int i = from; i < to; i++) {
            s += v[i];
        }
        return s / (to - from);
    }

    private static double variance(double[] v, int from, int to) {
        double m = mean(v, from, to);
        double s = 0;
        for (int i = from; i < to; i++) {
            s += (v[i] - m) * (v[i] - m);
        }
        return s / (to - from);
    }

    /** Marks the values in the high group of {@code split}; none when the split is not separated. */
    public static boolean[] highGroup(double[] values, Split split) {
        boolean[] out = new boolean[values.length];
        if (split.separated()) {
            for (int i = 0; i < values.length; i++) {
                out[i] = values[i] > split.threshold();
            }
        }
        return out;
    }
}
