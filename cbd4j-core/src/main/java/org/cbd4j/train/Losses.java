package org.cbd4j.train;

import ai.djl.ndarray.NDArray;

/**
 * Per-sample losses computed from logits. DJL's {@code softmaxCrossEntropyLoss} averages over the
 * batch and rejects two-output models; CBD needs one loss per sample to weight it.
 */
public final class Losses {

    private Losses() {}

    /** Cross-entropy of each row of {@code logits} (N, K) against int64 labels (N). */
    public static NDArray perSampleCrossEntropy(NDArray logits, NDArray labels) {
        NDArray logp = logits.logSoftmax(1);
        NDArray onehot = labels.oneHot((int) logits.getShape().get(1));
        return logp.mul(onehot).sum(new int[] {1}).neg();
    }
}
