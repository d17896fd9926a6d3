package org.cbd4j.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import java.io.DataInputStream;
import java.io.IOException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Everything a defense must checkpoint to continue exactly: named networks, their optimisers'
 * state, and named float vectors (e.g. spectral-norm power-iteration vectors). Learning-rate
 * positions and RNG states need no saving: both are functions of the epoch (see {@link Seeds}).
 */
public final class TrainingState {

    private record Opt(OptimizerState optimizer, NDManager manager) {}

    private record Vectors(Supplier<Map<String, float[]>> get, Consumer<Map<String, float[]>> set) {}

    private final Map<String, Block> blocks = new LinkedHashMap<>();
    private final Map<String, Opt> optimizers = new LinkedHashMap<>();
    private final Map<String, Vectors> vectors = new LinkedHashMap<>();

    /** Adds a network's parameters. */
    public TrainingState block(String name, Block block) {
        blocks.put(name, block);
        return this;
    }

    /** Adds an optimiser; restored arrays are attached to {@code manager} (its network's). */
    public TrainingState optimizer(String name, OptimizerState optimizer, NDManager manager) {
        optimizers.put(name, new Opt(optimizer, manager));
        return this;
    }

    /** Adds named float vectors read by {@code get} and written back by {@code set}. */
    public TrainingState vectors(String name, Supplier<Map<String, float[]>> get, Consumer<Map<String, float[]>> set) {
        vectors.put(name, new Vectors(get, set));
        return this;
    }

    /** The checkpoint parts, one per network, optimiser and vector group. */
    public Map<String, Checkpoints.Part> parts() {
        Map<String, Checkpoints.Part> parts = new LinkedHashMap<>();
        blocks.forEach((name, b) -> parts.put("net-" + name, out -> StateIo.writeParameters(b, out)));
        optimizers.forEach((name, o) -> parts.put("opt-" + name, out -> {
            StateIo.writeArrays(o.optimizer().state(), out);
            Map<String, Integer> c = o.optimizer().counters();
            out.writeInt(c.size());
            for (Map.Entry<String, Integer> e : c.entrySet()) {
                out.writeUTF(e.getKey());
                out.writeInt(e.getValue());
            }
        }));
        vectors.forEach((name, v) -> parts.put("vec-" + name, out -> {
            Map<String, float[]> m = v.get().get();
            out.writeInt(m.size());
            for (Map.Entry<String, float[]> e : m.entrySet()) {
                out.writeUTF(e.getKey());
                out.writeInt(e.getValue().length);
                for (float f : e.getValue()) {
                    out.writeFloat(f);
                }
            }
        }));
        return parts;
    }

    /** Restores every registered item from a checkpoint. */
    public void restore(Checkpoints.Checkpoint c) throws IOException {
        for (Map.Entry<String, Block> e : blocks.entrySet()) {
            try (DataInputStream in = c.open("net-" + e.getKey())) {
                StateIo.readParameters(e.getValue(), in);
            }
        }
        for (Map.Entry<String, Opt> e : optimizers.entrySet()) {
            try (DataInputStream in = c.open("opt-" + e.getKey())) {
                Map<String, NDArray> arrays = StateIo.readArrays(e.getValue().manager(), in);
                int n = in.readInt();
                Map<String, Integer> counters = new HashMap<>();
                for (int i = 0; i < n; i++) {
                    counters.put(in.readUTF(), in.readInt());
                }
                e.getValue().optimizer().restore(arrays, counters);
            }
        }
        for (Map.Entry<String, Vectors> e : vectors.entrySet()) {
            if (!c.has("vec-" + e.getKey())) {
                continue; // a vector group added after the checkpoint was written keeps its initial values
            }
            try (DataInputStream in = c.open("vec-" + e.getKey())) {
                int n = in.readInt();
                Map<String, float[]> m = new HashMap<>();
                for (int i = 0; i < n; i++) {
                    String k = in.readUTF();
                    m.put(k, StateIo.readFloatsOfLength(in, in.readInt()));
                }
                e.getValue().set().accept(m);
            }
        }
    }
}
