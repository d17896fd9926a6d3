package org.cbd4j.model;

import ai.djl.Device;
import ai.djl.engine.Engine;
import java.util.Locale;

/**
 * Where cbd4j's networks live and train ({@code --device auto|cpu|gpu|gpu:N}).
 *
 * <p>DJL decides a default device once per engine (the first GPU when its native library has CUDA
 * and sees one) and offers no way to change it, so cbd4j keeps its own choice here and every
 * network, critic and generator it creates ({@link Network#create}, {@code MiCritic},
 * {@code InputAware}) is made on it. A batch is created in a sub-manager of its network's manager,
 * so it is copied to that device once, when it is made, and augmentation runs there.
 *
 * <p>The choice is process-wide, as DJL's own default is: one process trains on one device. It is
 * recorded in every run's provenance.
 */
public final class ComputeDevice {

    /** The values {@code --device} accepts, for help texts. */
    public static final String VALUES = "auto, cpu, gpu or gpu:N";

    /** How often the training loop reads a batch's loss back to the host on a GPU (on a CPU: every batch). */
    public static final int GPU_READ_EVERY = 20;

    private static volatile Device chosen;

    private ComputeDevice() {}

    /**
     * The device {@code spec} names, given how many GPUs the engine sees: {@code auto} is the first
     * GPU if there is one, else the CPU; {@code gpu} is {@code gpu:0}.
     *
     * @throws IllegalArgumentException naming the value and what is available
     */
    public static Device parse(String spec, int gpuCount) {
        String s = spec == null ? "" : spec.trim().toLowerCase(Locale.ROOT);
        if (s.equals("auto")) {
            return gpuCount > 0 ? Device.gpu(0) : Device.cpu();
        }
        if (s.equals("cpu")) {
            return Device.cpu();
        }
        if (s.equals("gpu") || s.startsWith("gpu:")) {
            int id;
            try {
                id = s.equals("gpu") ? 0 : Integer.parseInt(s.substring(4));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--device '" + spec + "': expected " + VALUES);
            }
            if (id < 0) {
                throw new IllegalArgumentException("--device '" + spec + "': a GPU number is 0 or more");
            }
            if (gpuCount == 0) {
                throw new IllegalArgumentException("--device " + spec + ": the PyTorch engine sees no GPU on this machine"
                        + " (CPU-only native library, no CUDA driver, or no device); use --device cpu or auto");
            }
            if (id >= gpuCount) {
                throw new IllegalArgumentException("--device " + spec + ": the PyTorch engine sees " + gpuCount
                        + " GPU(s), numbered 0 to " + (gpuCount - 1));
            }
            return Device.gpu(id);
        }
        throw new IllegalArgumentException("--device '" + spec + "': expected " + VALUES);
    }

    /** Chooses the device {@code spec} names on this machine, for every network made from now on. */
    public static Device use(String spec) {
        Device d = parse(spec, gpuCount());
        chosen = d;
        return d;
    }

    /** Makes networks on {@code device} from now on ({@code null}: back to DJL's default). */
    public static void use(Device device) {
        chosen = device;
    }

    /** The device networks are made on: the chosen one, else DJL's default. */
    public static Device current() {
        Device d = chosen;
        return d != null ? d : Engine.getInstance().defaultDevice();
    }

    /** Whether networks are made on a GPU. */
    public static boolean onGpu() {
        return current().isGpu();
    }

    /**
     * Every how many batches the loop reads the loss to the host: 1 on a CPU (the read is free),
     * {@link #GPU_READ_EVERY} on a GPU (each read waits for the device to finish its queue).
     */
    public static int lossReadInterval() {
        return onGpu() ? GPU_READ_EVERY : 1;
    }

    private static int gpuCount() {
        try {
            return Engine.getInstance().getGpuCount();
        } catch (RuntimeException | UnsatisfiedLinkError e) {
            return 0; // a native library that cannot even count devices has none to offer
        }
    }
}
