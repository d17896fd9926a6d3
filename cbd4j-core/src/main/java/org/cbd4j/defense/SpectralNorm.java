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
    private final Map<String, float[]> leftVectors = new HashMap<>();

    public SpectralNorm(int iterations) {
        this.iterations = iterations;
    }

    /** Normalises every 2-D weight of {@code block} in place (call outside any gradient collector). */
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
                float[] start = leftVectors.get(p.getKey());
                NDArray u = start != null ? scope.create(start) : scope.randomNormal(new Shape(ws.getShape().get(0)));
                NDArray v = null;
                // A cold start needs more iterations to converge; warm starts then track the drift.
                int iters = start == null ? Math.max(iterations, COLD_START_ITERATIONS) : iterations;
                for (int i = 0; i < iters; i++) {
                    v = normalise(ws.transpose().matMul(u.expandDims(1)).squeeze(1));
                    u = normalise(ws.matMul(v.expandDims(1)).squeeze(1));
                }
                float sigma = u.dot(ws.matMul(v.expandDims(1)).squeeze(1)).getFloat();
                leftVectors.put(p.getKey(), u.toFloatArray());
                if (sigma > 0 && Float.isFinite(sigma)) {
                    w.divi(sigma);
                }
            }
        }
    }

    /** The warm-start vectors, for checkpoints. */
    public Map<String, float[]> vectors() {
        return new HashMap<>(leftVectors);
    }

    /** Restores warm-start vectors from a checkpoint. */
    public void restore(Map<String, float[]> vectors) {
        leftVectors.clear();
        leftVectors.putAll(vectors);
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
