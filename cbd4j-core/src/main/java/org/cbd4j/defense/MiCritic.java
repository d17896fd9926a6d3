package org.cbd4j.defense;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.training.ParameterStore;
import org.cbd4j.model.ComputeDevice;

/**
 * CBD's mutual-information critic T(z_B, z_C) (docs/METHOD.md §2): dropout 0.2, Linear(2d, d), LeakyReLU,
 * dropout 0.2, Linear(d, 1) on the concatenated embeddings, with the estimate
 * {@code I = 0.01 * (mean T(z_B, z_C) - mean T(z_B, shift(z_C)))}; the shift by one sample draws
 * pairs from the product of the marginals.
 */
public final class MiCritic implements AutoCloseable {

    /** Scale of the estimate, inside I as in the reference. */
    static final float SCALE = 0.01f;

    private final Model model;
    private final SequentialBlock block;
    private final ParameterStore store;

    /** A critic for two embeddings of width {@code d}, initialised from the engine's RNG. */
    public MiCritic(int d) {
        block = new SequentialBlock()
                .add(Dropout.builder().optRate(0.2f).build())
                .add(Linear.builder().setUnits(d).build())
                .add(Activation.leakyReluBlock(0.01f))
                .add(Dropout.builder().optRate(0.2f).build())
                .add(Linear.builder().setUnits(1).build());
        model = Model.newInstance("critic", ComputeDevice.current());
        model.setBlock(block);
        block.initialize(model.getNDManager(), DataType.FLOAT32, new Shape(1, 2L * d));
        store = new ParameterStore(model.getNDManager(), false);
    }

    /** The estimate I(z_B; z_C) for a batch; differentiable in z_C and the critic's weights. */
    public NDArray estimate(NDArray zB, NDArray zC, boolean training) {
        long n = zC.getShape().get(0);
        NDArray shifted = NDArrays.concat(new NDList(zC.get("1:"), zC.get(":1")), 0);
        NDArray joint = score(NDArrays.concat(new NDList(zB, zC), 1), training);
        NDArray marginal = score(NDArrays.concat(new NDList(zB, shifted), 1), training);
        if (n < 2) {
            throw new IllegalArgumentException("the MI estimate needs at least 2 samples per batch");
        }
        return joint.mean().sub(marginal.mean()).mul(SCALE);
    }

    private NDArray score(NDArray pair, boolean training) {
        return block.forward(store, new NDList(pair), training).singletonOrThrow();
    }

    public SequentialBlock block() {
        return block;
    }

    public Model model() {
        return model;
    }

    @Override
    public void close() {
        model.close();
    }
}
