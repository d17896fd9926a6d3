package org.cbd4j.attack;

import org.cbd4j.data.ImageDataset;

/**
 * What an attack produces.
 *
 * @param train the training set with poisoned samples in place
 * @param poisonedIndices indices into {@code train} of the samples the attack changed, ascending
 * @param triggeredTest triggered test images whose true class differs from their attack label,
 *     labelled with the attack label (what the attacker wants predicted)
 * @param triggeredTrueLabels the true class of each image in {@code triggeredTest}
 */
public record PoisonedData(
        ImageDataset train, int[] poisonedIndices, ImageDataset triggeredTest, int[] triggeredTrueLabels) {

    /** A boolean mask over the training set: true where the sample was poisoned. */
    public boolean[] poisonMask() {
        boolean[] mask = new boolean[train.size()];
        for (int i : poisonedIndices) {
            mask[i] = true;
        }
        return mask;
    }
}
