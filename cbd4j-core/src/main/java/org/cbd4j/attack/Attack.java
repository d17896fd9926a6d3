package org.cbd4j.attack;

import org.cbd4j.data.ImageDataset;

/** A data-poisoning attack: returns a poisoned copy of the data and never modifies its inputs. */
public interface Attack {

    /** The name used on the command line. */
    String name();

    /**
     * Poisons a training set and builds the triggered test set.
     *
     * @param train the clean training set (not modified)
     * @param test the clean test set (not modified)
     * @param config rate, target, label mode and seed
     */
    PoisonedData poison(ImageDataset train, ImageDataset test, AttackConfig config);
}
