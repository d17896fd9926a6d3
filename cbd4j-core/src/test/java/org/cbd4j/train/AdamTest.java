package org.cbd4j.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;

class AdamTest {

    @Test
    void twoStepsMatchPyTorchAdamComputedByHand() {
        // lr 0.1, betas (0.9, 0.999), eps 1e-8; w = 1, g = 0.5 then g = -1.
        // step 1: m = 0.05, v = 0.00025; mhat = 0.5, vhat = 0.25 -> w = 1 - 0.1 * 0.5 / 0.5 = 0.9
        // step 2: m = 0.045 - 0.1 = -0.055; v = 0.00024975 + 0.001 = 0.00124975
        //         mhat = -0.055 / 0.19 = -0.28947368; vhat = 0.00124975 / 0.001999 = 0.62518759
        //         w = 0.9 + 0.1 * 0.28947368 / 0.79068805 = 0.93661020
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray w = m.create(new float[] {1f});
            Adam adam = Adam.withDefaults(new LearningRate(0.1f));
            adam.update("w", w, m.create(new float[] {0.5f}));
            assertArrayEquals(new float[] {0.9f}, w.toFloatArray(), 1e-6f);
            adam.update("w", w, m.create(new float[] {-1f}));
            assertArrayEquals(new float[] {0.93661020f}, w.toFloatArray(), 1e-5f);
            assertEquals(2, adam.counters().get("w"));
        }
    }
}
