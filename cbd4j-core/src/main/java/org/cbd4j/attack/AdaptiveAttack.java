package org.cbd4j.attack;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.cbd4j.data.ImageDataset;
import org.cbd4j.method.Option;
import org.cbd4j.method.OptionValues;

/**
 * The shared shape of the adaptive attacks of Qi et al., "Revisiting the Assumption of Latent
 * Separability for Backdoor Defenses" (ICLR 2023), {@code adap-blend} and {@code adap-patch}
 * (docs/METHOD.md §3). Their two components:
 *
 * <ol>
 *   <li><b>Regularisation (cover) samples.</b> Besides the payload samples (chosen and relabelled
 *       like every poison-label attack, {@code round(--poison-rate x N)} of them, see
 *       {@link PoisonSampling}), {@code round(cover-ratio x #payload)} further samples carry the
 *       trigger but keep their true label. They are drawn (seeded) among the samples that are not
 *       payload and, for all-to-one, not of the target class: the paper's regularisation samples
 *       are "correctly labeled to their semantic classes (other than the target class)", and a
 *       target-class image with the trigger would be a payload sample in all but name. (The
 *       authors' toolbox draws both sets from all images.) They keep the backdoor from becoming
 *       a separate cluster in the latent space, at some cost in ASR.</li>
 *   <li><b>Asymmetric trigger.</b> Every payload and cover image gets only a seeded random part
 *       of the trigger ({@link #partCount} parts, {@link #partsPerSample} of them per image, drawn
 *       afresh for each image); test images get the whole trigger, usually stronger.</li>
 * </ol>
 *
 * <p>What counts as poisoned: only the payload samples (true label changed) are
 * {@link PoisonedData#poisonedIndices()}, so ASR and every defense's detection AUROC, precision
 * and recall treat cover samples as clean, although they carry part of the trigger. They are
 * listed in {@link PoisonedData#otherIndices()} as {@code <prefix>_cover}, written as
 * {@code <prefix>_cover_indices.csv}, so an analysis can count them either way.
 */
abstract class AdaptiveAttack extends TriggerAttack {

    /** Blends the listed parts of the training-time trigger into image {@code i}, in place. */
    interface Parts {
        void stamp(byte[] pixels, int i, ImageDataset shape, int[] parts);
    }

    /**
     * Each attack declares its own cover-ratio option: the registry refuses one flag with two
     * defaults, and the authors use 1 for Adap-Blend and 2 for Adap-Patch.
     */
    private final Option<Double> coverRatio;
    private final OptionValues coverOptions;

    AdaptiveAttack(Option<Double> coverRatio, OptionValues options) {
        this.coverRatio = coverRatio;
        this.coverOptions = options;
    }

    /** Prefix of the index set and the artifacts: the name with underscores ({@code adap_blend}). */
    protected final String prefix() {
        return name().replace('-', '_');
    }

    /** Cover samples per payload sample. */
    private double coverRatio() {
        return coverOptions.get(coverRatio);
    }

    /** How many parts the trigger has; valid after {@link #trigger}. */
    protected abstract int partCount();

    /** How many parts each training image carries, fewer than {@link #partCount}. */
    protected abstract int partsPerSample();

    /** The training-time trigger, built by {@link #trigger} for the data's shape. */
    protected abstract Parts parts();

    @Override
    protected final void stampTraining(ImageDataset train, int[] chosen, byte[] pixels, Trigger trigger,
            AttackConfig config) {
        // The full trigger is kept for the test set; training images get parts only.
        stampParts(train, chosen, pixels, new Random(config.seed() ^ 0xADA9A7L));
    }

    @Override
    protected final void addExtraSamples(ImageDataset train, AttackConfig config, int[] poisoned, byte[] pixels,
            Map<String, int[]> extra) {
        int count = (int) Math.round(coverRatio() * poisoned.length);
        boolean[] taken = new boolean[train.size()];
        for (int i : poisoned) {
            taken[i] = true;
        }
        List<Integer> free = new ArrayList<>();
        for (int i = 0; i < train.size(); i++) {
            if (!taken[i] && (config.allToAll() || train.label(i) != config.target())) {
                free.add(i);
            }
        }
        if (count > free.size()) {
            throw new IllegalArgumentException(coverRatio.flag() + " " + coverRatio() + " asks for " + count
                    + " cover samples but only " + free.size() + " samples are neither poisoned nor of the target class");
        }
        Collections.shuffle(free, new Random(config.seed() ^ 0xC0BE8L));
        int[] cover = free.subList(0, count).stream().mapToInt(Integer::intValue).sorted().toArray();
        // Labels are left alone: the cover samples keep their true class.
        stampParts(train, cover, pixels, new Random(config.seed() ^ 0xC0BE9L));
        extra.put(prefix() + "_cover", cover);
    }

    private void stampParts(ImageDataset shape, int[] images, byte[] pixels, Random rnd) {
        Parts p = parts();
        for (int i : images) {
            p.stamp(pixels, i, shape, draw(partCount(), partsPerSample(), rnd));
        }
    }

    /** {@code k} distinct numbers of {@code 0..n-1}, uniformly (partial Fisher-Yates), ascending. */
    static int[] draw(int n, int k, Random rnd) {
        int[] all = new int[n];
        for (int j = 0; j < n; j++) {
            all[j] = j;
        }
        for (int j = 0; j < k; j++) {
            int s = j + rnd.nextInt(n - j);
            int t = all[j];
            all[j] = all[s];
            all[s] = t;
        }
        int[] chosen = Arrays.copyOf(all, k);
        Arrays.sort(chosen);
        return chosen;
    }

    /** round((1 - a) x + a p) for uint8 values x and p. */
    static byte blend(byte x, int p, double a) {
        return (byte) Math.round((1 - a) * (x & 0xFF) + a * p);
    }
}
