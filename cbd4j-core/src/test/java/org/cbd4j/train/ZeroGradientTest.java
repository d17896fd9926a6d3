package org.cbd4j.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.engine.Engine;
import org.junit.jupiter.api.Test;

/**
 * A gradient is zeroed to exactly 0 whatever it held: one step's overflow (an infinite gradient)
 * must not become NaN in the next step's gradient, which subtracting the gradient from itself
 * (inf - inf) made it.
 */
class ZeroGradientTest {

    private static final float INF = Float.POSITIVE_INFINITY;

    @Test
    void theOptimisersLeaveAnInfiniteGradientZero() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray g = m.create(new float[] {INF, -INF, Float.NaN, 2f});
            new NesterovSgd(new LearningRate(0.1f), 0.9f, 1e-4f).update("w", m.create(new float[4]), g);
            assertArrayEquals(new float[4], g.toFloatArray());
            NDArray h = m.create(new float[] {INF, -INF, Float.NaN, 2f});
            Adam.withDefaults(new LearningRate(0.1f)).update("w", m.create(new float[4]), h);
            assertArrayEquals(new float[4], h.toFloatArray());
        }
    }

    @Test
    void discardedGradientsAreZeroEvenWhenInfinite() {
        try (NDManager m = NDManager.newBaseManager()) {
            Linear layer = Linear.builder().setUnits(2).build();
            layer.setInitializer(ai.djl.training.initializer.Initializer.ONES, Parameter.Type.WEIGHT);
            layer.initialize(m, DataType.FLOAT32, new Shape(1, 2));
            Learner learner = new Learner(layer, new NesterovSgd(new LearningRate(0.1f), 0f, 0f));
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray x = m.create(new float[] {INF, 1f}, new Shape(1, 2));
                NDArray y = layer.forward(new ai.djl.training.ParameterStore(m, false), new ai.djl.ndarray.NDList(x), true)
                        .singletonOrThrow();
                gc.backward(y.sum());
            }
            learner.zeroGradients();
            for (Parameter p : learner.trainable()) {
                float[] g = p.getArray().getGradient().toFloatArray();
                assertArrayEquals(new float[g.length], g, p.getName());
            }
        }
    }
}
