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

    /**
     * cbd4j's class-balanced variant: the same raw weights, rescaled so that the samples of each
     * label class in the batch keep their class's share of the total weight (mean 1 within every
     * class present). Comparing l_B across classes confuses "easy class" with "confounded": on
     * Fashion-MNIST f_B fits clean trousers and ankle boots as well as the triggered images, and
     * the paper's batch-wide rescaling starves those classes (measured, docs/RESULTS.md). Within a
     * class the poisoned samples still get a tiny share.
     *
     * @param onehot (N, K) one-hot labels
     */
    public static NDArray classBalanced(NDArray lossB, NDArray lossC, NDArray onehot) {
        NDArray w = raw(lossB, lossC);
        NDArray classSum = onehot.transpose().matMul(w.expandDims(1)).squeeze(1);
        NDArray classCount = onehot.sum(new int[] {0});
        NDArray factor = classCount.div(classSum.add(EPS));
        return w.mul(onehot.matMul(factor.expandDims(1)).squeeze(1));
    }

    /** The weights before rescaling, in [0, 1]; 1 - raw is CBD's per-sample suspicion. */
    public static NDArray raw(NDArray lossB, NDArray lossC) {
        return lossB.div(lossB.add(lossC).add(EPS));
    }
}
