package org.cbd4j.defense;

import java.util.Random;

/**
 * Lloyd's 2-means on a few thousand low-dimensional points (activation clustering), seeded with
 * k-means++ and restarted; the run with the smallest within-cluster sum of squares wins.
 */
final class TwoMeans {

    static final int MAX_ITERATIONS = 100;

    private TwoMeans() {}

    /** Cluster 0 or 1 for every point; deterministic for a seed. */
    static int[] cluster(float[][] points, long seed, int restarts) {
        Random rnd = new Random(seed);
        int[] best = new int[points.length];
        double bestCost = Double.POSITIVE_INFINITY;
        for (int r = 0; r < restarts && points.length >= 2; r++) {
            int[] assign = new int[points.length];
            double cost = run(points, rnd, assign);
            if (cost < bestCost) {
                bestCost = cost;
                best = assign;
            }
        }
        return best;
    }

    private static double run(float[][] points, Random rnd, int[] assign) {
        int n = points.length;
        int d = points[0].length;
        double[][] centre = new double[2][];
        centre[0] = toDouble(points[rnd.nextInt(n)]);
        // k-means++: the second centre is drawn with probability proportional to squared distance.
        double[] dist = new double[n];
        double total = 0;
        for (int i = 0; i < n; i++) {
            dist[i] = sq(points[i], centre[0]);
            total += dist[i];
        }
        int second = 0;
        if (total > 0) {
            double u = rnd.nextDouble() * total;
            while (second < n - 1 && (u -= dist[second]) > 0) {
                second++;
            }
        }
        centre[1] = toDouble(points[second]);
        double cost = Double.POSITIVE_INFINITY;
        for (int it = 0; it < MAX_ITERATIONS; it++) {
            boolean changed = it == 0;
            cost = 0;
            for (int i = 0; i < n; i++) {
                double d0 = sq(points[i], centre[0]);
                double d1 = sq(points[i], centre[1]);
                int a = d1 < d0 ? 1 : 0;
                changed |= a != assign[i];
                assign[i] = a;
                cost += Math.min(d0, d1);
            }
            if (!changed) {
                break;
            }
            double[][] sum = new double[2][d];
            int[] count = new int[2];
            for (int i = 0; i < n; i++) {
                count[assign[i]]++;
                for (int t = 0; t < d; t++) {
                    sum[assign[i]][t] += points[i][t];
                }
            }
            for (int c = 0; c < 2; c++) {
                if (count[c] > 0) { // an emptied cluster keeps its old centre
                    for (int t = 0; t < d; t++) {
                        centre[c][t] = sum[c][t] / count[c];
                    }
                }
            }
        }
        return cost;
    }

    /** Squared distance of a point to a centre. */
    static double sq(float[] p, double[] c) {
        double s = 0;
        for (int t = 0; t < p.length; t++) {
            double diff = p[t] - c[t];
            s += diff * diff;
        }
        return s;
    }

    /** The mean of the points assigned to {@code cluster}. */
    static double[] centroid(float[][] points, int[] assign, int cluster) {
        double[] c = new double[points[0].length];
        int count = 0;
        for (int i = 0; i < points.length; i++) {
            if (assign[i] == cluster) {
                count++;
                for (int t = 0; t < c.length; t++) {
                    c[t] += points[i][t];
                }
            }
        }
        for (int t = 0; t < c.length; t++) {
            c[t] /= Math.max(1, count);
        }
        return c;
    }

    private static double[] toDouble(float[] p) {
        double[] out = new double[p.length];
        for (int t = 0; t < p.length; t++) {
            out[t] = p[t];
        }
        return out;
    }
}
