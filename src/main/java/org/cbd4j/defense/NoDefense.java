package org.cbd4j.defense;

import java.util.Map;
import org.cbd4j.data.ImageDataset;
import org.cbd4j.model.Network;
import org.cbd4j.train.LearningRate;
import org.cbd4j.train.Learner;
import org.cbd4j.train.StepSchedule;
import org.cbd4j.train.SupervisedTraining;
import org.cbd4j.train.TrainConfig;

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
    public DefenseResult apply(DefenseContext ctx) {
        TrainConfig cfg = ctx.config();
        ImageDataset train = ctx.train();
        Network net = Network.create("model", ctx.architecture(), train.numClasses(), train.channels(),
                train.height(), train.width());
        StepSchedule schedule = StepSchedule.reference(cfg.lr(), cfg.epochs());
        LearningRate lr = new LearningRate(cfg.lr());
        Learner learner = SupervisedTraining.learner(net, lr, cfg);
        for (int e = 0; e < cfg.epochs(); e++) {
            lr.set(schedule.at(e));
            double loss = SupervisedTraining.epoch("train", net, learner, train, cfg, e);
            ctx.listener().epochEnd("train", e, net, Map.of("loss", loss, "lr", (double) lr.get()), null);
        }
        return DefenseResult.of(net);
    }
}
