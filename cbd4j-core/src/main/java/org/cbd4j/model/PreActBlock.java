package org.cbd4j.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * Pre-activation basic residual block of Wide ResNets: BN-ReLU-conv3x3(stride)-BN-ReLU-conv3x3,
 * with a 1x1 convolution on the activated input as shortcut when the shape changes.
 *
 * @see <a href="https://arxiv.org/abs/1605.07146">Zagoruyko and Komodakis, Wide Residual Networks</a>
 */
final class PreActBlock extends AbstractBlock {

    private final Block bn1;
    private final Block conv1;
    private final Block bn2;
    private final Block conv2;
    private final Block shortcut;

    PreActBlock(int in, int out, int stride) {
        bn1 = addChildBlock("bn1", Layers.batchNorm());
        conv1 = addChildBlock("conv1", Layers.conv(out, 3, stride));
        bn2 = addChildBlock("bn2", Layers.batchNorm());
        conv2 = addChildBlock("conv2", Layers.conv(out, 3, 1));
        shortcut = (in == out && stride == 1) ? null : addChildBlock("shortcut", Layers.conv(out, 1, stride));
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        NDArray o = Activation.relu(bn1.forward(ps, inputs, training).singletonOrThrow());
        NDArray skip = shortcut == null ? x : shortcut.forward(ps, new NDList(o), training).singletonOrThrow();
        NDArray y = conv1.forward(ps, new NDList(o), training).singletonOrThrow();
        y = Activation.relu(bn2.forward(ps, new NDList(y), training).singletonOrThrow());
        y = conv2.forward(ps, new NDList(y), training).singletonOrThrow();
        return new NDList(y.add(skip));
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        bn1.initialize(manager, dataType, inputShapes);
        conv1.initialize(manager, dataType, inputShapes);
        Shape[] mid = conv1.getOutputShapes(inputShapes);
        bn2.initialize(manager, dataType, mid);
        conv2.initialize(manager, dataType, mid);
        if (shortcut != null) {
            shortcut.initialize(manager, dataType, inputShapes);
        }
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return conv2.getOutputShapes(conv1.getOutputShapes(inputShapes));
    }
}
