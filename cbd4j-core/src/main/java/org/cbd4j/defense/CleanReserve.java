package org.cbd4j.defense;

import java.util.stream.IntStream;
import org.cbd4j.data.ImageDataset;
import org.cbd4j.method.Method;
import org.cbd4j.method.Option;

/**
 * The small clean set that post-training defenses (fine-pruning, NAD, mode-connectivity repair)
 * assume their user has. Those defenses declare {@link #FRACTION} among their options; for them the
 * pipeline draws the reserve from the training set <em>before</em> poisoning (seeded,
 * class-stratified), poisons only the rest, trains the model to be repaired on the rest and hands
 * the reserve to the defense. Training-time defenses (CBD, ABL, the filters) get no reserve and
 * need none: that is the difference the comparison table has to show.
 */
public final class CleanReserve {

    /** The one declaration every reserve-using defense lists (so the flag means the same for all). */
    public static final Option<Double> FRACTION = Option.real("clean-reserve", 0.05, "(0, 0.5]",
            "fraction of the training set held out clean before poisoning and given to the defense "
                    + "(the undefended model it repairs trains on the rest)");

    private CleanReserve() {}

    /** Whether a defense declares the reserve option, so the pipeline must draw one for it. */
    public static boolean needed(Method<?> defense) {
        return defense.options().stream().anyMatch(o -> o.name().equals(FRACTION.name()));
    }

    /** The reserve and the rest of a training set. */
    public record Split(ImageDataset reserve, ImageDataset rest) {}

    /**
     * Holds out {@code round(fraction x size)} images (at least one), class-stratified and drawn
     * with {@code seed}; both parts keep the original order.
     */
    public static Split draw(ImageDataset train, double fraction, long seed) {
        int n = (int) Math.max(1, Math.round(fraction * train.size()));
        int[] reserve = train.stratifiedIndices(n, seed);
        boolean[] held = new boolean[train.size()];
        for (int i : reserve) {
            held[i] = true;
        }
        int[] rest = IntStream.range(0, train.size()).filter(i -> !held[i]).toArray();
        return new Split(train.select(reserve), train.select(rest));
    }
}
