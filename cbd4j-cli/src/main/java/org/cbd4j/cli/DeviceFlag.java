package org.cbd4j.cli;

import ai.djl.Device;
import org.cbd4j.model.ComputeDevice;
import org.cbd4j.model.MemoryLayout;
import picocli.CommandLine.Option;

/**
 * {@code --device} and {@code --memory-layout}, shared by every command that trains or scores
 * ({@code @Mixin}): where and in which memory layout the networks compute, not what they compute.
 * Applied before any network is made; a GPU asked for on a machine without one is a one-line usage
 * error.
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

    /** Chooses the device and layout for every network made from now on and returns the device. */
    Device apply() {
        MemoryLayout.use(MemoryLayout.parse(memoryLayout));
        return ComputeDevice.use(device);
    }
}
