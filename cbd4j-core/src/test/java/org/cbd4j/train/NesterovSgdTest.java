package org.cbd4j.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;

class NesterovSgdTest {

    @Test
    void twoStepsMatchPyTorchNesterovComputedByHand() {
        // lr 0.1, momentum 0.9, weight decay 0.01, gradient [0.5, 0.5] both steps.
        // step 1: d = [0.51, 0.48]; buf = d; w -= 0.1 * (d + 0.9 buf) -> [0.9031, -2.0912]
        // step 2: d = [0.509031, 0.479088]; buf = 0.9 [0.51, 0.48] + d = [0.968031, 0.911088]
        //         w -= 0.1 * (d + 0.9 buf) -> [0.76507411, -2.22110672]
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray w = m.create(new float[] {1f, -2f});
            NesterovSgd sgd = new NesterovSgd(new LearningRate(0.1f), 0.9f, 0.01f);
            NDArray g1 = m.create(new float[] {0.5f, 0.5f});
            sgd.update("w", w, g1);
            assertArrayEquals(new float[] {0.9031f, -2.0912f}, w.toFloatArray(), 1e-5f);
            assertArrayEquals(new float[] {0f, 0f}, g1.toFloatArray(), "the gradient is zeroed after the update");
            sgd.update("w", w, m.create(new float[] {0.5f, 0.5f}));
            assertArrayEquals(new float[] {0.76507411f, -2.22110672f}, w.toFloatArray(), 1e-5f);
            assertArrayEquals(new float[] {0.968031f, 0.911088f}, sgd.momentumBuffer("w").toFloatArray(), 1e-5f);
        }
    }

    @Test
    void withoutMomentumItIsPlainSgd() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray w = m.create(new float[] {1f});
            new NesterovSgd(new LearningRate(0.5f), 0f, 0f).update("w", w, m.create(new float[] {0.2f}));
            assertArrayEquals(new float[] {0.9f}, w.toFloatArray(), 1e-6f);
        }
    }
}
