package org.cbd4j.train;

/**
 * Hyper-parameters of one supervised training run (docs/METHOD.md §2 reference values in brackets).
 *
 * @param epochs number of epochs [100 for f_C]
 * @param batchSize mini-batch size [64]
 * @param lr initial learning rate [0.1]
 * @param momentum Nesterov momentum [0.9]
 * @param weightDecay L2 weight decay [1e-4]
 * @param augmentation batch augmentation [crop 4, flip, Cutout 3]
 * @param seed seed for shuffling and augmentation
 */
public record TrainConfig(
        int epochs, int batchSize, float lr, float momentum, float weightDecay, Augmentation augmentation, long seed) {

    /** Names the first invalid field. */
    public TrainConfig validate() {
        if (epochs < 1) {
            throw new IllegalArgumentException("--epochs must be at least 1, got " + epochs);
        }
        if (batchSize < 2) {
            throw new IllegalArgumentException("--batch-size must be at least 2 (BatchNorm), got " + batchSize);
        }
        if (!(lr > 0) || Float.isInfinite(lr)) {
            throw new IllegalArgumentException("--lr must be a positive number, got " + lr);
        }
        return this;
    }
}
