package org.cbd4j.attack;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import java.util.Map;
import org.cbd4j.data.ImageDataset;
import org.cbd4j.data.ImageEncoder;
import org.cbd4j.method.Method;
import org.cbd4j.method.Option;
import org.cbd4j.method.OptionValues;
import org.cbd4j.method.Paper;
import org.cbd4j.model.Network;
import org.cbd4j.train.Batches;
import org.cbd4j.train.Losses;
import org.cbd4j.train.Progress;

/**
 * Label-consistent, clean-label (docs/METHOD.md §3): the chosen target-class training images are first made
 * hard to classify by an untargeted PGD perturbation (L-infinity, eps 8/255, step 1.5/255, 100
 * steps, on a model trained on the clean data), then stamped with a 3x3 pattern in each of the
 * four corners; labels are kept. Test images get the corner patterns only. The pattern is saved
 * as {@code lc_corners.png} (one image with the four stamps on grey).
 *
 * @see <a href="https://arxiv.org/abs/1912.02771">Turner et al., Label-Consistent Backdoor Attacks (2019)</a>
 */
public final class LabelConsistent extends TriggerAttack {

    static final Option<Double> EPS = Option.real("lc-eps", 8, "(0, 255]", "PGD bound in pixel values (8 = 8/255)");
    static final Option<Double> STEP = Option.real("lc-step", 1.5, "(0, 255]", "PGD step in pixel values");
    static final Option<Integer> STEPS = Option.integer("lc-steps", 100, 1, 100_000, "PGD steps");

    /** Registry entry. */
    public static final Method<Attack> METHOD = new Method<>("label-consistent",
            "clean-label: target-class images made hard by PGD, then stamped with corner patches",
            new Paper("Turner, Tsipras, Madry: Label-Consistent Backdoor Attacks, 2019", "https://arxiv.org/abs/1912.02771"),
            java.util.List.of(HelperModel.MODEL, HelperModel.EPOCHS, EPS, STEP, STEPS), LabelConsistent::new);

    /** The corner pattern, row-major, on every channel; mirrored into each corner. */
    static final int[][] CORNER = {{255, 0, 255}, {0, 255, 0}, {255, 0, 255}};
    static final int BATCH = 128;

    private final OptionValues options;

    LabelConsistent(OptionValues options) {
        this.options = options;
    }

    @Override
    public String name() {
        return "label-consistent";
    }

    @Override
    protected boolean cleanLabel() {
        return true;
    }

    @Override
    protected Trigger trigger(ImageDataset train, AttackConfig config, Map<String, byte[]> artifacts) {
        if (train.height() < 6 || train.width() < 6) {
            throw new IllegalArgumentException("the four 3x3 corner patterns need images of at least 6x6, these are "
                    + train.height() + "x" + train.width());
        }
        byte[] grey = new byte[train.channels() * train.height() * train.width()];
        java.util.Arrays.fill(grey, (byte) 128);
        stamp(grey, 0, train);
        artifacts.put("lc_corners.png", ImageEncoder.png(grey, 0, train.channels(), train.height(), train.width()));
        return LabelConsistent::stamp;
    }

    /** Writes the 3x3 pattern into the four corners of image {@code i}, mirrored so each is symmetric to the centre. */
    static void stamp(byte[] px, int i, ImageDataset shape) {
        int h = shape.height();
        int w = shape.width();
        Patches.put(px, i, shape, CORNER, 0, 0, false, false);
        Patches.put(px, i, shape, CORNER, 0, w - 3, false, true);
        Patches.put(px, i, shape, CORNER, h - 3, 0, true, false);
        Patches.put(px, i, shape, CORNER, h - 3, w - 3, true, true);
    }

    @Override
    protected void perturbBeforeStamping(ImageDataset train, int[] chosen, byte[] pixels, AttackConfig config) {
        float eps = (float) (options.get(EPS) / 255);
        float step = (float) (options.get(STEP) / 255);
        int size = train.imageSize();
        try (Network net = HelperModel.get(train, options, config.seed());
                Progress progress = new Progress("label-consistent PGD", chosen.length)) {
            for (int from = 0; from < chosen.length; from += BATCH) {
                int to = Math.min(chosen.length, from + BATCH);
                try (NDManager m = net.manager().newSubManager()) {
                    NDArray x = Batches.images(m, train, chosen, from, to);
                    NDArray y = Batches.labels(m, train.labels(), chosen, from, to);
                    NDArray adv = x.duplicate();
                    for (int k = 0; k < options.get(STEPS); k++) {
                        try (NDManager sm = m.newSubManager()) {
                            NDArray a = adv.duplicate();
                            a.attach(sm);
                            a.setRequiresGradient(true);
                            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                                NDArray logits = net.forward(new NDList(a), false).get(0);
                                gc.backward(Losses.perSampleCrossEntropy(logits, y).sum());
                            }
                            // Ascend the loss, then project back into the eps-ball and the valid range.
                            NDArray next = a.add(a.getGradient().sign().mul(step));
                            next = next.minimum(x.add(eps)).maximum(x.sub(eps)).clip(0, 1);
                            next.attach(m);
                            adv.close();
                            adv = next;
                        }
                    }
                    float[] out = adv.mul(255).round().clip(0, 255).toFloatArray();
                    for (int k = from; k < to; k++) {
                        int base = chosen[k] * size;
                        for (int j = 0; j < size; j++) {
                            pixels[base + j] = (byte) (int) out[(k - from) * size + j];
                        }
                    }
                }
                progress.step(to - from, "");
            }
        }
    }
}
