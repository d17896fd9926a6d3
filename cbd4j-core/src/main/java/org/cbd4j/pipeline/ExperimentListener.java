package org.cbd4j.pipeline;

/**
 * What a running experiment tells its caller: progress lines and the metrics of every epoch of
 * every stage. The CLI's listener prints them; a Java caller may collect them, or use
 * {@link #SILENT}.
 */
public interface ExperimentListener {

    /** Ignores everything. */
    ExperimentListener SILENT = new ExperimentListener() {};

    /** One line of progress: data loaded, run resumed, the run's set-up, the defense's decisions, every 10 % of an epoch. */
    default void message(String line) {}

    /** After each epoch of each stage (f_B, f_C, a baseline's phases, the undefended model). */
    default void epochEnd(EpochMetrics metrics) {}

    /**
     * Whether long loops may draw a live progress bar on stderr (when it is a terminal) instead
     * of sending a line every 10 % to {@link #message}.
     */
    default boolean liveProgress() {
        return false;
    }

    /**
     * One epoch's figures. NaN where a figure does not apply (no attack: ASR and RA; a stage
     * without sample weights: the weight means).
     *
     * @param stage stage name, e.g. f_B, f_C, model
     * @param epoch 0-based epoch within the stage
     * @param loss mean training loss
     * @param lr learning rate of the epoch
     * @param mi mutual-information estimate (CBD's f_C)
     * @param ca clean accuracy on the test set, %
     * @param asr attack success rate on the triggered test set, %
     * @param ra robust accuracy on the triggered test set, %
     * @param poisonedWeight mean sample weight of the poisoned samples (reporting only)
     * @param cleanWeight mean sample weight of the clean samples
     * @param seconds wall time since the run started
     */
    record EpochMetrics(String stage, int epoch, double loss, double lr, double mi, double ca, double asr, double ra,
            double poisonedWeight, double cleanWeight, double seconds) {}
}
