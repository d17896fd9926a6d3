package org.cbd4j.attack;

import java.util.Map;
import org.cbd4j.data.ImageDataset;

/**
 * BadNets with the 3x3 grid trigger of docs/METHOD.md §3: the bottom-right 3x3 pixels of every channel are
 * replaced by [[0,0,255],[0,255,0],[255,0,255]] and the label is flipped.
 *
 * @see <a href="https://arxiv.org/abs/1708.06733">Gu et al., BadNets (2017)</a>
 */
public final class BadNets extends TriggerAttack {

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
