package org.cbd4j.defense;

import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import org.cbd4j.data.ImageDataset;
import org.cbd4j.model.Network;
import org.cbd4j.train.Checkpoints;
import org.cbd4j.train.LearningRate;
import org.cbd4j.train.NesterovSgd;
import org.cbd4j.train.Learner;
import org.cbd4j.train.StepSchedule;
import org.cbd4j.train.SupervisedTraining;
import org.cbd4j.train.TrainConfig;
import org.cbd4j.train.TrainingState;

/**
 * Ordinary training ({@code --defense none}): the undefended baseline every DER is measured
 * against. Uses the same optimiser, schedule and augmentation as CBD's f_C.
 */
public final class NoDefense implements Defense {

    @Override
    public String name() {
        return "none";
    }

    @Override
    public DefenseResult apply(DefenseContext ctx) throws IOException {
        TrainConfig cfg = ctx.config();
        ImageDataset train = ctx.train();
        Network net = Network.forData("model", ctx.architecture(), train);
        StepSchedule schedule = StepSchedule.reference(cfg.lr(), cfg.epochs());
        LearningRate lr = new LearningRate(cfg.lr());
        NesterovSgd sgd = new NesterovSgd(lr, cfg.momentum(), cfg.weightDecay());
        Learner learner = new Learner(net.block(), sgd);
        TrainingState state = new TrainingState().block("model", net.block()).optimizer("model", sgd, net.manager());
        int start = 0;
        Optional<Checkpoints.Checkpoint> resume = ctx.checkpointer().resumePoint();
        if (resume.isPresent()) {
            state.restore(resume.get());
            start = resume.get().epochsDone();
        }
        for (int e = start; e < cfg.epochs(); e++) {
            lr.set(schedule.at(e));
            double loss = SupervisedTraining.epoch("train", net, learner, train, cfg, e);
            ctx.listener().epochEnd("train", e, net, Map.of("loss", loss, "lr", (double) lr.get()), null);
            ctx.checkpointer().save("train", e + 1, state);
        }
        return DefenseResult.of(net);
    }
}
