package org.cbd4j.attack;

import org.cbd4j.data.ImageDataset;

/** Leaves the data clean ({@code --attack none}); the triggered test set is empty. */
public final class NoAttack implements Attack {

    @Override
    public String name() {
        return "none";
    }

    @Override
    public PoisonedData poison(ImageDataset train, ImageDataset test, AttackConfig config) {
        return new PoisonedData(train, new int[0], test.select(new int[0]), new int[0]);
    }
}
