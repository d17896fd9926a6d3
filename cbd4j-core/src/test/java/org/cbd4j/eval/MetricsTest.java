package org.cbd4j.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class MetricsTest {

    @Test
    void caAsrRaOnHandMadePredictions() {
        // Clean test: 5 images, 4 right.
        assertEquals(80.0, Metrics.cleanAccuracy(new int[] {0, 1, 2, 3, 3}, new int[] {0, 1, 2, 3, 4}), 1e-9);
        // Triggered non-target images, target 0: true labels 1..4, predictions 0,0,0,4.
        int[] pred = {0, 0, 0, 4};
        assertEquals(75.0, Metrics.attackSuccessRate(pred, new int[] {0, 0, 0, 0}), 1e-9);
        assertEquals(25.0, Metrics.robustAccuracy(pred, new int[] {1, 2, 3, 4}), 1e-9);
        assertTrue(Double.isNaN(Metrics.accuracy(new int[0], new int[0])));
    }

    @Test
    void derFollowsTheDefinition() {
        // ASR 100 -> 5 (drop 0.95), CA 90 -> 88 (drop 0.02): (0.95 - 0.02 + 1) / 2 = 0.965
        assertEquals(0.965, Metrics.der(90, 100, 88, 5), 1e-9);
        // A defense that raises CA and ASR: both max(0, .) terms vanish -> 0.5
        assertEquals(0.5, Metrics.der(80, 50, 85, 60), 1e-9);
    }

    @Test
    void rirFollowsBackdoorBenchsDefinition() {
        // RA 2 -> 85 (gain 0.83), CA 90 -> 88 (drop 0.02): (0.83 - 0.02 + 1) / 2 = 0.905
        assertEquals(0.905, Metrics.rir(90, 2, 88, 85), 1e-9);
        // RA falls (60 -> 50) and CA rises (80 -> 85): both max(0, .) terms are clipped to 0 -> 0.5
        assertEquals(0.5, Metrics.rir(80, 60, 85, 50), 1e-9);
        // Only the RA term clipped: RA 70 -> 40, CA 90 -> 80 (drop 0.1): (0 - 0.1 + 1) / 2 = 0.45
        assertEquals(0.45, Metrics.rir(90, 70, 80, 40), 1e-9);
        // Only the CA term clipped: RA 10 -> 30 (gain 0.2), CA 70 -> 75: (0.2 - 0 + 1) / 2 = 0.6
        assertEquals(0.6, Metrics.rir(70, 10, 75, 30), 1e-9);
        // The extremes: RA 0 -> 100 at no CA cost is 1; CA 100 -> 0 with no RA gain is 0
        assertEquals(1.0, Metrics.rir(90, 0, 90, 100), 1e-9);
        assertEquals(0.0, Metrics.rir(100, 50, 0, 50), 1e-9);
    }

    @Test
    void aurocCountsPairsAndTiesHalf() {
        // pos scores 0.9, 0.3; neg 0.8, 0.1: pairs won 3 of 4.
        assertEquals(0.75, Detection.auroc(new float[] {0.9f, 0.8f, 0.3f, 0.1f},
                new boolean[] {true, false, true, false}), 1e-9);
        assertEquals(0.5, Detection.auroc(new float[] {0.5f, 0.5f}, new boolean[] {true, false}), 1e-9);
        assertEquals(1.0, Detection.auroc(new float[] {3, 2, 1}, new boolean[] {true, false, false}), 1e-9);
        assertTrue(Double.isNaN(Detection.auroc(new float[] {1, 2}, new boolean[] {true, true})));
    }

    @Test
    void rocHasOneVertexPerDistinctScoreAndItsAreaIsTheAuroc() {
        // pos 0.9, 0.5, 0.3; neg 0.8, 0.5, 0.1. From the top: P, N, {P, N} tied, P, N.
        float[] scores = {0.9f, 0.8f, 0.5f, 0.5f, 0.3f, 0.1f};
        boolean[] poisoned = {true, false, true, false, true, false};
        Detection.Roc roc = Detection.roc(scores, poisoned);
        double t = 1.0 / 3;
        assertArrayEquals(new double[] {0, 0, t, 2 * t, 2 * t, 1}, roc.fpr(), 1e-12);
        assertArrayEquals(new double[] {0, t, t, 2 * t, 1, 1}, roc.tpr(), 1e-12);
        assertEquals(Double.POSITIVE_INFINITY, roc.threshold()[0]);
        assertEquals(0.5, roc.threshold()[3], 1e-7);
        // Trapezoids: 0 + 1/9 + 1/6 + 0 + 1/3 = 11/18; pairs: 3 + (0 + 1/2 + 1) + (0 + 0 + 1) = 5.5 of 9.
        assertEquals(11.0 / 18, roc.area(), 1e-12);
        assertEquals(11.0 / 18, Detection.auroc(scores, poisoned), 1e-12);
        assertEquals(null, Detection.roc(new float[] {1, 2}, new boolean[] {false, false}));
    }

    @Test
    void precisionRecallOfFlaggedSet() {
        boolean[] flagged = {true, true, false, false};
        boolean[] poisoned = {true, false, true, false};
        assertArrayEquals(new double[] {0.5, 0.5}, Detection.precisionRecall(flagged, poisoned), 1e-9);
        assertArrayEquals(new boolean[] {true, false, true}, Detection.topK(new float[] {5, 1, 3}, 2));
    }
}
