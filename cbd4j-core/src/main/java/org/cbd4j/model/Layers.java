package org.cbd4j.model;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.training.initializer.XavierInitializer.FactorType;
import ai.djl.training.initializer.XavierInitializer.RandomType;
import ai.djl.training.initializer.XavierInitializer;

/** Small factories for the layers every architecture here uses. */
final class Layers {

    private Layers() {}

    /**
     * Square convolution without bias (a BatchNorm follows), He/Kaiming-normal fan-out init as in WRN;
     * cbd4j's {@link Conv2d}, so that {@code --precision bf16} reaches it.
     */
    static Block conv(int filters, int kernel, int stride) {
        Block c = new Conv2d(Conv2d.builder()
                .setFilters(filters)
                .setKernelShape(new Shape(kernel, kernel))
                .optStride(new Shape(stride, stride))
                .optPadding(new Shape(kernel / 2, kernel / 2))
                .optBias(false));
        c.setInitializer(new XavierInitializer(RandomType.GAUSSIAN, FactorType.OUT, 2), Parameter.Type.WEIGHT);
        return c;
    }

    static Block batchNorm() {
        return BatchNorm.builder().optMomentum(0.9f).optEpsilon(1e-5f).build();
    }

    static Block relu() {
        return Activation.reluBlock();
    }
}
