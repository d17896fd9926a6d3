package org.cbd4j.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;

/** The deferred (GPU) path sums exactly what the every-batch (CPU) path sums, and names the diverged batch. */
class LossReadbackTest {

    private static final float[] LOSSES = {2.5f, 1.25f, 0.75f, 0.5f, 0.125f};
    private static final int[] SIZES = {4, 4, 4, 4, 3};

    @Test
    void everyIntervalGivesTheSameSumAsReadingEachBatch() {
        double expected = 2.5 * 4 + 1.25 * 4 + 0.75 * 4 + 0.5 * 4 + 0.125 * 3; // 20.375, exact in binary
        for (int every : new int[] {1, 2, 3, 20}) {
            try (NDManager m = NDManager.newBaseManager(); LossReadback r = new LossReadback(m, every, "s", 0)) {
                for (int b = 0; b < LOSSES.length; b++) {
                    try (NDManager bm = m.newSubManager()) {
                        r.add(bm.create(LOSSES[b]), b, SIZES[b]);
                    }
                }
                r.flush();
                assertEquals(expected, r.sum(), 0.0, "every " + every);
                assertEquals(19, r.count());
            }
        }
    }

    @Test
    void aNonFiniteLossNamesItsOwnBatchEvenWhenReadLate() {
        for (int every : new int[] {1, 4}) {
            try (NDManager m = NDManager.newBaseManager(); LossReadback r = new LossReadback(m, every, "f_B", 2)) {
                DivergenceException e = assertThrows(DivergenceException.class, () -> {
                    for (int b = 0; b < 4; b++) {
                        try (NDManager bm = m.newSubManager()) {
                            r.add(bm.create(b == 1 ? Float.NaN : 1f), b, 2);
                        }
                    }
                    r.flush();
                });
                assertTrue(e.getMessage().contains("epoch 3, batch 2"), every + ": " + e.getMessage());
            }
        }
    }
}
