package org.cbd4j.defense;

/**
 * Options of the baseline defenses (defaults in brackets, from their papers unless said).
 *
 * @param ablIsolationEpochs ABL: epochs trained with the flooded loss before isolating [20]
 * @param ablIsolationRatio ABL: fraction of the training set isolated, lowest loss first [0.01]
 * @param ablGamma ABL: flooding level of the loss transform {@code |loss - gamma| + gamma} [0.5]
 * @param ablUnlearnEpochs ABL: epochs of gradient ascent on the isolated samples [20]
 * @param ablUnlearnLr ABL: learning rate of the unlearning phase [0.0005]
 * @param expectedPoisonRate spectral signatures: the assumed upper bound on the poisoned fraction;
 *     1.5 x this fraction of every class is removed [0.1, the poisoning rate of the reference experiments]
 * @param acDims activation clustering: dimensions kept before 2-means (PCA here; the paper uses ICA) [10]
 * @param acThreshold activation clustering: the smaller cluster of a class is flagged when it
 *     holds at most this fraction of the class (the "relative size" rule) [0.35]
 */
public record BaselineOptions(
        int ablIsolationEpochs,
        double ablIsolationRatio,
        float ablGamma,
        int ablUnlearnEpochs,
        float ablUnlearnLr,
        double expectedPoisonRate,
        int acDims,
        double acThreshold) {

    public static final BaselineOptions DEFAULTS = new BaselineOptions(20, 0.01, 0.5f, 20, 5e-4f, 0.1, 10, 0.35);

    /** Names the first invalid option by its flag. */
    public BaselineOptions validate() {
        check(ablIsolationEpochs >= 1, "--abl-isolation-epochs must be at least 1, got " + ablIsolationEpochs);
        check(ablIsolationRatio > 0 && ablIsolationRatio < 1, "--abl-isolation-ratio must be in (0, 1), got " + ablIsolationRatio);
        check(ablGamma > 0 && Float.isFinite(ablGamma), "--abl-gamma must be > 0, got " + ablGamma);
        check(ablUnlearnEpochs >= 1, "--abl-unlearn-epochs must be at least 1, got " + ablUnlearnEpochs);
        check(ablUnlearnLr > 0 && Float.isFinite(ablUnlearnLr), "--abl-unlearn-lr must be > 0, got " + ablUnlearnLr);
        check(expectedPoisonRate > 0 && expectedPoisonRate * 1.5 < 1,
                "--expected-poison-rate must be in (0, 0.667) (1.5 x it is removed), got " + expectedPoisonRate);
        check(acDims >= 1 && acDims <= 1024, "--ac-dims must be in [1, 1024], got " + acDims);
        check(acThreshold > 0 && acThreshold < 0.5, "--ac-threshold must be in (0, 0.5), got " + acThreshold);
        return this;
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
