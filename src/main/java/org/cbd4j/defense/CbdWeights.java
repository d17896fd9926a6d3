package org.cbd4j.defense;

import ai.djl.ndarray.NDArray;

/**
 * CBD's sample re-weighting (SPEC §2): {@code w_i = l_B(i) / (l_B(i) + l_C(i) + 1e-8)}, rescaled
 * so the batch's weights average to 1. A sample f_B fits easily (small l_B, typically poisoned)
 * gets a small weight.
 */
public final class CbdWeights {

    static final float EPS = 1e-8f;

    private CbdWeights() {}

    /** Batch weights from per-sample losses of f_B and f_C (both treated as constants). */
    public static NDArray weights(NDArray lossB, NDArray lossC) {
        NDArray w = raw(lossB, lossC);
        long n = w.getShape().get(0);
        return w.mul((float) n).div(w.sum().add(EPS));
    }

    /** The weights before rescaling, in [0, 1]; 1 - raw is CBD's per-sample suspicion. */
    public static NDArray raw(NDArray lossB, NDArray lossC) {
        return lossB.div(lossB.add(lossC).add(EPS));
    }
}
