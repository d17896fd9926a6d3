package org.cbd4j.defense;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.cbd4j.data.ImageDataset;
import org.cbd4j.eval.Evaluator;
import org.cbd4j.model.Network;
import org.cbd4j.train.Adam;
import org.cbd4j.train.Batches;
import org.cbd4j.train.DivergenceException;
import org.cbd4j.train.LearningRate;
import org.cbd4j.train.Learner;
import org.cbd4j.train.Losses;
import org.cbd4j.train.NesterovSgd;
import org.cbd4j.train.Progress;
import org.cbd4j.train.Seeds;
import org.cbd4j.train.TestHooks;
import org.cbd4j.train.StepSchedule;
import org.cbd4j.train.SupervisedTraining;
import org.cbd4j.train.TrainConfig;
import org.cbd4j.train.TrainingState;

/**
 * Causality-inspired Backdoor Defense (SPEC §2). Stage 1 trains f_B briefly with plain
 * cross-entropy so that it captures the trigger shortcut; stage 2 trains f_C with per-sample
 * weights l_B / (l_B + l_C) and a penalty on the mutual information between the two embeddings,
 * estimated by an adversarially trained, spectrally normalised critic.
 *
 * <p>Deliberate choices where the reference code (zaixizhang/CBD) differs, see README:
 * the MI term is on by default; critic and f_C alternate per batch (one f_C forward serves both);
 * f_B trains at a constant rate ({@code --lr}); spectral normalisation divides by sigma and leaves
 * biases alone; everything is seeded and saved.
 *
 * @see <a href="https://arxiv.org/abs/2303.06818">Zhang et al., Backdoor Defense via Deconfounded
 *     Representation Learning, CVPR 2023</a>
 */
public final class CbdDefense implements Defense {

    private final CbdConfig cbd;

    public CbdDefense(CbdConfig cbd) {
        this.cbd = cbd.validate();
    }

    @Override
    public String name() {
        return "cbd";
    }

    @Override
    public DefenseResult apply(DefenseContext ctx) throws IOException {
        TrainConfig cfg = ctx.config();
        ImageDataset train = ctx.train();
        Network fB = Network.forData("f_B", ctx.architecture(), train);
        Network fC = Network.forData("f_C", ctx.architecture(), train);
        MiCritic critic = new MiCritic(fC.block().embeddingSize());

        TrainConfig fbCfg = new TrainConfig(cbd.fbEpochs(), cfg.batchSize(), cfg.lr(), cfg.momentum(),
                cfg.weightDecay(), cfg.augmentation(), cfg.seed() + 1);
        NesterovSgd fbSgd = new NesterovSgd(new LearningRate(cfg.lr()), cfg.momentum(), cfg.weightDecay());
        Learner fbLearner = new Learner(fB.block(), fbSgd);
        StepSchedule schedule = StepSchedule.reference(cfg.lr(), cfg.epochs());
        LearningRate fcLr = new LearningRate(cfg.lr());
        NesterovSgd fcSgd = new NesterovSgd(fcLr, cfg.momentum(), cfg.weightDecay());
        Learner fcLearner = new Learner(fC.block(), fcSgd);
        int criticStep = Math.max(1, Math.round(cfg.epochs() * 0.2f));
        StepSchedule criticSchedule = new StepSchedule(cbd.criticLr(), 0.1f,
                java.util.stream.IntStream.rangeClosed(1, 4).map(k -> k * criticStep).toArray());
        LearningRate criticLr = new LearningRate(cbd.criticLr());
        Adam criticAdam = Adam.withDefaults(criticLr);
        Learner criticLearner = new Learner(critic.block(), criticAdam);
        SpectralNorm spectral = new SpectralNorm(5);
        float[] weights = new float[train.size()];
        TrainingState state = new TrainingState()
                .block("f_B", fB.block()).block("f_C", fC.block()).block("critic", critic.block())
                .optimizer("f_B", fbSgd, fB.manager()).optimizer("f_C", fcSgd, fC.manager())
                .optimizer("critic", criticAdam, critic.model().getNDManager())
                .vectors("spectral", spectral::vectors, spectral::restore)
                .vectors("weights", () -> Map.of("w", weights), m -> System.arraycopy(m.get("w"), 0, weights, 0,
                        weights.length));

        StagePlan plan = new StagePlan(ctx, "f_B", "f_C");
        plan.restore(state);

        // Stage 1: f_B at a constant rate, stopped early on purpose.
        for (int e = plan.done("f_B"); e < cbd.fbEpochs(); e++) {
            double loss = SupervisedTraining.epoch("f_B", fB, fbLearner, train, fbCfg, e);
            ctx.listener().epochEnd("f_B", e, fB, Map.of("loss", loss), null);
            ctx.checkpointer().save("f_B", e + 1, state);
        }

        // Stage 2: f_C with re-weighting and the MI penalty.
        // cbd4j weighting: f_B's loss on the un-augmented sample. Augmentation can crop a trigger
        // away; f_B then finds that poisoned sample hard, and the paper's per-batch l_B gives it a
        // large weight, teaching f_C the target label for partly triggered images.
        float[] staticLossB = cbd.paperWeighting() ? null : Evaluator.predict(fB, train, 256).losses();
        for (int e = plan.done("f_C"); e < cfg.epochs(); e++) {
            fcLr.set(schedule.at(e));
            criticLr.set(criticSchedule.at(e));
            Map<String, Double> stats = stage2Epoch(fB, fC, critic, fcLearner, criticLearner, spectral, train, cfg, e,
                    staticLossB, weights);
            stats.put("lr", (double) fcLr.get());
            ctx.listener().epochEnd("f_C", e, fC, stats, weights.clone());
            ctx.checkpointer().save("f_C", e + 1, state);
        }

        // Final per-sample scores on un-augmented images.
        Evaluator.Predictions pb = Evaluator.predict(fB, train, 256);
        Evaluator.Predictions pc = Evaluator.predict(fC, train, 256);
        float[] rawWeight = new float[train.size()];
        float[] suspicion = new float[train.size()];
        for (int i = 0; i < rawWeight.length; i++) {
            rawWeight[i] = pb.losses()[i] / (pb.losses()[i] + pc.losses()[i] + CbdWeights.EPS);
            suspicion[i] = 1f - rawWeight[i];
        }
        Map<String, float[]> columns = new LinkedHashMap<>();
        columns.put("loss_fb", pb.losses());
        columns.put("loss_fc", pc.losses());
        columns.put("weight", rawWeight);
        columns.put("last_epoch_weight", weights);
        Map<String, Network> aux = new LinkedHashMap<>();
        aux.put("f_B", fB);
        critic.close();
        // A sample whose weight f_B's and f_C's losses put below one half is counted as flagged.
        boolean[] flagged = new boolean[suspicion.length];
        for (int i = 0; i < flagged.length; i++) {
            flagged[i] = suspicion[i] > 0.5f;
        }
        return new DefenseResult(fC, aux, suspicion, flagged, columns);
    }

    private NDArray weights(NDArray lossB, NDArray lossC, NDArray labels, int numClasses) {
        if (!cbd.reweight()) {
            return lossC.onesLike();
        }
        if (cbd.paperWeighting()) {
            return CbdWeights.weights(lossB, lossC);
        }
        return CbdWeights.classBalanced(lossB, lossC, labels.oneHot(numClasses));
    }

    private Map<String, Double> stage2Epoch(Network fB, Network fC, MiCritic critic, Learner fcLearner,
            Learner criticLearner, SpectralNorm spectral, ImageDataset train, TrainConfig cfg, int epoch,
            float[] staticLossB, float[] weightsOut) {
        Seeds.seedEpoch(cfg.seed(), "f_C", epoch);
        int n = train.size();
        int[] order = Batches.epochOrder(n, cfg.seed(), epoch);
        int[] labels = train.labels();
        Random aug = new Random(cfg.seed() * 31 + epoch);
        double ceSum = 0;
        double miSum = 0;
        int batches = (n + cfg.batchSize() - 1) / cfg.batchSize();
        try (Progress p = new Progress("f_C epoch " + (epoch + 1) + "/" + cfg.epochs(), n)) {
            for (int b = 0; b < batches; b++) {
                int from = b * cfg.batchSize();
                int to = Math.min(n, from + cfg.batchSize());
                if (to - from < 2) {
                    continue;
                }
                TestHooks.atBatch("f_C", epoch, b);
                float ce;
                float mi = 0;
                try (NDManager bm = fC.manager().newSubManager()) {
                    NDArray x = cfg.augmentation().apply(Batches.images(bm, train, order, from, to), aug);
                    NDArray y = Batches.labels(bm, labels, order, from, to);
                    // f_B is frozen: inference mode outside any collector records no graph. Its
                    // forward pass is needed only for the MI term or the paper's per-batch l_B.
                    NDList outB = cbd.mutualInformation() || staticLossB == null
                            ? fB.forward(new NDList(x), false) : null;
                    NDArray lossB = staticLossB == null
                            ? Losses.perSampleCrossEntropy(outB.get(0), y)
                            : Batches.values(bm, staticLossB, order, from, to);
                    NDArray zB = outB == null ? null : outB.get(1);
                    NDArray zC;
                    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                        NDList outC = fC.forward(new NDList(x), true);
                        zC = outC.get(1);
                        NDArray lossC = Losses.perSampleCrossEntropy(outC.get(0), y);
                        NDArray w = weights(lossB, lossC.stopGradient(), y, train.numClasses());
                        NDArray loss = w.mul(lossC).mean();
                        ce = loss.getFloat();
                        if (cbd.mutualInformation()) {
                            NDArray est = critic.estimate(zB, zC, true);
                            mi = est.getFloat();
                            loss = loss.add(est.mul(cbd.lambda()));
                        }
                        if (!Float.isFinite(ce) || !Float.isFinite(mi)) {
                            throw new DivergenceException("f_C", epoch, b, Float.isFinite(ce) ? mi : ce);
                        }
                        gc.backward(loss);
                        float[] wv = w.toFloatArray();
                        for (int k = from; k < to; k++) {
                            weightsOut[order[k]] = wv[k - from];
                        }
                    }
                    fcLearner.step();
                    if (cbd.mutualInformation()) {
                        // The f_C loss also reached the critic; those gradients are not the critic's.
                        criticLearner.zeroGradients();
                        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                            NDArray est = critic.estimate(zB, zC.stopGradient(), true);
                            gc.backward(est.neg());
                        }
                        criticLearner.step();
                        spectral.apply(critic.block());
                    }
                }
                ceSum += ce * (to - from);
                miSum += mi * (to - from);
                p.step(to - from, String.format("ce %.4f mi %.5f", ceSum / to, miSum / to));
            }
        }
        Map<String, Double> stats = new LinkedHashMap<>();
        stats.put("loss", ceSum / n);
        stats.put("mi", miSum / n);
        return stats;
    }
}
