package org.cbd4j.defense;

import java.io.IOException;
import java.util.Optional;
import org.cbd4j.train.Checkpoints;
import org.cbd4j.train.TrainingState;

/** Where a defense saves its state after every epoch, and the state to resume from. */
public interface Checkpointer {

    /** The checkpoint to continue from, when resuming. */
    Optional<Checkpoints.Checkpoint> resumePoint() throws IOException;

    /** Saves the state after {@code epochsDone} epochs of {@code stage}. */
    void save(String stage, int epochsDone, TrainingState state) throws IOException;

    /** No checkpoints (benchmarks, tests of pure logic). */
    static Checkpointer none() {
        return new Checkpointer() {
            @Override
            public Optional<Checkpoints.Checkpoint> resumePoint() {
                return Optional.empty();
            }

            @Override
            public void save(String stage, int epochsDone, TrainingState state) {}
        };
    }
}
