package org.cbd4j.defense;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.cbd4j.data.ImageDataset;
import org.cbd4j.data.SyntheticImages;
import org.cbd4j.model.Network;
import org.cbd4j.train.Adam;
import org.cbd4j.train.Augmentation;
import org.cbd4j.train.Batches;
import org.cbd4j.train.DivergenceException;
import org.cbd4j.train.LearningRate;
import org.cbd4j.train.Learner;
import org.cbd4j.train.NesterovSgd;
import org.cbd4j.train.TrainConfig;
import org.junit.jupiter.api.Test;

/**
 * Stage 2 read back every k batches (a GPU's interval) fills the same weights, l_C and sums as
 * reading every batch (the CPU's), and names the batch that diverged. The interval is a parameter
 * of {@code stage2Epoch}, so no GPU is needed to take the deferred path.
 */
class StepReadbackTest {

    /** 41 samples in batches of 8: five steps, then a single sample that is skipped (BatchNorm). */
    private static final int N = 41;
    private static final TrainConfig CFG = new TrainConfig(2, 8, 0.1f, 0.9f, 1e-4f, Augmentation.reference(true), 5);

    /** What one run of stage-2 epochs left behind. */
    private record Outcome(float[] weights, float[] lossC, List<Map<String, Double>> stats) {}

    /**
     * Runs {@code epochs} stage-2 epochs from the same seeded f_B, f_C and critic, reading every
     * {@code every} batches; the second epoch is gated on the first one's l_C, as in a real run.
     */
    private static Outcome stage2(CbdConfig config, float[] lossB, int epochs, int every, float[] weights,
            float[] lossC) {
        Engine.getInstance().setRandomSeed(7);
        ImageDataset d = SyntheticImages.generate(N, 1, 16, 16, 3);
        List<Map<String, Double>> stats = new ArrayList<>();
        try (Network fB = Network.forData("f_B", "tiny-cnn", d); Network fC = Network.forData("f_C", "tiny-cnn", d);
                MiCritic critic = new MiCritic(fC.block().embeddingSize())) {
            Learner fc = new Learner(fC.block(), new NesterovSgd(new LearningRate(0.1f), 0.9f, 1e-4f));
            Learner cr = new Learner(critic.block(), Adam.withDefaults(new LearningRate(0.2f)));
            CbdStep step = new CbdStep(fB, fC, critic, fc, cr, new SpectralNorm(5), 1f);
            Arrays.fill(lossC, (float) Math.log(d.numClasses()));
            for (int e = 0; e < epochs; e++) {
                stats.add(new CbdDefense(config).stage2Epoch(step, fC, d, CFG, e, lossB, weights, lossC, new float[N],
                        new TreeMap<>(), List.of(), e > 0, every));
            }
        }
        return new Outcome(weights, lossC, stats);
    }

    private static float[] lossB() {
        Random r = new Random(1);
        float[] l = new float[N];
        for (int i = 0; i < N; i++) {
            l[i] = (float) Math.exp(-6 * r.nextDouble());
        }
        return l;
    }

    @Test
    void readingEveryThreeBatchesGivesExactlyWhatReadingEachBatchGives() {
        CbdConfig cbd = CbdConfig.defaults(); // weights from f_B's static loss, MI on, gate from epoch 2
        Outcome each = stage2(cbd, lossB(), 2, 1, new float[N], new float[N]);
        Outcome late = stage2(cbd, lossB(), 2, 3, new float[N], new float[N]);
        assertArrayEquals(each.weights(), late.weights());
        assertArrayEquals(each.lossC(), late.lossC());
        assertEquals(each.stats(), late.stats()); // Double.equals: bit for bit
        double mi = each.stats().get(1).get("mi");
        assertTrue(each.stats().get(1).get("loss") > 0 && mi != 0 && Double.isFinite(mi), each.stats().toString());
    }

    @Test
    void aNonFiniteLossIsReportedWithItsOwnBatchWhenReadLate() {
        // --batch-weights rescales within each batch, so one NaN l_B spoils exactly one batch's ce.
        CbdConfig cbd = new CbdConfig(1, true, true, 1f, 0.2f, false,
                new CbdOptions(8, true, false, 0.5, 200, false, false, false, true, false));
        float[] lossB = lossB();
        int[] order = Batches.epochOrder(N, CFG.seed(), "f_C", 0);
        lossB[order[4 * 8 + 2]] = Float.NaN; // in the fifth batch: read at the end-of-epoch flush with k = 3
        List<float[]> left = new ArrayList<>();
        for (int every : new int[] {1, 3}) {
            float[] w = new float[N];
            float[] lc = new float[N];
            DivergenceException e = assertThrows(DivergenceException.class,
                    () -> stage2(cbd, lossB, 1, every, w, lc));
            assertTrue(e.getMessage().contains("loss NaN in stage f_C, epoch 1, batch 5"), every + ": " + e.getMessage());
            left.add(w);
            left.add(lc);
        }
        // the four batches before the bad one were stored by both paths, and nothing after them
        assertArrayEquals(left.get(0), left.get(2));
        assertArrayEquals(left.get(1), left.get(3));
        for (int k = 0; k < N; k++) {
            boolean stored = k < 4 * 8;
            assertEquals(stored, left.get(0)[order[k]] != 0, "position " + k);
        }
    }

    /** Batch b of two samples: weights {b, b + 0.5}, l_C {2b, 2b + 1}, ce b / 4, mi from {@code mi}. */
    private static CbdStep.Outputs outputs(NDManager m, int b, float[] mi) {
        return new CbdStep.Outputs(m.create(new float[] {b, b + 0.5f}), m.create(new float[] {2 * b, 2 * b + 1}),
                m.create(b / 4f), mi == null ? null : m.create(mi[b]));
    }

    @Test
    void everyIntervalStoresTheSameValuesByTheOrder() {
        int[] order = {5, 2, 7, 0, 3, 6, 1, 4};
        float[] mi = {0.125f, -0.25f, 0.5f, 0.0625f};
        String expected = null;
        for (float[] m : new float[][] {mi, null}) {
            float[] w1 = null;
            for (int every : new int[] {1, 2, 3, 20}) {
                float[] w = new float[8];
                float[] lc = new float[8];
                try (NDManager root = NDManager.newBaseManager();
                        StepReadback r = new StepReadback(root, every, 0, order, w, lc)) {
                    for (int b = 0; b < 4; b++) {
                        try (NDManager bm = root.newSubManager()) {
                            assertTrue(r.add(outputs(bm, b, m), b, 2 * b, 2 * b + 2));
                        }
                        if (every == 20) {
                            assertEquals("", r.progress(), "nothing is read before the flush");
                        }
                    }
                    r.flush();
                    assertEquals((0 + 1 + 2 + 3) / 4.0 * 2 / 8, r.stats().get("loss"), 0.0);
                    assertEquals(m == null ? 0 : (0.125 - 0.25 + 0.5 + 0.0625) * 2 / 8, r.stats().get("mi"), 0.0);
                    if (m != null) {
                        expected = expected == null ? r.progress() : expected;
                        assertEquals(expected, r.progress());
                    }
                }
                for (int k = 0; k < 8; k++) {
                    assertEquals(k / 2 + (k % 2) * 0.5f, w[order[k]], "weight at position " + k);
                    assertEquals(k, lc[order[k]], "l_C at position " + k);
                }
                w1 = w1 == null ? w : w1;
                assertArrayEquals(w1, w);
            }
        }
    }

    /**
     * Outputs made from host arrays (as the epoch's weights are) are views of direct buffers their
     * batch's arrays hold; a late read must not depend on those buffers outliving the batch. The
     * batches' managers close, the collector runs and the freed memory is handed out again and
     * overwritten before the late read.
     */
    @Test
    void aLateReadDoesNotDependOnTheBatchesMemory() {
        int batches = 64;
        int[] order = new int[2 * batches];
        Arrays.setAll(order, k -> k);
        float[] w = new float[2 * batches];
        float[] lc = new float[2 * batches];
        try (NDManager root = NDManager.newBaseManager();
                StepReadback r = new StepReadback(root, 1000, 0, order, w, lc)) {
            for (int b = 0; b < batches; b++) {
                try (NDManager bm = root.newSubManager()) {
                    r.add(outputs(bm, b, null), b, 2 * b, 2 * b + 2);
                }
            }
            List<NDArray> junk = new ArrayList<>();
            for (int round = 0; round < 5; round++) {
                System.gc();
                for (int k = 0; k < 4 * batches; k++) {
                    float[] nan = new float[2];
                    Arrays.fill(nan, Float.NaN);
                    junk.add(root.create(nan));
                    junk.add(root.create(Float.NaN));
                }
            }
            r.flush();
            junk.forEach(NDArray::close);
        }
        for (int k = 0; k < 2 * batches; k++) {
            assertEquals(k / 2 + (k % 2) * 0.5f, w[k], "weight at position " + k);
            assertEquals(k, lc[k], "l_C at position " + k);
        }
    }

    @Test
    void aLateReadNamesTheFirstNonFiniteBatchAndStoresOnlyTheOnesBeforeIt() {
        int[] order = {0, 1, 2, 3, 4, 5, 6, 7};
        float[] mi = {0.125f, Float.POSITIVE_INFINITY, Float.NaN, 0.5f};
        for (int every : new int[] {1, 3}) {
            float[] w = new float[8];
            float[] lc = new float[8];
            try (NDManager root = NDManager.newBaseManager();
                    StepReadback r = new StepReadback(root, every, 2, order, w, lc)) {
                int[] reached = {0};
                DivergenceException e = assertThrows(DivergenceException.class, () -> {
                    for (int b = 0; b < 4; b++) {
                        reached[0] = b;
                        try (NDManager bm = root.newSubManager()) {
                            r.add(outputs(bm, b, mi), b, 2 * b, 2 * b + 2);
                        }
                    }
                    r.flush();
                });
                assertTrue(e.getMessage().contains("loss Infinity in stage f_C, epoch 3, batch 2"), e.getMessage());
                assertEquals(every == 1 ? 1 : 2, reached[0], "read at once on a CPU, with the third batch at k = 3");
                assertArrayEquals(new float[] {0, 0.5f, 0, 0, 0, 0, 0, 0}, w);
                assertNotEquals(0f, lc[1]);
                assertEquals(0f, lc[2]);
            }
        }
    }
}
