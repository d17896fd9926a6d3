package org.cbd4j.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import java.util.List;
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

    /**
     * The one-call update of every weight gives the per-parameter update's numbers, step by step,
     * with and without momentum and decay, and leaves every gradient zero.
     */
    @Test
    void theOneCallUpdateOfAllWeightsEqualsThePerParameterUpdate() {
        for (float[] mwd : new float[][] {{0.9f, 1e-4f}, {0f, 0f}, {0.9f, 0f}}) {
            try (NDManager m = NDManager.newBaseManager()) {
                ai.djl.util.RandomUtils.RANDOM.setSeed(5);
                NDArray a1 = m.randomNormal(new ai.djl.ndarray.types.Shape(3, 4));
                NDArray b1 = m.randomNormal(new ai.djl.ndarray.types.Shape(4));
                NDArray a2 = a1.duplicate();
                NDArray start = a1.duplicate();
                NDArray b2 = b1.duplicate();
                NesterovSgd one = new NesterovSgd(new LearningRate(0.05f), mwd[0], mwd[1]);
                NesterovSgd all = new NesterovSgd(new LearningRate(0.05f), mwd[0], mwd[1]);
                NDArray x = m.create(new float[] {0.3f, -1.2f, 2.0f});
                for (NDArray w : List.of(a1, b1, a2, b2)) {
                    w.setRequiresGradient(true);
                }
                for (int step = 0; step < 3; step++) {
                    for (NDArray[] ab : new NDArray[][] {{a1, b1}, {a2, b2}}) {
                        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                            // a loss with curvature, so that each step's gradient depends on the last update
                            gc.backward(x.matMul(ab[0]).add(ab[1]).tanh().square().sum());
                        }
                    }
                    one.update("a", a1, a1.getGradient());
                    one.update("b", b1, b1.getGradient());
                    all.updateAll(List.of("a", "b"), List.of(a2, b2));
                    assertArrayEquals(a1.toFloatArray(), a2.toFloatArray(), "weights a, step " + step);
                    assertArrayEquals(b1.toFloatArray(), b2.toFloatArray(), "weights b, step " + step);
                    assertArrayEquals(new float[12], a2.getGradient().toFloatArray(), "gradient left zero");
                    if (mwd[0] != 0f) {
                        assertArrayEquals(one.momentumBuffer("a").toFloatArray(), all.momentumBuffer("a").toFloatArray());
                    }
                }
                org.junit.jupiter.api.Assertions.assertTrue(a2.sub(start).abs().max().getFloat() > 1e-3f, "the weights moved");
            }
        }
    }
}
