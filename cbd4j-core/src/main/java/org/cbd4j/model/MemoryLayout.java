package org.cbd4j.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import java.util.Locale;

/**
 * How image batches sit in memory when they enter a network: NCHW or channels-last (NHWC).
 *
 * <p>On a CPU, PyTorch hands convolutions to oneDNN, whose kernels work on blocked or NHWC data.
 * An NCHW activation is reordered into that layout before every convolution and back after it, in
 * the forward and in both backward directions; with NHWC strides the reorders disappear, and
 * convolution, BatchNorm, ReLU and addition all keep the strides they were given, so one
 * conversion at the network's entrance carries through the whole network and its backward pass.
 * DJL has no memory-format call, so the conversion is composed: transpose to (N, H, W, C),
 * reshape (which copies a non-contiguous view into NHWC order), reshape back and transpose to an
 * (N, C, H, W)-shaped view of that memory. Shapes, parameters and saved models are unchanged;
 * only the order of floating-point sums inside kernels differs, so results agree with NCHW to
 * rounding, not bit for bit (ChannelsLastTest bounds the difference). Measured in
 * docs/RESULTS.md: about a quarter more training throughput on WRN-16-1 and the small CNN.
 *
 * <p>Process-wide, like {@link ComputeDevice}: one process trains in one layout, and the layout
 * is recorded in every run's provenance.
 */
public enum MemoryLayout {
    /** Row-major (N, C, H, W), as tensors are created. */
    NCHW("nchw"),
    /** (N, C, H, W)-shaped, stored as (N, H, W, C). */
    CHANNELS_LAST("channels-last");

    private static volatile MemoryLayout current = CHANNELS_LAST;

    private final String label;

    MemoryLayout(String label) {
        this.label = label;
    }

    /** The layout {@code --memory-layout} names ({@code nchw} or {@code channels-last}). */
    public static MemoryLayout parse(String s) {
        for (MemoryLayout l : values()) {
            if (l.label.equals(s.trim().toLowerCase(Locale.ROOT))) {
                return l;
            }
        }
        throw new IllegalArgumentException("--memory-layout '" + s + "': expected nchw or channels-last");
    }

    /** Makes {@code layout} the one every network uses from now on in this process. */
    public static void use(MemoryLayout layout) {
        current = layout;
    }

    /** The layout in use (channels-last unless {@link #use} chose otherwise). */
    public static MemoryLayout current() {
        return current;
    }

    /** The label of the layout, as {@code --memory-layout} takes it and provenance records it. */
    @Override
    public String toString() {
        return label;
    }

    /** {@code x} in this layout: 4-D image batches are converted, anything else is returned as is. */
    public NDArray arrange(NDArray x) {
        Shape s = x.getShape();
        if (this == NCHW || s.dimension() != 4) {
            return x;
        }
        long n = s.get(0);
        long c = s.get(1);
        long h = s.get(2);
        long w = s.get(3);
        return x.transpose(0, 2, 3, 1).reshape(n, h * w * c).reshape(n, h, w, c).transpose(0, 3, 1, 2);
    }

    /** The first array of {@code inputs} (the image batch) arranged in the current layout. */
    public static NDList arrangeInputs(NDList inputs) {
        MemoryLayout l = current;
        if (l == NCHW || inputs.isEmpty()) {
            return inputs;
        }
        NDList out = new NDList(inputs.size());
        out.add(l.arrange(inputs.get(0)));
        for (int i = 1; i < inputs.size(); i++) {
            out.add(inputs.get(i));
        }
        return out;
    }
}
