package org.cbd4j.cli;

import org.cbd4j.defense.BaselineOptions;
import picocli.CommandLine.Option;

/** Options of the baseline defenses abl, spectral and activation-clustering (defaults from their papers). */
final class BaselineFlags {

    @Option(names = "--abl-isolation-epochs", paramLabel = "N", defaultValue = "20",
            description = "abl: epochs on the flooded loss before isolating. Default: ${DEFAULT-VALUE}.")
    int ablIsolationEpochs;

    @Option(names = "--abl-isolation-ratio", paramLabel = "X", defaultValue = "0.01",
            description = "abl: fraction of the training set isolated, lowest loss first. Default: ${DEFAULT-VALUE}.")
    double ablIsolationRatio;

    @Option(names = "--abl-gamma", paramLabel = "X", defaultValue = "0.5",
            description = "abl: flooding level, loss -> |loss - gamma| + gamma. Default: ${DEFAULT-VALUE}.")
    float ablGamma;

    @Option(names = "--abl-unlearn-epochs", paramLabel = "N", defaultValue = "20",
            description = "abl: epochs of gradient ascent on the isolated samples. Default: ${DEFAULT-VALUE}.")
    int ablUnlearnEpochs;

    @Option(names = "--abl-unlearn-lr", paramLabel = "X", defaultValue = "0.0005",
            description = "abl: learning rate of the unlearning phase. Default: ${DEFAULT-VALUE}.")
    float ablUnlearnLr;

    @Option(names = "--expected-poison-rate", paramLabel = "X", defaultValue = "0.1",
            description = "spectral: assumed upper bound on the poisoned fraction; 1.5 x it of every class is removed. "
                    + "Default: ${DEFAULT-VALUE}.")
    double expectedPoisonRate;

    @Option(names = "--ac-dims", paramLabel = "N", defaultValue = "10",
            description = "activation-clustering: principal dimensions kept before 2-means. Default: ${DEFAULT-VALUE}.")
    int acDims;

    @Option(names = "--ac-threshold", paramLabel = "X", defaultValue = "0.35",
            description = "activation-clustering: flag the smaller cluster of a class when it holds at most this "
                    + "fraction of the class. Default: ${DEFAULT-VALUE}.")
    double acThreshold;

    BaselineOptions toOptions() {
        return new BaselineOptions(ablIsolationEpochs, ablIsolationRatio, ablGamma, ablUnlearnEpochs, ablUnlearnLr,
                expectedPoisonRate, acDims, acThreshold);
    }
}
