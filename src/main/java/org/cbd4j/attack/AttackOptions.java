package org.cbd4j.attack;

/**
 * The parameters of individual attacks (SPEC §3), with their defaults; each attack reads its own.
 *
 * @param blendAlpha Blend: weight a of the pattern in x' = (1-a) x + a P, in (0, 1]
 * @param blendPattern Blend: an image file used as P (resized to the images), or null for seeded noise
 * @param sigDelta SIG: amplitude of the sinusoid in pixel values (0..255 scale)
 * @param sigFrequency SIG: number of periods across the image width
 * @param wanetK WaNet: side of the k x k control grid of the warp
 * @param wanetS WaNet: strength s of the warp
 * @param wanetGridRescale WaNet: factor applied to the warped grid before clamping
 * @param wanetCrossRatio WaNet: noise-warped samples (labels kept) per backdoor sample
 */
public record AttackOptions(
        double blendAlpha,
        String blendPattern,
        double sigDelta,
        double sigFrequency,
        int wanetK,
        double wanetS,
        double wanetGridRescale,
        double wanetCrossRatio) {

    public static final AttackOptions DEFAULTS = new AttackOptions(0.2, null, 40, 6, 4, 0.5, 1, 2);

    /** Checks every range; messages name the flag. */
    public AttackOptions validate() {
        check(blendAlpha > 0 && blendAlpha <= 1, "--blend-alpha must be in (0, 1], got " + blendAlpha);
        check(sigDelta > 0 && sigDelta <= 255, "--sig-delta must be in (0, 255], got " + sigDelta);
        check(sigFrequency > 0 && sigFrequency <= 1000, "--sig-frequency must be in (0, 1000], got " + sigFrequency);
        check(wanetK >= 2 && wanetK <= 64, "--wanet-k must be in 2..64, got " + wanetK);
        check(wanetS >= 0 && wanetS <= 100, "--wanet-s must be in [0, 100], got " + wanetS);
        check(wanetGridRescale > 0 && wanetGridRescale <= 10, "--wanet-grid-rescale must be in (0, 10], got " + wanetGridRescale);
        check(wanetCrossRatio >= 0 && wanetCrossRatio <= 10, "--wanet-cross-ratio must be in [0, 10], got " + wanetCrossRatio);
        return this;
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
