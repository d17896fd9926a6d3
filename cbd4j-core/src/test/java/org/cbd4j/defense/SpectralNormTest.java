package org.cbd4j.defense;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import org.junit.jupiter.api.Test;

class SpectralNormTest {

    /** Largest singular value by 500 power iterations on W^T W, in plain Java doubles. */
    static double sigmaMax(float[] w, int rows, int cols) {
        double[] v = new double[cols];
        java.util.Arrays.fill(v, 1.0);
        double sigma = 0;
        for (int it = 0; it < 500; it++) {
            double[] u = new double[rows];
            for (int r = 0; r < rows; r++) {
                for (int c = 0; c < cols; c++) {
                    u[r] += w[r * cols + c] * v[c];
                }
            }
            double[] next = new double[cols];
            for (int c = 0; c < cols; c++) {
                for (int r = 0; r < rows; r++) {
                    next[c] += w[r * cols + c] * u[r];
                }
            }
            double norm = 0;
            for (double x : next) {
                norm += x * x;
            }
            norm = Math.sqrt(norm);
            sigma = Math.sqrt(norm);
            for (int c = 0; c < cols; c++) {
                v[c] = next[c] / norm;
            }
        }
        return sigma;
    }

    @Test
    void everyCriticWeightHasLargestSingularValueOneAfterNormalisation() {
        Engine.getInstance().setRandomSeed(3);
        try (MiCritic critic = new MiCritic(16)) {
            for (Pair<String, Parameter> p : critic.block().getParameters()) {
                p.getValue().getArray().muli(7f); // far from normalised
            }
            SpectralNorm norm = new SpectralNorm(5);
            norm.apply(critic.block());
            int checked = 0;
            for (Pair<String, Parameter> p : critic.block().getParameters()) {
                NDArray w = p.getValue().getArray();
                if (w.getShape().dimension() == 2) {
                    double s = sigmaMax(w.toFloatArray(), (int) w.getShape().get(0), (int) w.getShape().get(1));
                    assertEquals(1.0, s, 0.05, p.getKey() + " after one call");
                    checked++;
                }
            }
            assertEquals(2, checked);
            // Warm-started power iteration converges over further steps, as during training.
            norm.apply(critic.block());
            norm.apply(critic.block());
            for (Pair<String, Parameter> p : critic.block().getParameters()) {
                NDArray w = p.getValue().getArray();
                if (w.getShape().dimension() == 2) {
                    double s = sigmaMax(w.toFloatArray(), (int) w.getShape().get(0), (int) w.getShape().get(1));
                    assertEquals(1.0, s, 0.01, p.getKey() + " after three calls");
                }
            }
        }
    }

    @Test
    void biasesAreLeftAlone() {
        Engine.getInstance().setRandomSeed(4);
        try (MiCritic critic = new MiCritic(4)) {
            for (Pair<String, Parameter> p : critic.block().getParameters()) {
                if (p.getValue().getArray().getShape().dimension() == 1) {
                    p.getValue().getArray().addi(5f);
                }
            }
            new SpectralNorm(5).apply(critic.block());
            for (Pair<String, Parameter> p : critic.block().getParameters()) {
                NDArray a = p.getValue().getArray();
                if (a.getShape().dimension() == 1) {
                    assertTrue(a.toFloatArray()[0] == 5f, p.getKey());
                }
            }
        }
    }
}
