package org.cbd4j.cli;

import org.cbd4j.defense.CbdConfig;
import org.cbd4j.defense.CbdOptions;
import picocli.CommandLine.Option;

/** CBD's options beyond the paper's (defaults in {@link CbdOptions#DEFAULTS}). */
final class CbdFlags {

    @Option(names = "--fb-max-epochs", paramLabel = "N", defaultValue = "8",
            description = "CBD with --fb-epochs auto: most f_B epochs when no capture is seen. Default: ${DEFAULT-VALUE}.")
    int fbMaxEpochs;

    @Option(names = "--batch-weights",
            description = "CBD ablation: rescale sample weights within each batch (what cbd4j did before) instead of per "
                    + "class over the data set.")
    boolean batchWeights;

    @Option(names = "--no-intervention",
            description = "CBD ablation: switch off the intervention (patterns f_B answers to, stamped on other classes "
                    + "with their true labels).")
    boolean noIntervention;

    @Option(names = "--intervention-rate", paramLabel = "X", defaultValue = "0.5",
            description = "CBD: probability that a training image goes through the intervention (the recovered "
                    + "pattern added to an image of another class, removed from one of the confounded class). "
                    + "Default: ${DEFAULT-VALUE}.")
    double interventionRate;

    @Option(names = "--inversion-steps", paramLabel = "N", defaultValue = "200",
            description = "CBD: optimisation steps of the pattern search per confounded class. Default: ${DEFAULT-VALUE}.")
    int inversionSteps;

    @Option(names = "--no-weight-gate",
            description = "CBD ablation: re-weight every sample by l_B/(l_B+l_C) instead of only the suspects "
                    + "(the separated minority of ln l_C - ln l_B, and the confounded classes).")
    boolean noWeightGate;

    CbdOptions toOptions() {
        return new CbdOptions(fbMaxEpochs, batchWeights, !noIntervention, interventionRate, inversionSteps,
                !noWeightGate);
    }

    /** {@code --fb-epochs}: a whole number of at least 1, or "auto" ({@link CbdConfig#AUTO}). */
    static int parseFbEpochs(String value) {
        if ("auto".equalsIgnoreCase(value.trim())) {
            return CbdConfig.AUTO;
        }
        try {
            int n = Integer.parseInt(value.trim());
            if (n >= 1) {
                return n;
            }
        } catch (NumberFormatException e) {
            // falls through to the message below
        }
        throw new IllegalArgumentException("--fb-epochs must be 'auto' or a whole number >= 1, got '" + value + "'");
    }
}
