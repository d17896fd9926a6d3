package org.cbd4j.defense;

import java.io.IOException;
import java.util.function.UnaryOperator;
import org.cbd4j.method.Method;
import org.cbd4j.method.Paper;
import org.cbd4j.model.Network;
import org.cbd4j.train.Learner;
import org.cbd4j.train.LearningRate;
import org.cbd4j.train.NesterovSgd;
import org.cbd4j.train.StepSchedule;
import org.cbd4j.train.TrainConfig;
import org.cbd4j.train.TrainingState;

/**
 * Ordinary training ({@code --defense none}): the undefended baseline every DER is measured
 * against. Uses the same optimiser, schedule and augmentation as CBD's f_C.
 */
public final class NoDefense implements Defense {

    /** Registry entry: no options. */
    public static final Method<Defense> METHOD = new Method<>("none", "trains on the data as given (the reference point)",
            Paper.NONE, java.util.List.of(), o -> new NoDefense());

    @Override
    public String name() {
        return "none";
    }

    @Override
    public DefenseResult apply(DefenseContext ctx) throws IOException {
        TrainConfig cfg = ctx.config();
        Network net = Network.forData("model", ctx.architecture(), ctx.train());
        LearningRate lr = new LearningRate(cfg.lr());
        NesterovSgd sgd = new NesterovSgd(lr, cfg.momentum(), cfg.weightDecay());
        TrainingState state = new TrainingState().block("model", net.block()).optimizer("model", sgd, net.manager());
        StagePlan plan = new StagePlan(ctx, "train");
        plan.restore(state);
        plan.supervised("train", net, new Learner(net.block(), sgd), lr, StepSchedule.reference(cfg.lr(), cfg.epochs()),
                ctx.train(), cfg, state, UnaryOperator.identity());
        return DefenseResult.of(net);
    }
}
