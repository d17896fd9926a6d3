package org.cbd4j.defense;

import org.cbd4j.data.ImageDataset;
import org.cbd4j.train.TrainConfig;

/**
 * Everything a defense may use.
 *
 * @param train the (possibly poisoned) training set; defenses do not know which samples are poisoned
 * @param architecture model name for {@link org.cbd4j.model.Models}
 * @param config training hyper-parameters and seed
 * @param listener told after every epoch
 * @param checkpointer saves state after every epoch and says where to resume
 * @param cleanReserve clean images held out of {@code train} before poisoning, for the defenses
 *     that declare {@link CleanReserve#FRACTION}; null for every other defense
 */
public record DefenseContext(ImageDataset train, String architecture, TrainConfig config, EpochListener listener,
        Checkpointer checkpointer, ImageDataset cleanReserve) {

    /** A context without a clean reserve (training-time defenses). */
    public DefenseContext(ImageDataset train, String architecture, TrainConfig config, EpochListener listener,
            Checkpointer checkpointer) {
        this(train, architecture, config, listener, checkpointer, null);
    }

    /** The clean reserve, or an error naming the defense that needs one. */
    public ImageDataset requireCleanReserve(String defense) {
        if (cleanReserve == null || cleanReserve.size() == 0) {
            throw new IllegalStateException(defense + " needs a clean reserve (--" + CleanReserve.FRACTION.name()
                    + "), and none was drawn");
        }
        return cleanReserve;
    }
}
