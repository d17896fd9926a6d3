package org.cbd4j.defense;

/**
 * The options cbd4j adds to CBD beyond the paper's (defaults in brackets; README, "What cbd4j
 * adds to CBD, and why", and docs/METHOD.md §2).
 *
 * @param fbMaxEpochs cap on stage 1 when its length is decided automatically [8]
 * @param batchWeights rescale the sample weights within each batch as cbd4j did before, instead
 *     of per class over the data set (an ablation switch) [off]
 * @param intervention stamp the patterns f_B answers to on other classes' images while f_C trains
 *     ({@link Intervention}) [on]
 * @param interventionRate probability that a training image of a class other than a confounded
 *     one carries a recovered pattern [1: every image; 0.5 before 2026-12-07, when SIG kept an ASR of
 *     29.64 % against 1.02 % with 1 (docs/RESULTS.md)]
 * @param inversionSteps optimisation steps of the pattern search per class ({@link TriggerInversion}) [200]
 * @param weightGate re-weight only the suspects of each f_C epoch ({@link CbdWeights#suspects}:
 *     the samples of the classes stage 1 named, else the separated minority of ln l_C - ln l_B);
 *     every other sample keeps weight 1 ({@link CbdWeights#gated}) [on; false in configs written
 *     before it existed]
 * @param fbLastLoss weigh with f_B's loss after its last stage-1 epoch instead of each
 *     sample's lowest loss over the stage-1 epochs (an ablation switch) [off; on in configs
 *     written before it existed]
 * @param reweightUncaptured when automatic stage 1 reaches its cap without a capture, re-weight f_C
 *     all the same (against the low group of f_B's last epoch), as cbd4j did before; an ablation
 *     switch [off: nothing captured, nothing re-weighted; on in configs written before it existed]
 * @param triggerCheck count a class that f_B fits anomalously well as a whole as confounded only
 *     when the pattern recovered from f_B for it carries the class on other classes' images
 *     ({@link Intervention#carriesTrigger}) [on; off in configs written before it existed]
 * @param tailCheck with the trigger check, also measure every class's lowest-loss tail in each
 *     stage-1 epoch and name a class whose tail stands out ({@link LowTail}) [off: at the
 *     comparison's budget a clean class's tail (coats) stood out in three cells; docs/RESULTS.md]
 */
public record CbdOptions(int fbMaxEpochs, boolean batchWeights, boolean intervention, double interventionRate,
        int inversionSteps, boolean weightGate, boolean fbLastLoss, boolean reweightUncaptured, boolean triggerCheck,
        boolean tailCheck) {

    public static final CbdOptions DEFAULTS = new CbdOptions(8, false, true, 1.0, 200, true, false, false, true, false);

    /**
     * What runs recorded before these options existed did: batch weights, no intervention, no gate
     * (the intervention rate is moot without the intervention).
     */
    public static final CbdOptions LEGACY = new CbdOptions(8, true, false, 1.0, 200, false, true, true, false, false);

    /** Names the first invalid option by its flag. */
    public CbdOptions validate() {
        check(fbMaxEpochs >= 1, "--fb-max-epochs must be at least 1, got " + fbMaxEpochs);
        check(interventionRate >= 0 && interventionRate <= 1, "--intervention-rate must be in [0, 1], got " + interventionRate);
        check(inversionSteps >= 10, "--inversion-steps must be at least 10, got " + inversionSteps);
        return this;
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
