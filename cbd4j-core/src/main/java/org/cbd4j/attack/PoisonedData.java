package org.cbd4j.attack;

import java.util.Map;
import org.cbd4j.data.ImageDataset;

/**
 * What an attack produces.
 *
 * @param train the training set with poisoned samples in place
 * @param poisonedIndices indices into {@code train} of the samples carrying the backdoor, ascending
 * @param triggeredTest triggered test images whose true class differs from their attack label,
 *     labelled with the attack label (what the attacker wants predicted)
 * @param triggeredTrueLabels the true class of each image in {@code triggeredTest}
 * @param otherIndices further named sets of changed training samples that do not carry the
 *     backdoor (WaNet's noise-warped samples), each ascending
 * @param artifacts files describing the trigger (pattern PNGs, warp fields), by file name
 */
public record PoisonedData(
        ImageDataset train,
        int[] poisonedIndices,
        ImageDataset triggeredTest,
        int[] triggeredTrueLabels,
        Map<String, int[]> otherIndices,
        Map<String, byte[]> artifacts) {

    /** An attack result with no extra index sets and no artifacts. */
    public PoisonedData(ImageDataset train, int[] poisonedIndices, ImageDataset triggeredTest, int[] triggeredTrueLabels) {
        this(train, poisonedIndices, triggeredTest, triggeredTrueLabels, Map.of(), Map.of());
    }

    /** A boolean mask over the training set: true where the sample carries the backdoor. */
    public boolean[] poisonMask() {
        boolean[] mask = new boolean[train.size()];
        for (int i : poisonedIndices) {
            mask[i] = true;
        }
        return mask;
    }
}
