package org.cbd4j.eval;

/**
 * The metric definitions of docs/METHOD.md §4, on predictions. All rates are percentages in [0, 100].
 *
 * <ul>
 *   <li>CA: top-1 accuracy on the whole clean test set.
 *   <li>ASR: fraction of triggered test images (true class differs from the attack label) that
 *       are classified as the attack label (the target for all-to-one, (y+1) mod K for all-to-all).
 *   <li>RA: fraction of those triggered images classified as their true class.
 *   <li>DER = [max(0, ASR_nodef - ASR_def) - max(0, CA_nodef - CA_def) + 1] / 2, on fractions.
 *   <li>RIR = [max(0, RA_def - RA_nodef) - max(0, CA_nodef - CA_def) + 1] / 2, on fractions
 *       (BackdoorBench's robust improvement rate).
 * </ul>
 */
public final class Metrics {

    private Metrics() {}

    /** Percentage of positions where {@code predicted} equals {@code expected}; NaN when empty. */
    public static double accuracy(int[] predicted, int[] expected) {
        if (predicted.length != expected.length) {
            throw new IllegalArgumentException(predicted.length + " predictions for " + expected.length + " labels");
        }
        if (predicted.length == 0) {
            return Double.NaN;
        }
        int hit = 0;
        for (int i = 0; i < predicted.length; i++) {
            if (predicted[i] == expected[i]) {
                hit++;
            }
        }
        return 100.0 * hit / predicted.length;
    }

    /** CA on the clean test set. */
    public static double cleanAccuracy(int[] predicted, int[] labels) {
        return accuracy(predicted, labels);
    }

    /** ASR on the triggered non-target test set, against the attack labels. */
    public static double attackSuccessRate(int[] predicted, int[] attackLabels) {
        return accuracy(predicted, attackLabels);
    }

    /** RA on the triggered non-target test set, against the true labels. */
    public static double robustAccuracy(int[] predicted, int[] trueLabels) {
        return accuracy(predicted, trueLabels);
    }

    /** DER in [0, 1] from percentages of the undefended and the defended model. */
    public static double der(double caNoDef, double asrNoDef, double caDef, double asrDef) {
        double asrDrop = Math.max(0, asrNoDef - asrDef) / 100.0;
        double caDrop = Math.max(0, caNoDef - caDef) / 100.0;
        return (asrDrop - caDrop + 1) / 2;
    }

    /**
     * RIR (robust improvement rate, BackdoorBench) in [0, 1] from percentages of the undefended and
     * the defended model: how much RA the defense gained, less how much CA it lost.
     */
    public static double rir(double caNoDef, double raNoDef, double caDef, double raDef) {
        double raGain = Math.max(0, raDef - raNoDef) / 100.0;
        double caDrop = Math.max(0, caNoDef - caDef) / 100.0;
        return (raGain - caDrop + 1) / 2;
    }
}
