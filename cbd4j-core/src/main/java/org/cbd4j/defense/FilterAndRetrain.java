package org.cbd4j.defense;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.cbd4j.data.ImageDataset;
import org.cbd4j.model.Network;
import org.cbd4j.train.Learner;
import org.cbd4j.train.LearningRate;
import org.cbd4j.train.Messages;
import org.cbd4j.train.NesterovSgd;
import org.cbd4j.train.StepSchedule;
import org.cbd4j.train.TrainConfig;
import org.cbd4j.train.TrainingState;

/**
 * The shape shared by the data-filtering baselines: train a screening model on everything
 * (stage "train", exactly as {@code none}), score every training sample from it, drop the
 * flagged ones, and train a fresh model from scratch on the rest (stage "retrain").
 */
abstract class FilterAndRetrain implements Defense {

    /** Per-sample suspicion (higher = more likely poisoned) and the samples to drop. */
    record Screening(float[] suspicion, boolean[] flagged) {}

    /** Scores the training set with the trained screening model. */
    abstract Screening screen(Network screeningModel, ImageDataset train, long seed);

    @Override
    public final DefenseResult apply(DefenseContext ctx) throws IOException {
        TrainConfig cfg = ctx.config();
        ImageDataset train = ctx.train();
        int n = train.size();
        Network screenNet = Network.forData("screening_model", ctx.architecture(), train);
        Network model = Network.forData("model", ctx.architecture(), train);
        LearningRate screenLr = new LearningRate(cfg.lr());
        NesterovSgd screenSgd = new NesterovSgd(screenLr, cfg.momentum(), cfg.weightDecay());
        LearningRate lr = new LearningRate(cfg.lr());
        NesterovSgd sgd = new NesterovSgd(lr, cfg.momentum(), cfg.weightDecay());
        float[] suspicion = new float[n];
        float[] flaggedAsFloat = new float[n];
        TrainingState state = new TrainingState()
                .block("screening_model", screenNet.block()).block("model", model.block())
                .optimizer("screening_model", screenSgd, screenNet.manager()).optimizer("model", sgd, model.manager())
                .vectors("screening", () -> Map.of("suspicion", suspicion, "flagged", flaggedAsFloat), m -> {
                    System.arraycopy(m.get("suspicion"), 0, suspicion, 0, n);
                    System.arraycopy(m.get("flagged"), 0, flaggedAsFloat, 0, n);
                });
        StagePlan plan = new StagePlan(ctx, "train", "retrain");
        plan.restore(state);
        StepSchedule schedule = StepSchedule.reference(cfg.lr(), cfg.epochs());
        plan.supervised("train", screenNet, new Learner(screenNet.block(), screenSgd), screenLr, schedule, train, cfg,
                state, UnaryOperator.identity());

        boolean[] flagged = new boolean[n];
        if (plan.passed("train")) {
            for (int i = 0; i < n; i++) {
                flagged[i] = flaggedAsFloat[i] != 0;
            }
        } else {
            Screening s = screen(screenNet, train, cfg.seed());
            System.arraycopy(s.suspicion(), 0, suspicion, 0, n);
            flagged = s.flagged();
            for (int i = 0; i < n; i++) {
                flaggedAsFloat[i] = flagged[i] ? 1f : 0f;
            }
        }
        int[] kept = java.util.stream.IntStream.range(0, n).filter(i -> flaggedAsFloat[i] == 0f).toArray();
        Messages.sayf("%s: removed %d of %d training images; retraining from scratch on %d", name(), n - kept.length, n,
                kept.length);
        plan.supervised("retrain", model, new Learner(model.block(), sgd), lr, schedule, train.select(kept), cfg, state,
                UnaryOperator.identity());
        Map<String, Network> aux = new LinkedHashMap<>();
        aux.put("screening_model", screenNet);
        return new DefenseResult(model, aux, suspicion, flagged, new LinkedHashMap<>());
    }
}
