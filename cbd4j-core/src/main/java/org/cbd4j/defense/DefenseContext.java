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
 */
public record DefenseContext(
        ImageDataset train, String architecture, TrainConfig config, EpochListener listener, Checkpointer checkpointer) {}
