package org.cbd4j.defense;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Random;

/**
 * Principal directions of penultimate-layer features, for the defenses that inspect a
 * trained model's representation (spectral signatures, activation clustering). DJL has no SVD or
 * eigen-solver, so the top directions come from power iteration with deflation on X^T X, composed
 * of DJL matrix products.
 */
final class FeatureSpace {

    static final int POWER_ITERATIONS = 200;

    private FeatureSpace() {}

    /** The sample indices of each class, in ascending order. */
    static int[][] byClass(int[] labels, int numClasses) {
        int[] count = new int[numClasses];
        for (int y : labels) {
            count[y]++;
        }
        int[][] out = new int[numClasses][];
        for (int c = 0; c < numClasses; c++) {
            out[c] = new int[count[c]];
        }
        int[] fill = new int[numClasses];
        for (int i = 0; i < labels.length; i++) {
            out[labels[i]][fill[labels[i]]++] = i;
        }
        return out;
    }

    /**
     * Projections of the centred rows {@code idx} of {@code features} on their top {@code k}
     * principal directions: row r, column j is sample idx[r]'s coordinate along direction j.
     */
    static float[][] principalCoordinates(NDManager parent, float[][] features, int[] idx, int k, long seed) {
        int n = idx.length;
        int d = features[idx[0]].length;
        k = Math.min(k, d);
        float[] flat = new float[n * d];
        for (int r = 0; r < n; r++) {
            System.arraycopy(features[idx[r]], 0, flat, r * d, d);
        }
        try (NDManager m = parent.newSubManager()) {
            NDArray x = m.create(flat, new Shape(n, d));
            NDArray centred = x.sub(x.mean(new int[] {0}, true));
            NDArray cov = centred.transpose().matMul(centred);
            Random rnd = new Random(seed);
            NDArray directions = null;
            for (int j = 0; j < k; j++) {
                float[] start = new float[d];
                for (int t = 0; t < d; t++) {
                    start[t] = (float) rnd.nextGaussian();
                }
                NDArray v = m.create(start, new Shape(d, 1));
                for (int it = 0; it < POWER_ITERATIONS; it++) {
                    NDArray next = cov.matMul(v);
                    NDArray norm = next.norm();
                    if (norm.getFloat() == 0f) {
                        break; // no variance left: any direction will do
                    }
                    v = next.div(norm);
                }
                NDArray lambda = v.transpose().matMul(cov).matMul(v);
                cov = cov.sub(v.matMul(v.transpose()).mul(lambda));
                directions = directions == null ? v : directions.concat(v, 1);
            }
            float[] proj = centred.matMul(directions).toFloatArray();
            float[][] out = new float[n][k];
            for (int r = 0; r < n; r++) {
                System.arraycopy(proj, r * k, out[r], 0, k);
            }
            return out;
        }
    }
}
