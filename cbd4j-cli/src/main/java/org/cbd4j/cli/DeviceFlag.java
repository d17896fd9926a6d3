package org.cbd4j.cli;

import ai.djl.Device;
import org.cbd4j.model.ComputeDevice;
import picocli.CommandLine.Option;

/**
 * {@code --device}, shared by every command that trains or scores ({@code @Mixin}). Applied before
 * any network is made; a GPU asked for on a machine without one is a one-line usage error.
 */
final class DeviceFlag {

    @Option(names = "--device", paramLabel = "auto|cpu|gpu[:N]", defaultValue = "auto",
            description = "Where networks train: auto (the first GPU the PyTorch engine sees, else the CPU), cpu, "
                    + "gpu or gpu:N. Default: ${DEFAULT-VALUE}.")
    String device = "auto";

    /** Chooses the device for every network made from now on and returns it. */
    Device apply() {
        return ComputeDevice.use(device);
    }
}
