package org.cbd4j.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * The post-activation basic block of ResNet-18/34: conv3x3(stride)-BN-ReLU-conv3x3-BN, plus the
 * input (through conv1x1(stride)-BN when the shape changes), then ReLU.
 *
 * @see <a href="https://arxiv.org/abs/1512.03385">He et al., Deep Residual Learning (2016)</a>
 */
final class BasicBlock extends AbstractBlock {

    private final Block body;
    private final Block shortcut;

    BasicBlock(int in, int out, int stride) {
        body = addChildBlock("body", new SequentialBlock()
                .add(Layers.conv(out, 3, stride)).add(Layers.batchNorm()).add(Layers.relu())
                .add(Layers.conv(out, 3, 1)).add(Layers.batchNorm()));
        shortcut = in == out && stride == 1 ? null
                : addChildBlock("shortcut", new SequentialBlock().add(Layers.conv(out, 1, stride)).add(Layers.batchNorm()));
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray y = body.forward(ps, inputs, training).singletonOrThrow();
        NDArray skip = shortcut == null ? inputs.singletonOrThrow() : shortcut.forward(ps, inputs, training).singletonOrThrow();
        return new NDList(Activation.relu(y.add(skip)));
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        body.initialize(manager, dataType, inputShapes);
        if (shortcut != null) {
            shortcut.initialize(manager, dataType, inputShapes);
        }
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return body.getOutputShapes(inputShapes);
    }
}
