package org.cbd4j.defense;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.util.HashMap;
import java.util.Map;

/**
 * Keeps the critic Lipschitz: after every critic step each weight matrix W is divided by its
 * largest singular value, estimated by power iteration (5 iterations, warm-started from the
 * previous call's vector as in Miyato et al.; the very first call runs 50 so the critic starts
 * normalised).
 *
 * <p>cbd4j divides by sigma itself and leaves bias vectors alone; the reference code divides by
 * sqrt(sigma) and also rescales biases, which does not bound the Lipschitz constant by 1.
 *
 * @see <a href="https://arxiv.org/abs/1802.05957">Miyato et al., Spectral Normalization for GANs</a>
 */
public final class SpectralNorm {

    static final int COLD_START_ITERATIONS = 50;

    private final int iterations;
    /** Warm-start vectors kept on the weights' device between calls (read to the host only for checkpoints). */
    private final Map<String, NDArray> leftVectors = new HashMap<>();
    /** Vectors restored from a checkpoint, moved to the device at their first use. */
    private final Map<String, float[]> restored = new HashMap<>();

    public SpectralNorm(int iterations) {
        this.iterations = iterations;
    }

    /**
     * Normalises every 2-D weight of {@code block} in place (call outside any gradient collector).
     * Nothing is read back to the host: sigma divides the weight as a device scalar, replaced by 1
     * when it is not positive and finite, so a GPU is never made to wait here.
     */
    public void apply(Block block) {
        for (Pair<String, Parameter> p : block.getParameters()) {
            NDArray w = p.getValue().getArray();
            if (w.getShape().dimension() != 2) {
                continue;
            }
            try (NDManager scope = w.getManager().newSubManager()) {
                // Work on a copy owned by the scope so every temporary is freed with it.
                NDArray ws = w.duplicate();
                ws.attach(scope);
                NDArray start = start(p.getKey(), w.getManager());
                NDArray u = start != null ? start : scope.randomNormal(new Shape(ws.getShape().get(0)));
                NDArray v = null;
                // A cold start needs more iterations to converge; warm starts then track the drift.
                int iters = start == null ? Math.max(iterations, COLD_START_ITERATIONS) : iterations;
                for (int i = 0; i < iters; i++) {
                    v = normalise(ws.transpose().matMul(u.expandDims(1)).squeeze(1));
                    u = normalise(ws.matMul(v.expandDims(1)).squeeze(1));
                }
                NDArray sigma = u.dot(ws.matMul(v.expandDims(1)).squeeze(1));
                // 0 < sigma < inf is false for NaN too: such a sigma divides by 1, i.e. not at all.
                NDArray usable = sigma.gt(0).logicalAnd(sigma.lt(Float.POSITIVE_INFINITY));
                w.divi(ai.djl.ndarray.NDArrays.where(usable, sigma, scope.ones(sigma.getShape())));
                u.attach(w.getManager());
                NDArray previous = leftVectors.put(p.getKey(), u);
                if (previous != null && previous != u) {
                    previous.close();
                }
            }
        }
    }

    /** The warm-start vector of {@code key} on the device, or null before its first call. */
    private NDArray start(String key, NDManager device) {
        float[] r = restored.remove(key);
        if (r != null) {
            NDArray u = device.create(r);
            NDArray previous = leftVectors.put(key, u);
            if (previous != null) {
                previous.close();
            }
        }
        return leftVectors.get(key);
    }

    /** The warm-start vectors, for checkpoints. */
    public Map<String, float[]> vectors() {
        Map<String, float[]> out = new HashMap<>(restored);
        leftVectors.forEach((k, u) -> out.putIfAbsent(k, u.toFloatArray()));
        return out;
    }

    /** Restores warm-start vectors from a checkpoint. */
    public void restore(Map<String, float[]> vectors) {
        leftVectors.values().forEach(NDArray::close);
        leftVectors.clear();
        restored.clear();
        restored.putAll(vectors);
    }

    /** Largest singular value estimate of a matrix, by {@code iters} power iterations (for tests). */
    public static float largestSingularValue(NDArray w, int iters) {
        try (NDManager scope = w.getManager().newSubManager()) {
            NDArray v = scope.ones(new Shape(w.getShape().get(1)));
            NDArray wCopy = w.duplicate();
            wCopy.attach(scope);
            for (int i = 0; i < iters; i++) {
                v = normalise(wCopy.transpose().matMul(wCopy.matMul(v.expandDims(1))).squeeze(1));
            }
            return (float) wCopy.matMul(v.expandDims(1)).norm().getFloat();
        }
    }

    private static NDArray normalise(NDArray x) {
        return x.div(x.norm().add(1e-12f));
    }
}
