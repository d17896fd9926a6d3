package org.cbd4j.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * DJL's 2-D convolution that computes in bfloat16 when {@link Precision#current()} is
 * {@link Precision#BF16} (input and weight cast down, the output left in bfloat16 for the
 * layers after it, see {@link Bf16}), and exactly as DJL's does otherwise.
 *
 * <p>The class is called {@code Conv2d} on purpose: DJL's {@code SequentialBlock} names each child
 * after its class's simple name ({@code 01Conv2d}), and those names are the parameter keys of the
 * safetensors export, the serving spec and models saved before bf16 existed. Any other name would
 * rename every convolution's weight.
 */
final class Conv2d extends ai.djl.nn.convolutional.Conv2d {

    /** This block's bfloat16 convolution, fetched on its first bf16 forward. */
    private volatile TorchScriptFunction bf16;

    Conv2d(Builder builder) {
        super(builder);
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        if (Precision.current() != Precision.BF16) {
            return super.forwardInternal(ps, inputs, training, params);
        }
        NDArray x = inputs.singletonOrThrow();
        NDArray w = ps.getValue(weight, x.getDevice(), training);
        TorchScriptFunction f = bf16;
        if (f == null) {
            f = Bf16.conv2d(stride.getShape(), padding.getShape(), dilation.getShape(), groups);
            bf16 = f;
        }
        NDArray y = f.call(new NDList(x, w), training).singletonOrThrow();
        if (bias != null) {
            y = y.add(ps.getValue(bias, x.getDevice(), training).reshape(1, -1, 1, 1));
        }
        return new NDList(y);
    }
}
