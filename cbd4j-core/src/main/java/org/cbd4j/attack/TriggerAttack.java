package org.cbd4j.attack;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.cbd4j.data.ImageDataset;

/**
 * The shared shape of attacks that stamp a fixed trigger function on images: choose the samples
 * (seeded), stamp them, relabel them (poison-label) or keep their labels (clean-label, target
 * class only), and build the triggered test set from every test image whose label the attack
 * would change. Subclasses build the trigger for the data's shape.
 */
abstract class TriggerAttack implements Attack {

    /** Stamps a trigger into image {@code i} of a pixel buffer shaped like {@code shape}, in place. */
    interface Trigger {
        void stamp(byte[] pixels, int i, ImageDataset shape);

        /** Stamps several images; triggers computed by a network override this to batch. */
        default void stampAll(byte[] pixels, int[] images, ImageDataset shape) {
            for (int i : images) {
                stamp(pixels, i, shape);
            }
        }
    }

    /** The trigger for images shaped like {@code train}, plus files that describe it. */
    protected abstract Trigger trigger(ImageDataset train, AttackConfig config, Map<String, byte[]> artifacts);

    /** Clean-label attacks poison target-class samples only and never change labels. */
    protected boolean cleanLabel() {
        return false;
    }

    @Override
    public PoisonedData poison(ImageDataset train, ImageDataset test, AttackConfig config) {
        config.validate(train.numClasses());
        if (cleanLabel() && config.allToAll()) {
            throw new IllegalArgumentException(name() + " is a clean-label attack: it poisons target-class images "
                    + "without relabelling, so --all-to-all does not apply");
        }
        Map<String, byte[]> artifacts = new LinkedHashMap<>();
        Trigger trigger = trigger(train, config, artifacts);
        int k = train.numClasses();
        int[] idx = cleanLabel() ? chooseTargetClass(train, config) : PoisonSampling.choose(train, config);
        byte[] px = train.pixels();
        int[] labels = train.labels();
        perturbBeforeStamping(train, idx, px, config);
        stampTraining(train, idx, px, trigger, config);
        for (int i : idx) {
            if (!cleanLabel()) {
                labels[i] = config.poisonLabel(labels[i], k);
            }
        }
        Map<String, int[]> extra = new LinkedHashMap<>();
        addExtraSamples(train, config, idx, px, extra);
        // Stamped in place: each sample keeps its index and its source id (the file it was made from).
        ImageDataset poisoned = train.withContent(px, labels);
        Triggered t = triggeredTest(test, config, trigger);
        return new PoisonedData(poisoned, idx, t.images(), t.trueLabels(), extra, artifacts);
    }

    /** Hook for attacks that change the chosen training images before the trigger (LC's PGD). */
    protected void perturbBeforeStamping(ImageDataset train, int[] chosen, byte[] pixels, AttackConfig config) {}

    /**
     * Stamps the chosen training images. By default with the test-time trigger; the adaptive
     * attacks override it to plant only part of the trigger during training.
     */
    protected void stampTraining(ImageDataset train, int[] chosen, byte[] pixels, Trigger trigger, AttackConfig config) {
        trigger.stampAll(pixels, chosen, train);
    }

    /** Hook for attacks that also change samples outside the backdoor set (WaNet's noise mode). */
    protected void addExtraSamples(ImageDataset train, AttackConfig config, int[] poisoned, byte[] pixels,
            Map<String, int[]> extra) {}

    private record Triggered(ImageDataset images, int[] trueLabels) {}

    /** Every test image whose label the attack changes, triggered and labelled with the attack label. */
    private static Triggered triggeredTest(ImageDataset test, AttackConfig config, Trigger trigger) {
        int k = test.numClasses();
        List<Integer> keep = new ArrayList<>();
        for (int i = 0; i < test.size(); i++) {
            if (config.poisonLabel(test.label(i), k) != test.label(i)) {
                keep.add(i);
            }
        }
        int[] sel = keep.stream().mapToInt(Integer::intValue).toArray();
        ImageDataset chosen = test.select(sel);
        byte[] tpx = chosen.pixels();
        int[] trueLabels = chosen.labels();
        int[] attackLabels = new int[sel.length];
        trigger.stampAll(tpx, java.util.stream.IntStream.range(0, sel.length).toArray(), chosen);
        for (int j = 0; j < sel.length; j++) {
            attackLabels[j] = config.poisonLabel(trueLabels[j], k);
        }
        return new Triggered(chosen.withContent(tpx, attackLabels), trueLabels);
    }

    /** round(rate * N) target-class samples, seeded; refused when the class is too small. */
    static int[] chooseTargetClass(ImageDataset train, AttackConfig cfg) {
        int count = (int) Math.round(cfg.poisonRate() * train.size());
        List<Integer> candidates = new ArrayList<>();
        for (int i = 0; i < train.size(); i++) {
            if (train.label(i) == cfg.target()) {
                candidates.add(i);
            }
        }
        if (count > candidates.size()) {
            throw new IllegalArgumentException("--poison-rate " + cfg.poisonRate() + " asks for " + count
                    + " poisoned samples but the clean-label attack can only use the " + candidates.size()
                    + " images of target class " + cfg.target() + " (at most --poison-rate "
                    + String.format(java.util.Locale.ROOT, "%.4f", (double) candidates.size() / train.size()) + ")");
        }
        Collections.shuffle(candidates, new Random(cfg.seed()));
        int[] chosen = candidates.subList(0, count).stream().mapToInt(Integer::intValue).toArray();
        Arrays.sort(chosen);
        return chosen;
    }
}
