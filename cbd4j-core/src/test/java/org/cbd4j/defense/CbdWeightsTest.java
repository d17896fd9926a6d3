package org.cbd4j.defense;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
        // The property docs/METHOD.md §6 warns about: suppression vanishes as l_C -> 0.
        try (NDManager m = NDManager.newBaseManager()) {
            float[] raw = CbdWeights.raw(m.create(new float[] {1e-3f}), m.create(new float[] {1e-7f})).toFloatArray();
            assertEquals(1f, raw[0], 1e-3f);
        }
    }

    @Test
    void batchRescalingRestoresWeightOfAClassSeenOnlyThroughPoisonedSamples() {
        // A batch holding class 0 only through two poisoned samples (tiny l_B): rescaled within the
        // batch, their class share brings them back to a mean weight of 1.
        try (NDManager m = NDManager.newBaseManager()) {
            float[] w = CbdWeights.classBalanced(m.create(new float[] {1e-4f, 2e-4f, 0.5f, 0.6f}),
                    m.create(new float[] {2f, 2f, 0.5f, 0.6f}), m.create(new long[] {0, 0, 1, 1}).oneHot(2))
                    .toFloatArray();
            assertEquals(1f, (w[0] + w[1]) / 2, 1e-4f);
        }
    }

    @Test
    void epochWeightsKeepPoisonedSamplesNearZeroInAnyBatchAndNeverExceedOne() {
        // Class 0 over the data set: 5 poisoned samples (l_B 1e-4, l_C 2: raw 4.99975e-5) and 5
        // clean ones with raw 0.5, 0.5, 0.5, 0.5, 0.75 (l_B 3, l_C 1). Sorted raw: five poisoned,
        // 0.5 x 4, 0.75; the 90th percentile is at position 8.1: 0.5 + 0.1 * 0.25 = 0.525.
        // Half of the class is poisoned, as for 10 % all-to-one poisoning of 10 classes.
        float[] lossB = {1e-4f, 1e-4f, 1e-4f, 1e-4f, 1e-4f, 1, 1, 1, 1, 3, 0.5f, 0.2f};
        float[] lossC = {2, 2, 2, 2, 2, 1, 1, 1, 1, 1, 0.5f, 0.8f};
        int[] labels = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1};
        float[] w = CbdWeights.epochWeights(lossB, lossC, labels, 3);
        for (int i = 0; i < 5; i++) {
            assertEquals(4.99975e-5f / 0.525f, w[i], 1e-8f, "poisoned sample " + i);
        }
        assertEquals(0.5f / 0.525f, w[5], 1e-6f);
        assertEquals(1f, w[9], 1e-6f); // 0.75 / 0.525 capped at 1
        // Class 1: raw 0.5 and 0.2; the 90th percentile is 0.2 + 0.9 * 0.3 = 0.47.
        assertEquals(1f, w[10], 1e-6f);
        assertEquals(0.2f / 0.47f, w[11], 1e-6f);
    }

    @Test
    void aClassWhoseEverySampleIsFitByFbKeepsWeightsAtMostOne() {
        // Every sample of class 0 has a tiny l_B spread over orders of magnitude (a clean-label
        // trigger on the whole class): no sample is scaled above 1, whatever the spread.
        float[] lossB = {1e-7f, 1e-6f, 1e-5f, 1e-4f, 1e-3f};
        float[] lossC = {1, 1, 1, 1, 1};
        float[] w = CbdWeights.epochWeights(lossB, lossC, new int[] {0, 0, 0, 0, 0}, 1);
        for (float v : w) {
            assertTrue(v <= 1f && v > 0f, "weight " + v);
        }
        assertEquals(1f, w[4], 1e-5f);
    }

    @Test
    void theGateReweightsOnlyASeparatedMinorityAndConfoundedClasses() {
        // 1,000 samples over 2 classes: f_B fits every clean sample well, often better than f_C
        // (spread over three decades, as on Fashion-MNIST's easy classes); 80 samples of class 0
        // have l_B four decades below their l_C (the poisoned group).
        java.util.Random rnd = new java.util.Random(5);
        int n = 1000;
        float[] lb = new float[n];
        float[] lc = new float[n];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = i % 2;
            boolean poisoned = i < 160 && y[i] == 0;
            lc[i] = (float) Math.exp(-2 + 0.5 * rnd.nextGaussian());
            lb[i] = (float) Math.exp(poisoned ? -12 + 0.5 * rnd.nextGaussian() : -3 + 1.2 * rnd.nextGaussian());
        }
        boolean[] suspect = CbdWeights.suspects(lb, lc, y, java.util.List.of(), new float[n]);
        float[] gated = CbdWeights.gated(lb, lc, y, 2, suspect);
        float[] ungated = CbdWeights.epochWeights(lb, lc, y, 2);
        double cleanGated = 0;
        double cleanUngated = 0;
        for (int i = 0; i < n; i++) {
            boolean poisoned = i < 160 && y[i] == 0;
            assertEquals(poisoned, suspect[i], "suspect " + i);
            if (poisoned) {
                assertTrue(gated[i] < 0.01f, "poisoned sample " + i + " keeps a weight near 0: " + gated[i]);
            } else {
                assertEquals(1f, gated[i], "clean sample " + i + " keeps weight 1");
                cleanGated += gated[i];
                cleanUngated += ungated[i];
            }
        }
        assertTrue(cleanUngated / (n - 80) < 0.8, "without the gate clean samples lose weight: " + cleanUngated);
        assertEquals(n - 80, cleanGated, 1e-6);

        // The same losses without the poisoned group: one population, no suspects, all weights 1.
        float[] lbClean = lb.clone();
        for (int i = 0; i < 160; i += 2) {
            lbClean[i] = (float) Math.exp(-3 + 1.2 * rnd.nextGaussian());
        }
        boolean[] none = CbdWeights.suspects(lbClean, lc, y, java.util.List.of(), new float[n]);
        for (boolean b : none) {
            assertTrue(!b, "nothing suspect in one population");
        }
        // A confounded class is re-weighted as a whole, relative to its own 90th percentile.
        boolean[] whole = CbdWeights.suspects(lbClean, lc, y, java.util.List.of(1), new float[n]);
        for (int i = 0; i < n; i++) {
            assertEquals(y[i] == 1, whole[i], "class 1 is suspect as a whole: " + i);
        }
    }

    @Test
    void aSuspectStaysASuspectWhenFcStartsToFitIt() {
        // Epoch 1: 50 of 500 samples have l_B four decades below l_C, a separated minority.
        java.util.Random rnd = new java.util.Random(9);
        int n = 500;
        float[] lb = new float[n];
        float[] lc = new float[n];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            lc[i] = (float) Math.exp(-1 + 0.3 * rnd.nextGaussian());
            lb[i] = (float) Math.exp((i < 50 ? -12 : -2) + 0.3 * rnd.nextGaussian());
        }
        float[] ever = new float[n];
        boolean[] first = CbdWeights.suspects(lb, lc, y, java.util.List.of(), ever);
        for (int i = 0; i < n; i++) {
            assertEquals(i < 50, first[i], "epoch 1 suspect " + i);
        }
        // Epoch 2: f_C has fitted ten of them as well as f_B; they leave the separated group.
        for (int i = 0; i < 10; i++) {
            lc[i] = lb[i];
        }
        boolean[] fresh = CbdWeights.suspects(lb, lc, y, java.util.List.of(), new float[n]);
        assertTrue(!fresh[0] && !fresh[9], "without memory the fitted ones drop out");
        boolean[] second = CbdWeights.suspects(lb, lc, y, java.util.List.of(), ever);
        for (int i = 0; i < n; i++) {
            assertEquals(i < 50, second[i], "epoch 2 suspect " + i);
            assertEquals(i < 50 ? 1f : 0f, ever[i], "memory of " + i);
        }
    }

    @Test
    void namedClassesKeepTheGateOffEveryOtherClass() {
        // Class 0 is the named target (half poisoned, l_B four decades below l_C); class 1 is an
        // easy clean class that f_B fits three decades better than f_C, so the whole-set split of
        // ln l_C - ln l_B takes it in too; class 2 is ordinary.
        java.util.Random rnd = new java.util.Random(11);
        int n = 1500;
        float[] lb = new float[n];
        float[] lc = new float[n];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = i % 3;
            boolean poisoned = y[i] == 0 && i < 300;
            lc[i] = (float) Math.exp(-1 + 0.3 * rnd.nextGaussian());
            double ln = poisoned ? -12 : y[i] == 1 ? -8 : -1.5;
            lb[i] = (float) Math.exp(ln + 0.3 * rnd.nextGaussian());
        }
        boolean[] unnamed = CbdWeights.suspects(lb, lc, y, java.util.List.of(), new float[n]);
        int class1 = 0;
        for (int i = 0; i < n; i++) {
            class1 += unnamed[i] && y[i] == 1 ? 1 : 0;
        }
        assertTrue(class1 > 400, "without named classes the whole-set group takes in class 1: " + class1);
        float[] ever = new float[n];
        boolean[] named = CbdWeights.suspects(lb, lc, y, java.util.List.of(0), ever);
        float[] w = CbdWeights.gated(lb, lc, y, 3, named);
        for (int i = 0; i < n; i++) {
            assertEquals(y[i] == 0, named[i], "suspect " + i + " of class " + y[i]);
            if (y[i] != 0) {
                assertEquals(1f, w[i], "sample " + i + " of class " + y[i] + " keeps weight 1");
            } else if (i < 300) {
                assertTrue(w[i] < 0.01f, "poisoned sample " + i + " keeps a weight near 0: " + w[i]);
            }
        }
    }
}
