package org.cbd4j.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.util.Map;
import java.util.TreeMap;

/**
 * Binary (de)serialisation of training state for checkpoints: a block's parameters (restored in
 * place, so arrays keep their identity and gradient flag) and named float arrays such as optimiser
 * buffers.
 */
public final class StateIo {

    private StateIo() {}

    /** Writes every parameter (trainable or not, e.g. BatchNorm statistics) with name and shape. */
    public static void writeParameters(Block block, DataOutputStream out) throws IOException {
        out.writeInt(block.getParameters().size());
        for (Pair<String, Parameter> p : block.getParameters()) {
            out.writeUTF(p.getKey());
            writeArray(p.getValue().getArray(), out);
        }
    }

    /** Restores parameters written by {@link #writeParameters} into the same architecture. */
    public static void readParameters(Block block, DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n != block.getParameters().size()) {
            throw new IOException("checkpoint has " + n + " parameters, the model " + block.getParameters().size());
        }
        for (Pair<String, Parameter> p : block.getParameters()) {
            String name = in.readUTF();
            if (!name.equals(p.getKey())) {
                throw new IOException("checkpoint parameter " + name + " where the model has " + p.getKey());
            }
            NDArray w = p.getValue().getArray();
            long[] shape = readShape(in);
            if (!new Shape(shape).equals(w.getShape())) {
                throw new IOException("checkpoint shape " + new Shape(shape) + " for " + name + ", model " + w.getShape());
            }
            w.set(FloatBuffer.wrap(readFloats(in)));
        }
    }

    /** Writes named arrays in name order. */
    public static void writeArrays(Map<String, NDArray> arrays, DataOutputStream out) throws IOException {
        Map<String, NDArray> sorted = new TreeMap<>(arrays);
        out.writeInt(sorted.size());
        for (Map.Entry<String, NDArray> e : sorted.entrySet()) {
            out.writeUTF(e.getKey());
            writeArray(e.getValue(), out);
        }
    }

    /** Reads named arrays into {@code manager}. */
    public static Map<String, NDArray> readArrays(NDManager manager, DataInputStream in) throws IOException {
        int n = in.readInt();
        Map<String, NDArray> out = new TreeMap<>();
        for (int i = 0; i < n; i++) {
            String name = in.readUTF();
            long[] shape = readShape(in);
            out.put(name, manager.create(readFloats(in), new Shape(shape)));
        }
        return out;
    }

    static void writeArray(NDArray a, DataOutputStream out) throws IOException {
        long[] shape = a.getShape().getShape();
        out.writeInt(shape.length);
        for (long s : shape) {
            out.writeLong(s);
        }
        float[] data = a.toFloatArray();
        out.writeInt(data.length);
        for (float f : data) {
            out.writeFloat(f);
        }
    }

    static long[] readShape(DataInputStream in) throws IOException {
        int dims = in.readInt();
        if (dims < 0 || dims > 8) {
            throw new IOException("corrupt checkpoint: " + dims + " dimensions");
        }
        long[] shape = new long[dims];
        for (int i = 0; i < dims; i++) {
            shape[i] = in.readLong();
        }
        return shape;
    }

    static float[] readFloats(DataInputStream in) throws IOException {
        return readFloatsOfLength(in, in.readInt());
    }

    static float[] readFloatsOfLength(DataInputStream in, int n) throws IOException {
        if (n < 0 || n > 1 << 28) {
            throw new IOException("corrupt checkpoint: array of " + n + " floats");
        }
        float[] data = new float[n];
        for (int i = 0; i < n; i++) {
            data[i] = in.readFloat();
        }
        return data;
    }
}
