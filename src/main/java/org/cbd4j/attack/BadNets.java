package org.cbd4j.attack;

import java.util.ArrayList;
import java.util.List;
import org.cbd4j.data.ImageDataset;

/**
 * BadNets with the 3x3 grid trigger of SPEC §3: the bottom-right 3x3 pixels of every channel are
 * replaced by [[0,0,255],[0,255,0],[255,0,255]] and the label is flipped.
 *
 * @see <a href="https://arxiv.org/abs/1708.06733">Gu et al., BadNets (2017)</a>
 */
public final class BadNets implements Attack {

    /** The grid trigger, row-major, applied to every channel. */
    static final int[][] GRID = {{0, 0, 255}, {0, 255, 0}, {255, 0, 255}};

    @Override
    public String name() {
        return "badnets";
    }

    @Override
    public PoisonedData poison(ImageDataset train, ImageDataset test, AttackConfig config) {
        config.validate(train.numClasses());
        if (train.height() < 3 || train.width() < 3) {
            throw new IllegalArgumentException("the 3x3 BadNets trigger is larger than the " + train.height() + "x"
                    + train.width() + " images");
        }
        int k = train.numClasses();
        int[] idx = PoisonSampling.choose(train, config);
        byte[] px = train.pixels();
        int[] labels = train.labels();
        for (int i : idx) {
            stamp(px, i, train);
            labels[i] = config.poisonLabel(labels[i], k);
        }
        ImageDataset poisoned = new ImageDataset(px, labels, train.channels(), train.height(), train.width(), k);

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
        for (int j = 0; j < sel.length; j++) {
            stamp(tpx, j, chosen);
            attackLabels[j] = config.poisonLabel(trueLabels[j], k);
        }
        ImageDataset triggered = new ImageDataset(tpx, attackLabels, test.channels(), test.height(), test.width(), k);
        return new PoisonedData(poisoned, idx, triggered, trueLabels);
    }

    /** Writes the grid into image {@code i} of a pixel buffer shaped like {@code shape}. */
    static void stamp(byte[] px, int i, ImageDataset shape) {
        int c = shape.channels();
        int h = shape.height();
        int w = shape.width();
        for (int ch = 0; ch < c; ch++) {
            for (int r = 0; r < 3; r++) {
                for (int col = 0; col < 3; col++) {
                    px[((i * c + ch) * h + (h - 3 + r)) * w + (w - 3 + col)] = (byte) GRID[r][col];
                }
            }
        }
    }
}
