package org.cbd4j.defense;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.IntStream;
import org.cbd4j.eval.Detection;
import org.junit.jupiter.api.Test;

/** The arithmetic of the baseline defenses on hand-made inputs. */
class BaselineDefensesTest {

    /** Value and gradient of |l - gamma| + gamma at one loss value. */
    private static float[] flooded(float loss, float gamma) {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray l = m.create(loss);
            l.setRequiresGradient(true);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray out = AntiBackdoorLearning.flooded(l, gamma);
                float value = out.getFloat();
                gc.backward(out);
                return new float[] {value, l.getGradient().getFloat()};
            }
        }
    }

    @Test
    void ablLossAscendsBelowGammaAndDescendsAbove() {
        // Below gamma: 0.2 -> |0.2 - 0.5| + 0.5 = 0.8, and the gradient is -1 (ascent on the loss).
        assertArrayEquals(new float[] {0.8f, -1f}, flooded(0.2f, 0.5f), 1e-6f);
        // Above gamma the loss is unchanged and descended as usual.
        assertArrayEquals(new float[] {1.7f, 1f}, flooded(1.7f, 0.5f), 1e-6f);
        assertArrayEquals(new float[] {0.6f, -1f}, flooded(0.05f, 0.325f), 1e-6f);
    }

    @Test
    void ablIsolatesTheGivenFractionAndAtLeastOne() {
        assertEquals(600, AntiBackdoorLearning.isolationCount(60_000, 0.01));
        assertEquals(3, AntiBackdoorLearning.isolationCount(250, 0.01));
        assertEquals(1, AntiBackdoorLearning.isolationCount(40, 0.01));
        assertEquals(25, AntiBackdoorLearning.isolationCount(50, 0.5));
    }

    @Test
    void spectralScoreRanksThePlantedDirectionFirst() {
        Random rnd = new Random(5);
        int n = 300;
        int d = 16;
        float[] u = new float[d];
        for (int t = 0; t < d; t++) {
            u[t] = (float) rnd.nextGaussian();
        }
        float norm = 0;
        for (float v : u) {
            norm += v * v;
        }
        float[][] features = new float[n][d];
        boolean[] planted = new boolean[n];
        for (int i = 0; i < n; i++) {
            planted[i] = i % 20 == 7; // 15 samples
            for (int t = 0; t < d; t++) {
                features[i][t] = (float) rnd.nextGaussian() + (planted[i] ? 8f * u[t] / (float) Math.sqrt(norm) : 0f);
            }
        }
        int[] idx = IntStream.range(0, n).toArray();
        try (NDManager m = NDManager.newBaseManager()) {
            float[] scores = SpectralSignatures.scores(m, features, idx, 1);
            boolean[] top = Detection.topK(scores, 15);
            assertArrayEquals(planted, top, "the 15 highest scores are exactly the planted samples");
            assertArrayEquals(scores, SpectralSignatures.scores(m, features, idx, 1), "deterministic");
        }
    }

    @Test
    void principalCoordinatesFollowTheLargestVariance() {
        // Variance 100 along axis 2, 4 along axis 0, 1 elsewhere: first coordinate = +-x2, second = +-x0.
        Random rnd = new Random(9);
        float[][] f = new float[400][5];
        for (float[] row : f) {
            for (int t = 0; t < 5; t++) {
                row[t] = (float) rnd.nextGaussian() * (t == 2 ? 10 : t == 0 ? 2 : 1);
            }
        }
        int[] idx = IntStream.range(0, f.length).toArray();
        try (NDManager m = NDManager.newBaseManager()) {
            float[][] c = FeatureSpace.principalCoordinates(m, f, idx, 2, 3);
            double mean2 = Arrays.stream(f).mapToDouble(r -> r[2]).average().orElseThrow();
            double mean0 = Arrays.stream(f).mapToDouble(r -> r[0]).average().orElseThrow();
            for (int i = 0; i < f.length; i += 37) {
                assertEquals(Math.abs(f[i][2] - mean2), Math.abs(c[i][0]), 0.1 * Math.abs(f[i][2] - mean2) + 0.3);
                assertEquals(Math.abs(f[i][0] - mean0), Math.abs(c[i][1]), 0.5 * Math.abs(f[i][0] - mean0) + 0.6);
            }
        }
    }

    @Test
    void twoMeansSeparatesTwoBlobs() {
        Random rnd = new Random(2);
        float[][] p = new float[70][3];
        for (int i = 0; i < p.length; i++) {
            float shift = i < 50 ? 0f : 6f;
            for (int t = 0; t < 3; t++) {
                p[i][t] = (float) rnd.nextGaussian() * 0.5f + shift;
            }
        }
        int[] a = TwoMeans.cluster(p, 11, 3);
        for (int i = 1; i < p.length; i++) {
            assertEquals(i < 50, a[i] == a[0], "point " + i + " with its blob");
        }
        assertNotEquals(a[0], a[69]);
        assertArrayEquals(a, TwoMeans.cluster(p, 11, 3), "deterministic for a seed");
        double[] c = TwoMeans.centroid(p, a, a[69]);
        assertTrue(c[0] > 5 && c[0] < 7, "centre of the small blob, got " + c[0]);
    }

    @Test
    void optionsAreCheckedByFlagName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> AntiBackdoorLearning.METHOD.values(java.util.Map.of("abl-isolation-epochs", 0)));
        assertTrue(e.getMessage().startsWith("--abl-isolation-epochs"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> SpectralSignatures.METHOD.values(java.util.Map.of("expected-poison-rate", 0.7)));
        assertTrue(e.getMessage().startsWith("--expected-poison-rate"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> ActivationClustering.METHOD.values(java.util.Map.of("ac-threshold", 0.5)));
        assertTrue(e.getMessage().startsWith("--ac-threshold"), e.getMessage());
    }
}
