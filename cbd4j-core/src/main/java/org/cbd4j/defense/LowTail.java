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
 * <p>Every class's tail is measured ({@link Intervention#tailTransfer}: the share of other
 * classes' images its removal pattern sends to the class), one pattern search per class and
 * epoch, and a class counts when its tail stands out ({@link #standsOut}). Tried and dropped:
 * ranking the classes by how untypical their tails' images are (pixel distance to the class's
 * mean image) to check only the top two — the target class's tail ranked first only in the
 * epochs it was nearly all poisoned, and the epoch whose pattern carried most (31 %, f_B's
 * second) was not one of them; a fixed share alone (10 %), which a clean class's tail passed; and
 * 10 % with the lead, which the shirts' tail passed on clean data (docs/RESULTS.md).
 */
final class LowTail {

    /** Share of a class's samples, lowest ln l_B first, that forms its tail. */
    static final double SHARE = 0.05;

    /** Fewest images in a tail (one batch of the pattern search). */
    static final int MIN_IMAGES = 64;

    /**
     * How many times the runner-up's share a tail's removal pattern must carry for its class to
     * stand out. Measured (docs/RESULTS.md): blend at rate 0.01, f_B's second epoch, the target
     * class's tail 31.1 % against at most 2.1 % for the other nine; clean classes' tails carried up
     * to 11.9 % on their own (shirts beside BadNets at rate 0.01, where the target class's tail
     * carried 9.6 % in the same epoch), so a fixed share alone does not separate them.
     */
    static final double LEAD = 3;

    /**
     * The least share of other classes' images a tail's removal pattern must carry to its class:
     * twice {@link Intervention#TRANSFER_MIN}. Clean classes' tails carried up to 10.5-11.9 % on
     * their own, each time 3-4.5x every other tail (shirts, on clean Fashion-MNIST and beside
     * BadNets at rate 0.01); at 10 % the shirts' tail stood out on clean data and CBD re-weighted
     * the class: CA -1.70, shirts 61.4 -> 39.2 % (docs/RESULTS.md). The blend tail that stood out
     * carried 31.1 %.
     */
    static final double MIN_TRANSFER = 0.2;

    private LowTail() {}

    /**
     * The class whose tail stands out among one epoch's measurements: its removal pattern sends at
     * least {@link #MIN_TRANSFER} of other classes' images to it and at least
     * {@link #LEAD} times as many as any other class's tail does; null when none does.
     *
     * @param transfer per class measured, the share its tail's pattern carries
     */
    static Integer standsOut(java.util.Map<Integer, Double> transfer) {
        Integer best = null;
        double first = -1;
        double second = 0;
        for (var e : transfer.entrySet()) {
            double r = e.getValue();
            if (r > first) {
                second = Math.max(second, first);
                first = r;
                best = e.getKey();
            } else {
                second = Math.max(second, r);
            }
        }
        return best != null && first >= MIN_TRANSFER && first >= LEAD * second ? best : null;
    }

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
