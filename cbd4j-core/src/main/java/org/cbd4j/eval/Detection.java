package org.cbd4j.eval;

import java.util.Arrays;
import java.util.Comparator;

/**
 * Poison-detection quality of per-sample suspicion scores (higher = more suspicious) against the
 * true poisoned mask: AUROC with ties counted one half, and precision/recall of a flagged set.
 */
public final class Detection {

    private Detection() {}

    /** AUROC; NaN when either class is empty. */
    public static double auroc(float[] scores, boolean[] poisoned) {
        int n = scores.length;
        if (poisoned.length != n) {
            throw new IllegalArgumentException(n + " scores for " + poisoned.length + " samples");
        }
        Integer[] idx = new Integer[n];
        for (int i = 0; i < n; i++) {
            idx[i] = i;
        }
        Arrays.sort(idx, Comparator.comparingDouble(i -> scores[i]));
        // Mann-Whitney U with average ranks for ties.
        double rankSumPos = 0;
        long pos = 0;
        int i = 0;
        while (i < n) {
            int j = i;
            while (j + 1 < n && scores[idx[j + 1]] == scores[idx[i]]) {
                j++;
            }
            double avgRank = (i + j) / 2.0 + 1;
            for (int k = i; k <= j; k++) {
                if (poisoned[idx[k]]) {
                    rankSumPos += avgRank;
                    pos++;
                }
            }
            i = j + 1;
        }
        long neg = n - pos;
        if (pos == 0 || neg == 0) {
            return Double.NaN;
        }
        return (rankSumPos - pos * (pos + 1) / 2.0) / ((double) pos * neg);
    }

    /**
     * The ROC curve of {@code scores} against {@code poisoned}: one vertex per distinct score,
     * from the highest down, after (0, 0). Tied scores enter together, so the curve has a diagonal
     * segment there and its trapezoidal area equals {@link #auroc} with ties counted one half.
     *
     * @param fpr false-positive rate at each vertex (share of clean samples scoring at or above it)
     * @param tpr true-positive rate at each vertex
     * @param threshold the score of each vertex (+infinity for the first, (0, 0))
     */
    public record Roc(double[] fpr, double[] tpr, double[] threshold) {

        /** Area under the curve by the trapezoid rule. */
        public double area() {
            double a = 0;
            for (int k = 1; k < fpr.length; k++) {
                a += (fpr[k] - fpr[k - 1]) * (tpr[k] + tpr[k - 1]) / 2;
            }
            return a;
        }
    }

    /** The ROC curve; null when either class is empty (no curve is defined then). */
    public static Roc roc(float[] scores, boolean[] poisoned) {
        int n = scores.length;
        if (poisoned.length != n) {
            throw new IllegalArgumentException(n + " scores for " + poisoned.length + " samples");
        }
        long pos = 0;
        for (boolean p : poisoned) {
            pos += p ? 1 : 0;
        }
        long neg = n - pos;
        if (pos == 0 || neg == 0) {
            return null;
        }
        Integer[] idx = new Integer[n];
        for (int i = 0; i < n; i++) {
            idx[i] = i;
        }
        Arrays.sort(idx, (a, b) -> Float.compare(scores[b], scores[a]));
        java.util.List<double[]> vertices = new java.util.ArrayList<>();
        vertices.add(new double[] {0, 0, Double.POSITIVE_INFINITY});
        long tp = 0;
        long fp = 0;
        int i = 0;
        while (i < n) {
            int j = i;
            while (j < n && scores[idx[j]] == scores[idx[i]]) {
                if (poisoned[idx[j]]) {
                    tp++;
                } else {
                    fp++;
                }
                j++;
            }
            vertices.add(new double[] {(double) fp / neg, (double) tp / pos, scores[idx[i]]});
            i = j;
        }
        double[][] cols = new double[3][vertices.size()];
        for (int k = 0; k < vertices.size(); k++) {
            for (int c = 0; c < 3; c++) {
                cols[c][k] = vertices.get(k)[c];
            }
        }
        return new Roc(cols[0], cols[1], cols[2]);
    }

    /** Precision and recall (fractions) of {@code flagged} against {@code poisoned}. */
    public static double[] precisionRecall(boolean[] flagged, boolean[] poisoned) {
        long tp = 0;
        long fp = 0;
        long fn = 0;
        for (int i = 0; i < flagged.length; i++) {
            if (flagged[i] && poisoned[i]) {
                tp++;
            } else if (flagged[i]) {
                fp++;
            } else if (poisoned[i]) {
                fn++;
            }
        }
        double precision = tp + fp == 0 ? Double.NaN : (double) tp / (tp + fp);
        double recall = tp + fn == 0 ? Double.NaN : (double) tp / (tp + fn);
        return new double[] {precision, recall};
    }

    /** Flags the {@code k} highest-scoring samples. */
    public static boolean[] topK(float[] scores, int k) {
        Integer[] idx = new Integer[scores.length];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = i;
        }
        Arrays.sort(idx, (a, b) -> Float.compare(scores[b], scores[a]));
        boolean[] flagged = new boolean[scores.length];
        for (int i = 0; i < Math.min(k, idx.length); i++) {
            flagged[idx[i]] = true;
        }
        return flagged;
    }
}
