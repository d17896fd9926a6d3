package org.cbd4j.attack;

import org.cbd4j.data.ImageDataset;
import org.cbd4j.method.Method;
import org.cbd4j.method.Paper;

/** Leaves the data clean ({@code --attack none}); the triggered test set is empty. */
public final class NoAttack implements Attack {

    /** Registry entry: no options. */
    public static final Method<Attack> METHOD = new Method<>("none", "leaves the data clean (the reference point)",
            Paper.NONE, java.util.List.of(), o -> new NoAttack());

    @Override
    public String name() {
        return "none";
    }

    @Override
    public PoisonedData poison(ImageDataset train, ImageDataset test, AttackConfig config) {
        return new PoisonedData(train, new int[0], test.select(new int[0]), new int[0]);
    }
}
