package org.cbd4j.defense;

import ai.djl.ndarray.NDArray;

/**
 * CBD's sample re-weighting (docs/METHOD.md §2): the raw weight {@code l_B(i) / (l_B(i) + l_C(i) + 1e-8)}
 * is small for a sample f_B fits easily (typically poisoned). {@link #weights} rescales it to a
 * batch mean of 1 as the paper does; {@link #classBalanced} per class within the batch (cbd4j's
 * former default, {@code --batch-weights}); {@link #epochWeights} and {@link #gated} reference it
 * to the class over the data set (cbd4j's default).
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

    /** Quantile of a class's raw weights that counts as a fully weighted sample. */
    static final double REFERENCE_QUANTILE = 0.9;

    /**
     * cbd4j's default weights for one epoch, fixed before it starts from f_B's loss and f_C's
     * loss of the previous epoch: {@code w_i = min(1, raw_i / q_c)}, where {@code q_c} is the
     * 90th percentile of the raw weights of the sample's label class c over the data set. A
     * sample that f_B fits better than the class's hardest tenth (relative to f_C) loses weight
     * in proportion; no sample's weight exceeds 1.
     *
     * <p>Why not the paper's rescaling to a mean of 1: within one batch, a class present only
     * through poisoned samples is scaled back to a mean of 1 (many classes, small batches); over
     * the whole class, raw weights spanning orders of magnitude (every sample of a class stamped
     * by a clean-label trigger has a tiny l_B) put nearly all of the class's weight on a handful
     * of samples (SIG: CA −15 points). Why the 90th percentile and not the median: with 10 %
     * all-to-one poisoning half of the target class is poisoned, the median sits on the poisoned
     * samples and gives them weights near 1 (measured: the quickstart's ASR rose to 46 %); the
     * 90th percentile is a clean sample as long as fewer than 90 % of a class are poisoned.
     */
    public static float[] epochWeights(float[] lossB, float[] lossC, int[] labels, int numClasses) {
        float[] raw = new float[labels.length];
        for (int i = 0; i < raw.length; i++) {
            raw[i] = lossB[i] / (lossB[i] + lossC[i] + EPS);
        }
        float[] ref = classQuantiles(raw, labels, numClasses, REFERENCE_QUANTILE);
        float[] w = new float[raw.length];
        for (int i = 0; i < w.length; i++) {
            w[i] = Math.min(1f, raw[i] / Math.max(ref[labels[i]], EPS));
        }
        return w;
    }

    /**
     * The gated weights cbd4j uses by default: {@link #epochWeights} for the suspects, 1 for every
     * other sample.
     *
     * <p>Why a gate: CBD's weight feeds back on itself. A sample weighted down is not fitted by
     * f_C, so its l_C stays high and its weight stays low in the next epoch. For poisoned samples
     * that is the point; for the clean samples of a class f_B fits with great confidence after two
     * epochs (Fashion-MNIST's sandals and trousers: median ln l_B about -8) it starves the class.
     * Measured on clean Fashion-MNIST: mean clean weight 0.30 to 0.49, f_C's median loss on sandals
     * stayed at 0.20 against f_B's 0.0003, and CA fell 7 points below the undefended model. What
     * separates poisoned samples is not a small l_B but an l_B that is orders of magnitude below
     * l_C for a minority of the data (the BadNets quickstart: a separate group of 9.6 % at Ashman's
     * D = 5.2), so only that group, and classes found confounded as a whole, are re-weighted.
     *
     * @param suspect per sample: re-weight it
     */
    public static float[] gated(float[] lossB, float[] lossC, int[] labels, int numClasses, boolean[] suspect) {
        float[] w = epochWeights(lossB, lossC, labels, numClasses);
        for (int i = 0; i < w.length; i++) {
            if (!suspect[i]) {
                w[i] = 1f;
            }
        }
        return w;
    }

    /**
     * The suspects of one f_C epoch. When stage 1 named classes ({@code confounded}: classes
     * confounded as a whole and classes whose own losses split off a low minority), every sample
     * labelled with one of them, and nothing else; when it named none, the high group of
     * {@code ln l_C - ln l_B} when it is a separate minority ({@link CbdScores#flagged}). Either
     * way also every sample that was a suspect in an earlier epoch ({@code everSuspect[i] > 0},
     * updated here).
     *
     * <p>Why the named classes alone: the whole-set split also takes in clean samples of easy
     * classes that f_B, trained at a constant rate, fits far better than f_C, and re-weighting
     * them starves those classes. Blend, seed 0: 3,964 clean bags, ankle boots and pullovers in
     * the group, the bags' test accuracy 84.9 % against 96 % undefended (docs/RESULTS.md). With
     * all-to-one poisoning every poisoned sample carries the named target label; the final flags
     * use the same restriction ({@link CbdScores#withinClasses}).
     *
     * <p>Once a suspect, always a suspect: a poisoned sample that f_C starts to fit (its l_C falls,
     * so it leaves the separated group) would otherwise get weight 1 and be learned; measured on
     * generated data, where the group shrank from 923 to 552 and ASR rose from 0 to 40 % over three
     * f_C epochs.
     *
     * @param everSuspect per sample, 1 once it has been a suspect; kept across epochs (and in the
     *     checkpoint) by the caller
     */
    public static boolean[] suspects(float[] lossB, float[] lossC, int[] labels,
            java.util.Collection<Integer> confounded, float[] everSuspect) {
        boolean[] s = confounded.isEmpty() ? CbdScores.flagged(lossB, lossC) : new boolean[labels.length];
        for (int i = 0; i < s.length; i++) {
            s[i] |= confounded.contains(labels[i]) || everSuspect[i] > 0;
            everSuspect[i] = s[i] ? 1f : 0f;
        }
        return s;
    }

    /** Median of {@code values} over the samples of each class (NaN for an empty class). */
    static float[] classMedians(float[] values, int[] labels, int numClasses) {
        return classQuantiles(values, labels, numClasses, 0.5);
    }

    /**
     * The {@code q}-quantile of {@code values} over the samples of each class, interpolated
     * between order statistics (q = 0.5 is the usual median); NaN for an empty class.
     */
    static float[] classQuantiles(float[] values, int[] labels, int numClasses, double q) {
        int[] count = new int[numClasses];
        for (int y : labels) {
            count[y]++;
        }
        float[][] per = new float[numClasses][];
        for (int c = 0; c < numClasses; c++) {
            per[c] = new float[count[c]];
        }
        int[] fill = new int[numClasses];
        for (int i = 0; i < labels.length; i++) {
            per[labels[i]][fill[labels[i]]++] = values[i];
        }
        float[] out = new float[numClasses];
        for (int c = 0; c < numClasses; c++) {
            float[] v = per[c];
            java.util.Arrays.sort(v);
            if (v.length == 0) {
                out[c] = Float.NaN;
                continue;
            }
            double pos = q * (v.length - 1);
            int lo = (int) Math.floor(pos);
            int hi = Math.min(v.length - 1, lo + 1);
            out[c] = (float) (v[lo] + (pos - lo) * (v[hi] - v[lo]));
        }
        return out;
    }

    /** The weights before rescaling, in [0, 1]; 1 - raw is CBD's per-sample suspicion. */
    public static NDArray raw(NDArray lossB, NDArray lossC) {
        return lossB.div(lossB.add(lossC).add(EPS));
    }
}
