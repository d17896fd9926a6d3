package org.cbd4j.attack;

/**
 * The parameters of individual attacks (docs/METHOD.md §3), with their defaults; each attack reads its own.
 *
 * @param blendAlpha Blend: weight a of the pattern in x' = (1-a) x + a P, in (0, 1]
 * @param blendPattern Blend: an image file used as P (resized to the images), or null for seeded noise
 * @param sigDelta SIG: amplitude of the sinusoid in pixel values (0..255 scale)
 * @param sigFrequency SIG: number of periods across the image width
 * @param wanetK WaNet: side of the k x k control grid of the warp
 * @param wanetS WaNet: strength s of the warp
 * @param wanetGridRescale WaNet: factor applied to the warped grid before clamping
 * @param wanetCrossRatio WaNet: noise-warped samples (labels kept) per backdoor sample
 * @param helperModel Trojan and LC: architecture of the model trained on the clean data
 * @param helperEpochs Trojan and LC: epochs of that model
 * @param trojanSize Trojan: side of the square trigger mask in the bottom-right corner (0: a fifth of the image side, at least 3)
 * @param trojanSteps Trojan: sign-gradient steps of the trigger optimisation
 * @param lcEps LC: L-infinity bound of the PGD perturbation, in pixel values (8 = 8/255)
 * @param lcStep LC: PGD step, in pixel values
 * @param lcSteps LC: PGD steps
 */
public record AttackOptions(
        double blendAlpha,
        String blendPattern,
        double sigDelta,
        double sigFrequency,
        int wanetK,
        double wanetS,
        double wanetGridRescale,
        double wanetCrossRatio,
        String helperModel,
        int helperEpochs,
        int trojanSize,
        int trojanSteps,
        double lcEps,
        double lcStep,
        int lcSteps) {

    public static final AttackOptions DEFAULTS =
            new AttackOptions(0.2, null, 40, 6, 4, 0.5, 1, 2, "small-cnn", 5, 0, 100, 8, 1.5, 100);

    /** Checks every range; messages name the flag. */
    public AttackOptions validate() {
        check(blendAlpha > 0 && blendAlpha <= 1, "--blend-alpha must be in (0, 1], got " + blendAlpha);
        check(sigDelta > 0 && sigDelta <= 255, "--sig-delta must be in (0, 255], got " + sigDelta);
        check(sigFrequency > 0 && sigFrequency <= 1000, "--sig-frequency must be in (0, 1000], got " + sigFrequency);
        check(wanetK >= 2 && wanetK <= 64, "--wanet-k must be in 2..64, got " + wanetK);
        check(wanetS >= 0 && wanetS <= 100, "--wanet-s must be in [0, 100], got " + wanetS);
        check(wanetGridRescale > 0 && wanetGridRescale <= 10, "--wanet-grid-rescale must be in (0, 10], got " + wanetGridRescale);
        check(wanetCrossRatio >= 0 && wanetCrossRatio <= 10, "--wanet-cross-ratio must be in [0, 10], got " + wanetCrossRatio);
        org.cbd4j.model.Models.validate(helperModel);
        check(helperEpochs >= 1 && helperEpochs <= 1000, "--helper-epochs must be in 1..1000, got " + helperEpochs);
        check(trojanSize >= 0 && trojanSize <= 512, "--trojan-size must be in 0..512, got " + trojanSize);
        check(trojanSteps >= 1 && trojanSteps <= 100_000, "--trojan-steps must be in 1..100000, got " + trojanSteps);
        check(lcEps > 0 && lcEps <= 255, "--lc-eps must be in (0, 255], got " + lcEps);
        check(lcStep > 0 && lcStep <= 255, "--lc-step must be in (0, 255], got " + lcStep);
        check(lcSteps >= 1 && lcSteps <= 100_000, "--lc-steps must be in 1..100000, got " + lcSteps);
        return this;
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
