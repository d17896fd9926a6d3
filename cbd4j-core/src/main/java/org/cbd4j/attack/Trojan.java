package org.cbd4j.attack;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.Map;
import java.util.Random;
import org.cbd4j.data.ImageDataset;
import org.cbd4j.data.ImageEncoder;
import org.cbd4j.method.Method;
import org.cbd4j.method.Option;
import org.cbd4j.method.OptionValues;
import org.cbd4j.method.Paper;
import org.cbd4j.model.Network;
import org.cbd4j.train.Batches;
import org.cbd4j.train.Messages;

/**
 * Trojan, TrojanNN-style (docs/METHOD.md §3): on a model trained on the clean data, take the two
 * embedding units with the largest summed |weight| into the classifier, and optimise the pixels
 * of a square mask in the bottom-right corner by sign-gradient ascent so those units fire
 * strongly on clean images carrying the patch. The optimised patch is the trigger, stamped like
 * BadNets (pixels replaced) on training and test images alike; saved as {@code trojan_trigger.png}.
 *
 * @see <a href="https://www.ndss-symposium.org/wp-content/uploads/2018/02/ndss2018_03A-5_Liu_paper.pdf">Liu et al., Trojaning Attack on Neural Networks (NDSS 2018)</a>
 */
public final class Trojan extends TriggerAttack {

    static final Option<Integer> SIZE = Option.integer("trojan-size", 0, 0, 512,
            "side of the square trigger in the bottom-right corner (0: a fifth of the image side, at least 3)");
    static final Option<Integer> STEPS = Option.integer("trojan-steps", 100, 1, 100_000,
            "sign-gradient steps optimising the trigger");

    /** Registry entry. */
    public static final Method<Attack> METHOD = new Method<>("trojan",
            "a corner patch optimised to excite one neuron of a model trained on the clean data",
            new Paper("Liu et al.: Trojaning Attack on Neural Networks, NDSS 2018",
                    "https://www.ndss-symposium.org/wp-content/uploads/2018/02/ndss2018_03A-5_Liu_paper.pdf"),
            java.util.List.of(HelperModel.MODEL, HelperModel.EPOCHS, SIZE, STEPS), Trojan::new);

    static final float STEP = 2f / 255;
    static final int BATCH = 64;

    private final OptionValues options;

    Trojan(OptionValues options) {
        this.options = options;
    }

    @Override
    public String name() {
        return "trojan";
    }

    /** The side of the square mask for images of side {@code side}. */
    int maskSize(int h, int w) {
        return options.get(SIZE) > 0 ? options.get(SIZE) : Math.max(3, Math.round(Math.min(h, w) / 5f));
    }

    @Override
    protected Trigger trigger(ImageDataset train, AttackConfig config, Map<String, byte[]> artifacts) {
        int c = train.channels();
        int h = train.height();
        int w = train.width();
        int s = maskSize(h, w);
        if (s > h || s > w) {
            throw new IllegalArgumentException("--trojan-size " + s + " is larger than the " + h + "x" + w + " images");
        }
        byte[] patch = optimise(train, config, s);
        byte[] shown = new byte[c * s * s];
        System.arraycopy(patch, 0, shown, 0, shown.length);
        artifacts.put("trojan_trigger.png", ImageEncoder.png(shown, 0, c, s, s));
        return (px, i, shape) -> {
            for (int ch = 0; ch < c; ch++) {
                for (int r = 0; r < s; r++) {
                    for (int q = 0; q < s; q++) {
                        px[((i * c + ch) * h + (h - s + r)) * w + (w - s + q)] = patch[(ch * s + r) * s + q];
                    }
                }
            }
        };
    }

    /** The optimised patch as CHW uint8 of side {@code s}. */
    private byte[] optimise(ImageDataset train, AttackConfig config, int s) {
        int c = train.channels();
        int h = train.height();
        int w = train.width();
        try (Network net = HelperModel.get(train, options, config.seed());
                NDManager m = net.manager().newSubManager()) {
            int[] units = strongestUnits(net.block().headWeight());
            Messages.sayf("cbd4j: trojan: optimising a %dx%d trigger for embedding units %d and %d", s, s, units[0],
                    units[1]);
            Random rnd = new Random(config.seed() ^ 0x7A0L);
            int[] sample = new int[Math.min(BATCH, train.size())];
            for (int k = 0; k < sample.length; k++) {
                sample[k] = rnd.nextInt(train.size());
            }
            NDArray x = Batches.images(m, train, sample, 0, sample.length);
            float[] mask = new float[h * w];
            for (int r = h - s; r < h; r++) {
                for (int q = w - s; q < w; q++) {
                    mask[r * w + q] = 1;
                }
            }
            NDArray mk = m.create(mask, new Shape(1, 1, h, w));
            float[] init = new float[c * h * w];
            for (int k = 0; k < init.length; k++) {
                init[k] = rnd.nextFloat();
            }
            NDArray pattern = m.create(init, new Shape(1, c, h, w));
            NDArray keep = x.mul(mk.neg().add(1));
            for (int step = 0; step < options.get(STEPS); step++) {
                try (NDManager sm = m.newSubManager()) {
                    NDArray p = pattern.duplicate();
                    p.attach(sm);
                    p.setRequiresGradient(true);
                    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                        NDArray z = net.forward(new NDList(keep.add(p.mul(mk))), false).get(1);
                        NDArray act = z.get(":, " + units[0]).add(z.get(":, " + units[1])).mean();
                        gc.backward(act);
                    }
                    NDArray next = pattern.add(p.getGradient().sign().mul(STEP)).clip(0, 1);
                    next.attach(m);
                    pattern.close();
                    pattern = next;
                }
            }
            float[] full = pattern.mul(255).round().clip(0, 255).toFloatArray();
            byte[] patch = new byte[c * s * s];
            for (int ch = 0; ch < c; ch++) {
                for (int r = 0; r < s; r++) {
                    for (int q = 0; q < s; q++) {
                        patch[(ch * s + r) * s + q] = (byte) (int) full[(ch * h + h - s + r) * w + w - s + q];
                    }
                }
            }
            return patch;
        }
    }

    /** The two embedding units whose weights into the classifier have the largest summed magnitude. */
    static int[] strongestUnits(NDArray headWeight) {
        float[] score = headWeight.abs().sum(new int[] {0}).toType(DataType.FLOAT32, false).toFloatArray();
        int a = 0;
        for (int j = 1; j < score.length; j++) {
            a = score[j] > score[a] ? j : a;
        }
        int b = a == 0 ? 1 : 0;
        for (int j = 0; j < score.length; j++) {
            b = j != a && score[j] > score[b] ? j : b;
        }
        return new int[] {a, b};
    }
}
