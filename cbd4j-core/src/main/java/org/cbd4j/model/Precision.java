package org.cbd4j.model;

import ai.djl.Device;
import java.util.Locale;

/**
 * The number format convolutions compute in ({@code --precision fp32|bf16}).
 *
 * <p>{@code bf16} is mixed precision in the style of PyTorch's CPU autocast: parameters,
 * optimiser state, gradients, BatchNorm's parameters and running statistics, the head and the loss
 * stay float32 (the "master" copy the optimiser updates); each convolution casts its input and
 * weight to bfloat16 and returns bfloat16, which BatchNorm, ReLU, pooling and the residual
 * additions keep, until the embedding is cast back to float32 before the head (see {@link Bf16}).
 * The casts are ordinary differentiable ops, so the backward pass runs in bfloat16 as well and
 * hands float32 gradients to the parameters. bfloat16 keeps float32's exponent range, so unlike float16 it needs no loss scaling;
 * it keeps 8 bits of mantissa, so sums inside a convolution are rounded more coarsely and results
 * differ from fp32 by more than rounding noise (docs/RESULTS.md measures how much on the quickstart).
 *
 * <p>Worth it only where the hardware computes bfloat16 natively: on a CPU with AVX512-BF16 or
 * AMX-BF16 oneDNN has bf16 kernels; elsewhere bf16 is emulated and slower than fp32, so
 * {@link #use} refuses it. On a GPU it needs an Ampere-class card or newer (untested here).
 *
 * <p>Process-wide, like {@link MemoryLayout}, and recorded in every run's provenance.
 */
public enum Precision {
    /** Everything in float32. */
    FP32("fp32"),
    /** Convolutions and activations in bfloat16, parameters, head and loss in float32. */
    BF16("bf16");

    private static volatile Precision current = FP32;

    private final String label;

    Precision(String label) {
        this.label = label;
    }

    /** The precision {@code --precision} names ({@code fp32} or {@code bf16}). */
    public static Precision parse(String s) {
        for (Precision p : values()) {
            if (p.label.equals(s.trim().toLowerCase(Locale.ROOT))) {
                return p;
            }
        }
        throw new IllegalArgumentException("--precision '" + s + "': expected fp32 or bf16");
    }

    /**
     * Makes {@code precision} the one every convolution uses from now on, on {@code device}.
     *
     * @param cpuHasBf16 whether this machine's CPU computes bfloat16 natively (AVX512-BF16 or AMX-BF16)
     * @param cpuModel named in the refusal
     * @throws IllegalArgumentException for bf16 on a CPU without native bfloat16
     */
    public static void use(Precision precision, Device device, boolean cpuHasBf16, String cpuModel) {
        if (precision == BF16 && !device.isGpu() && !cpuHasBf16) {
            throw new IllegalArgumentException("--precision bf16: this CPU (" + cpuModel + ") has neither AVX512-BF16"
                    + " nor AMX-BF16, so bfloat16 would be emulated and slower than fp32; use --precision fp32");
        }
        current = precision;
    }

    /** Sets the precision without the hardware check (tests, and callers that checked already). */
    public static void use(Precision precision) {
        current = precision;
    }

    /** The precision in use (fp32 unless {@link #use} chose otherwise). */
    public static Precision current() {
        return current;
    }

    /** The label {@code --precision} takes and provenance records. */
    @Override
    public String toString() {
        return label;
    }
}
