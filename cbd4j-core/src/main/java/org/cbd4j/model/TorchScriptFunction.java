package org.cbd4j.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValue;
import ai.djl.pytorch.jni.IValueUtils;
import ai.djl.pytorch.jni.JniUtils;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * A tensor function written as TorchScript source, run by DJL's PyTorch engine with autograd.
 *
 * <p>For the few PyTorch operations DJL 0.36 cannot express through its own NDArray calls (see
 * {@link Bf16}). The source is packed into TorchScript's archive format in memory, exactly what
 * {@code torch.jit.save} writes for a parameter-free module: a zip of {@code code/__torch__.py}
 * (the class), {@code data.pkl} (the module object, pickle protocol 2: an instance with
 * {@code training = True}), {@code constants.pkl} (an empty tuple) and {@code version} (3). So no
 * binary file ships with cbd4j and no Python is needed to make one. The module is loaded once per
 * device and process; it holds no parameters, so concurrent calls are safe.
 */
public final class TorchScriptFunction {

    private final String className;
    private final String code;
    private final Map<Device, PtSymbolBlock> loaded = new ConcurrentHashMap<>();

    /**
     * @param className the module class the source declares
     * @param forwardBody the typed {@code forward} definition (its {@code def} line and body,
     *     indented by two spaces as a method of the class)
     */
    public TorchScriptFunction(String className, String forwardBody) {
        this.className = className;
        this.code = "class " + className + "(Module):\n"
                + "  __parameters__ = []\n"
                + "  __buffers__ = []\n"
                + "  training : bool\n"
                + forwardBody;
    }

    /**
     * Runs {@code forward} on {@code inputs} (on the first input's device; outputs join its
     * manager), recording the graph when {@code training} or when a gradient collector is open,
     * as DJL's own operators do: the trigger inversion differentiates through f_B in inference
     * mode. (Run as inference, the call yields PyTorch inference tensors, which autograd refuses
     * to save for the backward pass.)
     */
    NDList call(NDList inputs, boolean training) {
        return IValueUtils.forward(module(inputs.get(0).getDevice()), inputs, training || JniUtils.isGradMode());
    }

    /**
     * Runs {@code forward} on TorchScript values (lists, numbers) on {@code device}, without
     * recording a graph, for a function that works in place and returns nothing of use; its
     * result is released.
     */
    public void run(Device device, IValue... args) {
        module(device).forward(args).close();
    }

    private PtSymbolBlock module(Device device) {
        return loaded.computeIfAbsent(device, d -> {
            // Never closed: the module lives as long as the process, like the engine itself.
            NDManager manager = NDManager.newBaseManager(d);
            try {
                return JniUtils.loadModule((PtNDManager) manager, new ByteArrayInputStream(archive()), true, false);
            } catch (IOException e) {
                throw new UncheckedIOException("loading the TorchScript module " + className, e);
            }
        });
    }

    /** The TorchScript archive of the module. */
    byte[] archive() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            put(zip, "data.pkl", modulePickle());
            put(zip, "code/__torch__.py", code.getBytes(StandardCharsets.UTF_8));
            put(zip, "constants.pkl", new byte[] {(byte) 0x80, 2, ')', '.'});
            put(zip, "version", "3\n".getBytes(StandardCharsets.US_ASCII));
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
        }
        return bytes.toByteArray();
    }

    /** PROTO 2, GLOBAL __torch__ CLASS, EMPTY_TUPLE, NEWOBJ, EMPTY_DICT, "training", NEWTRUE, SETITEM, BUILD, STOP. */
    private byte[] modulePickle() {
        ByteArrayOutputStream p = new ByteArrayOutputStream();
        p.write(0x80);
        p.write(2);
        p.writeBytes(("c__torch__\n" + className + "\n").getBytes(StandardCharsets.US_ASCII));
        p.write(')');
        p.write(0x81);
        p.write('}');
        byte[] key = "training".getBytes(StandardCharsets.US_ASCII);
        p.write('X'); // BINUNICODE: 4-byte little-endian length, then UTF-8
        p.write(key.length);
        p.write(0);
        p.write(0);
        p.write(0);
        p.writeBytes(key);
        p.write(0x88);
        p.write('s');
        p.write('b');
        p.write('.');
        return p.toByteArray();
    }

    private void put(ZipOutputStream zip, String name, byte[] data) throws IOException {
        zip.putNextEntry(new ZipEntry(className.toLowerCase(java.util.Locale.ROOT) + "/" + name));
        zip.write(data);
        zip.closeEntry();
    }
}
