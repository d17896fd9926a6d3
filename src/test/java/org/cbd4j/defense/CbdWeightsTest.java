package org.cbd4j.defense;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;

class CbdWeightsTest {

    @Test
    void weightsMatchHandComputedValues() {
        try (NDManager m = NDManager.newBaseManager()) {
            // raw: 0.01/2.01 = 0.0049751, 1/2 = 0.5, 2/2.5 = 0.8; sum 1.3049751; times 3/sum.
            float[] w = CbdWeights.weights(m.create(new float[] {0.01f, 1f, 2f}), m.create(new float[] {2f, 1f, 0.5f}))
                    .toFloatArray();
            assertArrayEquals(new float[] {0.0114373f, 1.1494472f, 1.8391155f}, w, 1e-4f);
            assertEquals(3f, w[0] + w[1] + w[2], 1e-4f);
        }
    }

    @Test
    void classBalancedWeightsKeepEachClassShare() {
        // raw = [0.0049751, 0.5, 0.8, 0.5]; labels [0, 0, 1, 2].
        // class 0: 2 / 0.5049751 = 3.960591 -> [0.0197044, 1.9802956]; class 1: 1/0.8; class 2: 1/0.5.
        try (NDManager m = NDManager.newBaseManager()) {
            float[] w = CbdWeights.classBalanced(m.create(new float[] {0.01f, 1f, 2f, 0.5f}),
                    m.create(new float[] {2f, 1f, 0.5f, 0.5f}), m.create(new long[] {0, 0, 1, 2}).oneHot(3))
                    .toFloatArray();
            assertArrayEquals(new float[] {0.0197044f, 1.9802956f, 1f, 1f}, w, 1e-4f);
        }
    }

    @Test
    void easilyFitSampleGetsSmallWeight() {
        try (NDManager m = NDManager.newBaseManager()) {
            float[] raw = CbdWeights.raw(m.create(new float[] {1e-4f, 0.7f}), m.create(new float[] {2.3f, 2.3f}))
                    .toFloatArray();
            assertEquals(1e-4f / 2.3001f, raw[0], 1e-6f);
            assertEquals(0.7f / 3.0f, raw[1], 1e-6f);
        }
    }

    @Test
    void weightTendsToOneOnceFcFitsTheSampleHoweverSmallLossB() {
        // The property SPEC §6 warns about: suppression vanishes as l_C -> 0.
        try (NDManager m = NDManager.newBaseManager()) {
            float[] raw = CbdWeights.raw(m.create(new float[] {1e-3f}), m.create(new float[] {1e-7f})).toFloatArray();
            assertEquals(1f, raw[0], 1e-3f);
        }
    }
}
