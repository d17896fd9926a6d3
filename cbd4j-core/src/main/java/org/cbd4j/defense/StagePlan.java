package org.cbd4j.defense;

import ai.djl.ndarray.NDArray;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.cbd4j.data.ImageDataset;
import org.cbd4j.model.Network;
import org.cbd4j.train.Checkpoints;
import org.cbd4j.train.Learner;
import org.cbd4j.train.LearningRate;
import org.cbd4j.train.StepSchedule;
import org.cbd4j.train.SupervisedTraining;
import org.cbd4j.train.TrainConfig;
import org.cbd4j.train.TrainingState;

/**
 * The ordered stages of a defense and where each continues after a checkpoint: a stage before
 * the checkpoint's is finished, the checkpoint's own stage continues after its epoch count, later
 * stages start from zero.
 */
final class StagePlan {

    private final DefenseContext ctx;
    private final List<String> stages;
    private final Optional<Checkpoints.Checkpoint> resume;

    StagePlan(DefenseContext ctx, String... stages) throws IOException {
        this.ctx = ctx;
        this.stages = List.of(stages);
        this.resume = ctx.checkpointer().resumePoint();
        if (resume.isPresent() && !this.stages.contains(resume.get().stage())) {
            throw new IOException("checkpoint of stage '" + resume.get().stage() + "' does not belong to this defense "
                    + "(stages: " + String.join(", ", stages) + ")");
        }
    }

    /** Loads the checkpoint into {@code state}, if resuming. */
    void restore(TrainingState state) throws IOException {
        if (resume.isPresent()) {
            state.restore(resume.get());
        }
    }

    /** Epochs of {@code stage} already done. */
    int done(String stage) {
        if (resume.isEmpty()) {
            return 0;
        }
        int at = stages.indexOf(resume.get().stage());
        int here = stages.indexOf(stage);
        return here < at ? Integer.MAX_VALUE : here == at ? resume.get().epochsDone() : 0;
    }

    /** Whether the checkpoint lies after {@code stage}, so what was computed at its end is in the checkpoint. */
    boolean passed(String stage) {
        return resume.isPresent() && stages.indexOf(stage) < stages.indexOf(resume.get().stage());
    }

    /**
     * Trains the remaining epochs of one supervised stage, telling the listener and saving a
     * checkpoint after each.
     *
     * @param schedule learning rate per epoch, or null for a constant rate
     */
    void supervised(String stage, Network net, Learner learner, LearningRate lr, StepSchedule schedule, ImageDataset data,
            TrainConfig cfg, TrainingState state, UnaryOperator<NDArray> objective) throws IOException {
        for (int e = done(stage); e < cfg.epochs(); e++) {
            if (schedule != null) {
                lr.set(schedule.at(e));
            }
            double loss = SupervisedTraining.epoch(stage, net, learner, data, cfg, e, objective);
            ctx.listener().epochEnd(stage, e, net, Map.of("loss", loss, "lr", (double) lr.get()), null);
            ctx.checkpointer().save(stage, e + 1, state);
        }
    }
}
