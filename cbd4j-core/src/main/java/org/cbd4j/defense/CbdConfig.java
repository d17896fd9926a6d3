package org.cbd4j.defense;

/**
 * CBD's own options (docs/METHOD.md §2 reference values in brackets).
 *
 * @param fbEpochs epochs of stage 1, f_B trained with plain cross-entropy, or {@link #AUTO} [5 in
 *     the paper; auto in cbd4j]
 * @param mutualInformation whether the MI critic term is used [on; off in the reference code]
 * @param reweight whether the l_B / (l_B + l_C) sample weights are used [on]
 * @param lambda weight of the MI term, with the 0.01 factor inside the estimate [1]
 * @param criticLr Adam learning rate of the critic, x0.1 every 20 % of the epochs [0.2]
 * @param paperWeighting weights exactly as the paper: l_B on the augmented batch, rescaled over
 *     the whole batch. Off (cbd4j's default): l_B of the un-augmented sample, computed once after
 *     stage 1, and referenced to its label class over the data set, see {@link CbdWeights#epochWeights}
 * @param options cbd4j's further options
 */
public record CbdConfig(
        int fbEpochs, boolean mutualInformation, boolean reweight, float lambda, float criticLr, boolean paperWeighting,
        CbdOptions options) {

    /** {@code fbEpochs} value meaning: decide the length of stage 1 from f_B's losses ({@link FbCapture}). */
    public static final int AUTO = 0;

    public CbdConfig {
        options = options == null ? CbdOptions.DEFAULTS : options;
    }

    /** cbd4j's defaults: full CBD (both ingredients), automatic T_B, the intervention on. */
    public static CbdConfig defaults() {
        return new CbdConfig(AUTO, true, true, 1f, 0.2f, false, CbdOptions.DEFAULTS);
    }

    /** Whether stage 1 stops by {@link FbCapture} rather than after a fixed number of epochs. */
    public boolean autoFbEpochs() {
        return fbEpochs == AUTO;
    }

    /** The same configuration with the sample weights switched on or off. */
    public CbdConfig withReweight(boolean on) {
        return new CbdConfig(fbEpochs, mutualInformation, on, lambda, criticLr, paperWeighting, options);
    }

    /** Names the first invalid field. */
    public CbdConfig validate() {
        if (fbEpochs < 0) {
            throw new IllegalArgumentException("--fb-epochs must be 'auto' or at least 1, got " + fbEpochs);
        }
        if (!(lambda >= 0) || Float.isInfinite(lambda)) {
            throw new IllegalArgumentException("--mi-lambda must be >= 0, got " + lambda);
        }
        if (!(criticLr > 0)) {
            throw new IllegalArgumentException("--critic-lr must be > 0, got " + criticLr);
        }
        options.validate();
        return this;
    }
}
