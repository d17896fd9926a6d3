package org.cbd4j.attack;

import java.util.Map;
import org.cbd4j.data.ImageDataset;
import org.cbd4j.method.Method;
import org.cbd4j.method.Paper;

/**
 * BadNets with the 3x3 grid trigger of docs/METHOD.md §3: the bottom-right 3x3 pixels of every channel are
 * replaced by [[0,0,255],[0,255,0],[255,0,255]] and the label is flipped.
 *
 * @see <a href="https://arxiv.org/abs/1708.06733">Gu et al., BadNets (2017)</a>
 */
public final class BadNets extends TriggerAttack {

    /** Registry entry: no options (the trigger is fixed). */
    public static final Method<Attack> METHOD = new Method<>("badnets",
            "3x3 grid patch in the bottom-right corner, labels flipped to the target",
            new Paper("Gu, Dolan-Gavitt, Garg: BadNets, 2017", "https://arxiv.org/abs/1708.06733"), java.util.List.of(),
            o -> new BadNets());

    /** The grid trigger, row-major, applied to every channel. */
    static final int[][] GRID = {{0, 0, 255}, {0, 255, 0}, {255, 0, 255}};

    @Override
    public String name() {
        return "badnets";
    }

    @Override
    protected Trigger trigger(ImageDataset train, AttackConfig config, Map<String, byte[]> artifacts) {
        if (train.height() < 3 || train.width() < 3) {
            throw new IllegalArgumentException("the 3x3 BadNets trigger is larger than the " + train.height() + "x"
                    + train.width() + " images");
        }
        return BadNets::stamp;
    }

    /** Writes the grid into image {@code i} of a pixel buffer shaped like {@code shape}. */
    static void stamp(byte[] px, int i, ImageDataset shape) {
        Patches.put(px, i, shape, GRID, shape.height() - 3, shape.width() - 3, false, false);
    }
}
