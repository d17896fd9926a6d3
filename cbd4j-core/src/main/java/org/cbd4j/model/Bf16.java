package org.cbd4j.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The two bfloat16 operations {@code --precision bf16} needs, as TorchScript functions.
 *
 * <p>Why TorchScript: DJL 0.36's JNI layer has no code for PyTorch's bfloat16 type. Its dtype
 * switch ends in a bare {@code throw;}, so {@code toType(BFLOAT16)} or creating any bfloat16 array
 * aborts the whole JVM ("terminate called without an active exception"). Tensors passed to and
 * returned from a TorchScript module never go through that switch, so the casts live inside
 * scripts ({@code to(x, 15)}: 15 is PyTorch's ScalarType BFloat16, 6 is Float). Once made,
 * bfloat16 tensors flow through DJL's own BatchNorm, ReLU, pooling and addition (none of them
 * names a dtype), which PyTorch computes in bfloat16 with float32 BatchNorm parameters and
 * statistics. Autograd records the scripts' casts, so the backward pass runs in bfloat16 too and
 * hands float32 gradients to the float32 parameters.
 */
final class Bf16 {

    /**
     * Convolutions of {@code x} (float32 or bfloat16) with a float32 weight, in bfloat16, bfloat16
     * out: one function per geometry, with stride, padding, dilation and groups written into its
     * source as constants, so a call passes the two tensors and nothing else.
     */
    private static final Map<String, TorchScriptFunction> CONV2D = new ConcurrentHashMap<>();

    /** Any floating-point tensor to float32. */
    private static final TorchScriptFunction TO_FLOAT32 = new TorchScriptFunction("ToFloat32", String.join("\n",
            "  def forward(self: __torch__.ToFloat32,",
            "    x: Tensor) -> Tensor:",
            "    return torch.to(x, 6)",
            ""));

    private Bf16() {}

    /**
     * The function computing {@code conv2d(x, w)} in bfloat16 for one geometry, bfloat16 out; call
     * it with {@code NDList(x, w)} ({@link TorchScriptFunction#call} records the graph when
     * training). A convolution block fetches its function once: the geometry never changes.
     */
    static TorchScriptFunction conv2d(long[] stride, long[] padding, long[] dilation, int groups) {
        String geometry = String.format(Locale.ROOT, "[%d, %d], [%d, %d], [%d, %d], %d", stride[0], stride[1],
                padding[0], padding[1], dilation[0], dilation[1], groups);
        return CONV2D.computeIfAbsent(geometry, g -> new TorchScriptFunction("Bf16Conv2d", String.join("\n",
                "  def forward(self: __torch__.Bf16Conv2d,",
                "    x: Tensor,",
                "    w: Tensor) -> Tensor:",
                "    return torch.conv2d(torch.to(x, 15), torch.to(w, 15), None, " + g + ")",
                "")));
    }

    /**
     * {@code x} as float32: bfloat16 activations cast back before the float32 head and loss; a
     * float32 array is returned as it is. DJL reports bfloat16 as {@link DataType#UNKNOWN}.
     */
    static NDArray toFloat32(NDArray x, boolean training) {
        if (x.getDataType() == DataType.FLOAT32) {
            return x;
        }
        return TO_FLOAT32.call(new NDList(x), training).singletonOrThrow();
    }
}
