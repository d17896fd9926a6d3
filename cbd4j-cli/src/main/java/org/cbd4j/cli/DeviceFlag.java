package org.cbd4j.cli;

import ai.djl.Device;
import org.cbd4j.model.ComputeDevice;
import org.cbd4j.model.MemoryLayout;
import org.cbd4j.model.Precision;
import org.cbd4j.report.Machine;
import picocli.CommandLine.Option;

/**
 * {@code --device}, {@code --memory-layout} and {@code --precision}, shared by every command that
 * trains or scores ({@code @Mixin}): where, in which memory layout and in which number format the
 * networks compute, not what they compute. Applied before any network is made; a GPU asked for on
 * a machine without one, or bf16 on a CPU without bf16 instructions, is a one-line usage error.
 */
final class DeviceFlag {

    @Option(names = "--device", paramLabel = "auto|cpu|gpu[:N]", defaultValue = "auto",
            description = "Where networks train: auto (the first GPU the PyTorch engine sees, else the CPU), cpu, "
                    + "gpu or gpu:N. Default: ${DEFAULT-VALUE}.")
    String device = "auto";

    @Option(names = "--memory-layout", paramLabel = "channels-last|nchw", defaultValue = "channels-last",
            description = "How image batches sit in memory inside the networks: channels-last (NHWC strides, about a "
                    + "quarter faster on CPUs) or nchw; results agree to rounding. Default: ${DEFAULT-VALUE}.")
    String memoryLayout = "channels-last";

    @Option(names = "--precision", paramLabel = "fp32|bf16", defaultValue = "fp32",
            description = "Number format of the networks' layers: fp32, or bf16 (mixed precision: convolutions and "
                    + "activations in bfloat16, parameters, optimiser, head and loss in float32; needs a CPU with "
                    + "AVX512-BF16 or AMX-BF16, or a GPU). Default: ${DEFAULT-VALUE}.")
    String precision = "fp32";

    /** Chooses the device, layout and precision for every network made from now on and returns the device. */
    Device apply() {
        MemoryLayout.use(MemoryLayout.parse(memoryLayout));
        Precision p = Precision.parse(precision);
        Device d = ComputeDevice.use(device);
        Machine m = Machine.current();
        Precision.use(p, d, m.hasBf16(), m.cpuModel());
        return d;
    }
}
