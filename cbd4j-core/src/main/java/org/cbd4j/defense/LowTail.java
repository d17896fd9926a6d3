package org.cbd4j.defense;

import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * Where stage 1 looks for the poisoned images of a poison-label attack at a low rate: the
 * lowest-loss tail of each class.
 *
 * <p>Why: at 1 % all-to-one poisoning of Fashion-MNIST the 600 poisoned images are 9 % of the
 * target class. f_B fits them far better than the class's clean images (blend, seed 0, epoch 4:
 * median ln l_B -3.96 against -0.50), but not better than the easy clean classes, and the class's
 * own ln l_B does not split into two populations (Ashman's D 1.1-1.8 in eight epochs), so neither
 * the whole-set split nor the class split ({@link FbCapture}) names the class, stage 1 runs to its
 * cap and f_C learns the backdoor (docs/RESULTS.md). The class's lowest-loss 5 % is 34-98 %
 * poisoned from f_B's second epoch on, and what f_B relies on for it is the trigger.
 *
 * <p>Every class's tail is checked ({@link Intervention#tailCarriesTrigger}: its removal pattern
 * must carry other classes' images to the class by itself), one pattern search per class and
 * epoch. Ranking the classes by how untypical their tails' images are (pixel distance to the
 * class's mean image, to check only the top two) was tried and dropped: the target class's tail
 * ranked first only in the epochs it was nearly all poisoned, and the epoch whose removal pattern
 * carried most (31 %, f_B's second) was not one of them (docs/RESULTS.md).
 */
final class LowTail {

    /** Share of a class's samples, lowest ln l_B first, that forms its tail. */
    static final double SHARE = 0.05;

    /** Fewest images in a tail (one batch of the pattern search). */
    static final int MIN_IMAGES = 64;

    private LowTail() {}

    /**
     * Each class's tail, class by class, skipping {@code skip} and classes with fewer than twice
     * {@link #MIN_IMAGES} samples: its {@link #SHARE} lowest-loss samples, at least
     * {@link #MIN_IMAGES}.
     *
     * @param logLoss ln l_B per sample, dataset order
     * @return per class (index), its tail's dataset indices, or null when skipped
     */
    static int[][] tails(double[] logLoss, int[] labels, int numClasses, Collection<Integer> skip) {
        int[][] out = new int[numClasses][];
        for (int c = 0; c < numClasses; c++) {
            int cc = c;
            Integer[] own = IntStream.range(0, labels.length).filter(i -> labels[i] == cc).boxed()
                    .toArray(Integer[]::new);
            if (skip.contains(c) || own.length < 2 * MIN_IMAGES) {
                continue;
            }
            Arrays.sort(own, Comparator.comparingDouble(i -> logLoss[i]));
            int size = Math.max(MIN_IMAGES, (int) Math.round(SHARE * own.length));
            out[c] = Arrays.stream(own, 0, size).mapToInt(Integer::intValue).toArray();
        }
        return out;
    }
}
