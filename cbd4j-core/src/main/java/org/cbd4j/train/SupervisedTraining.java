package org.cbd4j.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.training.GradientCollector;
import java.util.Random;
import java.util.function.UnaryOperator;
import org.cbd4j.data.ImageDataset;
import org.cbd4j.model.ComputeDevice;
import org.cbd4j.model.Network;

/** Plain cross-entropy training, one epoch at a time: the undefended baseline and CBD's f_B. */
public final class SupervisedTraining {

    private SupervisedTraining() {}

    /** A Nesterov-SGD learner for {@code net} whose rate is driven by {@code lr}. */
    public static Learner learner(Network net, LearningRate lr, TrainConfig cfg) {
        return new Learner(net.block(), new NesterovSgd(lr, cfg.momentum(), cfg.weightDecay()));
    }

    /**
     * Trains one epoch and returns the mean training loss.
     *
     * @param stage name used in progress output and divergence errors
     */
    public static double epoch(
            String stage, Network net, Learner learner, ImageDataset data, TrainConfig cfg, int epoch) {
        return epoch(stage, net, learner, data, cfg, epoch, UnaryOperator.identity());
    }

    /**
     * Trains one epoch on {@code objective(mean cross-entropy)} and returns the mean cross-entropy
     * (ABL's flooded isolation loss and its gradient-ascent unlearning are such objectives).
     */
    public static double epoch(String stage, Network net, Learner learner, ImageDataset data, TrainConfig cfg,
            int epoch, UnaryOperator<NDArray> objective) {
        Seeds.seedEpoch(cfg.seed(), stage, epoch);
        int n = data.size();
        int[] order = Batches.epochOrder(n, cfg.seed(), stage, epoch);
        int[] labels = data.labels();
        Random aug = Seeds.random(cfg.seed(), stage + "/augment", epoch);
        int batches = (n + cfg.batchSize() - 1) / cfg.batchSize();
        try (Progress p = new Progress(stage + " epoch " + (epoch + 1) + "/" + cfg.epochs(), n);
                LossReadback losses = new LossReadback(net.manager(), ComputeDevice.lossReadInterval(), stage, epoch)) {
            for (int b = 0; b < batches; b++) {
                int from = b * cfg.batchSize();
                int to = Math.min(n, from + cfg.batchSize());
                if (to - from < 2) {
                    continue; // BatchNorm cannot train on a single sample
                }
                CrashPoints.atBatch(stage, epoch, b);
                try (NDManager bm = net.manager().newSubManager()) {
                    NDArray x = cfg.augmentation().apply(Batches.images(bm, data, order, from, to), aug);
                    NDArray y = Batches.labels(bm, labels, order, from, to);
                    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                        NDArray l;
                        // The forward's intermediates are released before the backward pass: autograd
                        // holds the ones it needs, and Java handles kept to the end of the step would keep
                        // every activation alive through the backward (PyTorch in Python frees them).
                        try (NDScope forward = new NDScope()) {
                            NDArray logits = net.forward(new NDList(x), true).get(0);
                            l = Losses.perSampleCrossEntropy(logits, y).mean();
                            NDScope.unregister(l);
                        }
                        losses.add(l, b, to - from);
                        gc.backward(objective.apply(l));
                    }
                    learner.step();
                }
                p.step(to - from, losses.count() == 0 ? "" : String.format("loss %.4f", losses.sum() / losses.count()));
            }
            losses.flush();
            return losses.sum() / n;
        }
    }
}
