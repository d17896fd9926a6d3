package org.cbd4j.defense;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.UnaryOperator;
import org.cbd4j.data.ImageDataset;
import org.cbd4j.eval.Evaluator;
import org.cbd4j.eval.Metrics;
import org.cbd4j.method.Method;
import org.cbd4j.method.Option;
import org.cbd4j.method.OptionValues;
import org.cbd4j.method.Paper;
import org.cbd4j.model.Network;
import org.cbd4j.train.Batches;
import org.cbd4j.train.CrashPoints;
import org.cbd4j.train.DivergenceException;
import org.cbd4j.train.Learner;
import org.cbd4j.train.LearningRate;
import org.cbd4j.train.Losses;
import org.cbd4j.train.Messages;
import org.cbd4j.train.NesterovSgd;
import org.cbd4j.train.Progress;
import org.cbd4j.train.Seeds;
import org.cbd4j.train.StepSchedule;
import org.cbd4j.train.TrainConfig;
import org.cbd4j.train.TrainingState;

/**
 * Mode-connectivity repair ({@code --defense mcr}), a post-training repair that assumes a small
 * clean reserve. Two models with the backdoor, w1 and w2, are joined by a quadratic Bezier curve
 * {@code phi(t) = (1-t)^2 w1 + 2t(1-t) theta + t^2 w2} whose bend theta alone is trained, on the
 * reserve, on the cross-entropy of {@code phi(t)} at a fresh {@code t ~ U(0,1)} per batch. The
 * clean reserve keeps the whole curve accurate on clean images, but nothing holds the backdoor up
 * between the ends, and it fades there; the model at {@code --mcr-t} is returned, its BatchNorm
 * statistics recomputed on the reserve.
 *
 * <p>w1 is the model trained on the poisoned rest of the data. The paper's w2 is a second model
 * trained like it from another initialisation ({@code --mcr-endpoint retrain}); the default is
 * BackdoorBench's cheaper choice, w1 fine-tuned on the reserve ({@code finetune}). theta starts at
 * the midpoint {@code (w1 + w2) / 2}, as in the paper's code.
 *
 * <p>The forward pass runs the bend's network through a {@link ParameterStore} that hands every
 * layer {@code phi(t)} instead of its own weights, computed from theta with NDArray ops inside the
 * gradient collector; autograd then gives {@code dL/dtheta = 2t(1-t) dL/dw} at {@code w = phi(t)},
 * which is exact because {@code phi(t)} is linear in theta. Weight decay is the paper code's
 * regulariser on the curve point, {@code wd/2 ||phi(t)||^2}, not a decay of theta.
 *
 * @see <a href="https://arxiv.org/abs/2005.00060">Zhao, Chen, Das, Ramamurthy, Lin: Bridging Mode
 *     Connectivity in Loss Landscapes and Adversarial Robustness, ICLR 2020</a>
 */
public final class ModeConnectivityRepair implements Defense {

    static final Option<String> ENDPOINT = Option.text("mcr-endpoint", "finetune",
            v -> v.equals("finetune") || v.equals("retrain"), "finetune or retrain",
            "the curve's second end: finetune, the trained model fine-tuned on the clean reserve (BackdoorBench), "
                    + "or retrain, a second model trained on the same poisoned data from another initialisation "
                    + "(the paper's two backdoored models; twice the training)");
    static final Option<Integer> ENDPOINT_EPOCHS = Option.integer("mcr-endpoint-epochs", 10, 1, 100_000,
            "finetune: epochs of fine-tuning the trained model on the reserve (BackdoorBench: 100)");
    static final Option<Double> ENDPOINT_LR = Option.real("mcr-endpoint-lr", 0.01, "(0, inf)",
            "finetune: constant learning rate of that fine-tuning (BackdoorBench: 0.01)");
    static final Option<Integer> EPOCHS = Option.integer("mcr-epochs", 100, 1, 100_000,
            "epochs of training the curve's bend on the reserve (paper's code: 100)");
    static final Option<Double> LR = Option.real("mcr-lr", 0.01, "(0, inf)",
            "learning rate of the curve training: kept for half the epochs, then down linearly to 1 % of it at 90 % "
                    + "(paper's code: 0.01)");
    static final Option<Double> T = Option.real("mcr-t", 0.3, "[0, 1]",
            "the point of the curve returned: 0 is the trained model, 1 the second end");
    static final Option<Double> PATH_STEP = Option.real("mcr-path-step", 0.1, "[0, 1]",
            "after training, evaluate the curve at t = 0, step, 2 step, ... <= 1: one metrics row of stage 'path' "
                    + "per point, in order of t, and the reserve accuracy in summary.json; 0: skip");

    /** Registry entry. */
    public static final Method<Defense> METHOD = new Method<>("mcr",
            "trains a Bezier curve between the trained model and a second one on a clean reserve and returns a "
                    + "point in between, where the backdoor fades",
            new Paper("Zhao, Chen, Das, Ramamurthy, Lin: Bridging Mode Connectivity in Loss Landscapes and "
                    + "Adversarial Robustness, ICLR 2020", "https://arxiv.org/abs/2005.00060"),
            List.of(CleanReserve.FRACTION, ENDPOINT, ENDPOINT_EPOCHS, ENDPOINT_LR, EPOCHS, LR, T, PATH_STEP),
            ModeConnectivityRepair::new);

    static final int EVAL_BATCH = 256;

    private final boolean retrain;
    private final int endpointEpochs;
    private final float endpointLr;
    private final int epochs;
    private final float lr;
    private final float t;
    private final double pathStep;

    ModeConnectivityRepair(OptionValues o) {
        this.retrain = o.get(ENDPOINT).equals("retrain");
        this.endpointEpochs = o.get(ENDPOINT_EPOCHS);
        this.endpointLr = o.get(ENDPOINT_LR).floatValue();
        this.epochs = o.get(EPOCHS);
        this.lr = o.get(LR).floatValue();
        this.t = o.get(T).floatValue();
        this.pathStep = o.get(PATH_STEP);
    }

    @Override
    public String name() {
        return "mcr";
    }

    @Override
    public DefenseResult apply(DefenseContext ctx) throws IOException {
        ImageDataset reserve = ctx.requireCleanReserve(name());
        TrainConfig cfg = ctx.config();
        // Created one after the other, so a retrained second end starts from its own initialisation.
        Network start = Network.forData("curve-start", ctx.architecture(), ctx.train());
        Network end = Network.forData("curve-end", ctx.architecture(), ctx.train());
        Network bend = Network.forData("curve-bend", ctx.architecture(), ctx.train());
        Network point = Network.forData("model", ctx.architecture(), ctx.train());
        LearningRate trainLr = new LearningRate(cfg.lr());
        NesterovSgd sgd = new NesterovSgd(trainLr, cfg.momentum(), cfg.weightDecay());
        LearningRate endLr = new LearningRate(retrain ? cfg.lr() : endpointLr);
        NesterovSgd endSgd = new NesterovSgd(endLr, cfg.momentum(), cfg.weightDecay());
        LearningRate curveLr = new LearningRate(lr);
        NesterovSgd curveSgd = new NesterovSgd(curveLr, cfg.momentum(), 0f); // decay: in the loss, on phi(t)
        TrainingState state = new TrainingState().block("model", start.block()).block("end", end.block())
                .block("bend", bend.block()).optimizer("model", sgd, start.manager())
                .optimizer("end", endSgd, end.manager()).optimizer("curve", curveSgd, bend.manager());
        StagePlan plan = new StagePlan(ctx, "train", "endpoint", "curve");
        plan.restore(state);
        StepSchedule reference = StepSchedule.reference(cfg.lr(), cfg.epochs());
        plan.supervised("train", start, new Learner(start.block(), sgd), trainLr, reference, ctx.train(), cfg, state,
                UnaryOperator.identity());
        if (retrain) {
            plan.supervised("endpoint", end, new Learner(end.block(), endSgd), endLr, reference, ctx.train(), cfg,
                    state, UnaryOperator.identity());
        } else {
            if (plan.done("endpoint") == 0) {
                NeuralAttentionDistillation.copyParameters(start, end); // else it came back with the checkpoint
            }
            TrainConfig ft = new TrainConfig(endpointEpochs, Math.min(cfg.batchSize(), Math.max(2, reserve.size())),
                    endpointLr, cfg.momentum(), cfg.weightDecay(), cfg.augmentation(), cfg.seed() + 2);
            plan.supervised("endpoint", end, new Learner(end.block(), endSgd), endLr, null, reserve, ft, state,
                    UnaryOperator.identity());
        }

        if (plan.done("curve") == 0) {
            midpoint(bend, start, end); // theta = (w1 + w2) / 2: phi(t) starts as the straight line
        }
        Map<String, NDArray[]> ends = ends(bend, start, end);
        TrainConfig curveCfg = new TrainConfig(epochs, Math.min(cfg.batchSize(), Math.max(2, reserve.size())), lr,
                cfg.momentum(), cfg.weightDecay(), cfg.augmentation(), cfg.seed() + 3);
        Learner learner = new Learner(bend.block(), curveSgd);
        for (int e = plan.done("curve"); e < epochs; e++) {
            curveLr.set((float) (lr * rateFactor(e, epochs)));
            double loss = curveEpoch(bend, ends, learner, reserve, curveCfg, e);
            pointAt(point, start, bend, end, t, reserve, curveCfg.batchSize());
            ctx.listener().epochEnd("curve", e, point, Map.of("loss", loss, "lr", (double) curveLr.get()), null);
            ctx.checkpointer().save("curve", e + 1, state);
        }

        Map<String, Object> report = new LinkedHashMap<>();
        List<Map<String, Object>> path = new ArrayList<>();
        int k = 0;
        for (double at = 0; pathStep > 0 && at <= 1 + 1e-9; at = ++k * pathStep) {
            float tk = (float) Math.min(1, at);
            pointAt(point, start, bend, end, tk, reserve, curveCfg.batchSize());
            Evaluator.Predictions p = Evaluator.predict(point, reserve, EVAL_BATCH);
            double loss = mean(p.losses());
            ctx.listener().epochEnd("path", k, point, Map.of("loss", loss), null);
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("t", Math.round(tk * 1e6) / 1e6);
            row.put("reserve_accuracy", Math.round(Metrics.cleanAccuracy(p.classes(), reserve.labels()) * 100) / 100.0);
            row.put("reserve_loss", loss);
            path.add(row);
        }
        pointAt(point, start, bend, end, t, reserve, curveCfg.batchSize());
        Messages.sayf("mcr: curve trained %d epochs on %d clean images; returning the model at t = %s", epochs,
                reserve.size(), t);
        report.put("t", t);
        report.put("second_end", retrain ? "retrained on the poisoned data" : "fine-tuned on the reserve");
        report.put("path", path);
        report.put("rule", "phi(t) = (1-t)^2 w1 + 2t(1-t) theta + t^2 w2, w1 the trained model, w2 "
                + (retrain ? "a second model trained on the same data" : "w1 fine-tuned " + endpointEpochs
                        + " epochs on the reserve at lr " + endpointLr) + "; theta from (w1 + w2)/2, trained " + epochs
                + " epochs on the reserve at t ~ U(0,1) per batch, lr " + lr + "; the model at t = " + t
                + " with BatchNorm statistics recomputed on the reserve");
        Map<String, Network> auxiliary = new LinkedHashMap<>();
        auxiliary.put("curve-start", start);
        auxiliary.put("curve-bend", bend);
        auxiliary.put("curve-end", end);
        return new DefenseResult(point, auxiliary, null, null, new LinkedHashMap<>(), report);
    }

    /** The paper code's schedule: 1 for the first half, then linearly down to 0.01 at 90 %, then 0.01. */
    static double rateFactor(int epoch, int epochs) {
        double alpha = (epoch + 1) / (double) epochs; // its epochs count from 1
        return alpha <= 0.5 ? 1.0 : alpha <= 0.9 ? 1.0 - (alpha - 0.5) / 0.4 * 0.99 : 0.01;
    }

    /** {@code (1-t)^2 w1 + 2t(1-t) theta + t^2 w2}, attached to {@code scope}; recorded when inside a collector. */
    static NDArray bezier(NDArray w1, NDArray theta, NDArray w2, float t, NDManager scope) {
        NDArray a = w1.mul((1 - t) * (1 - t));
        a.attach(scope);
        NDArray b = theta.mul(2 * t * (1 - t));
        b.attach(scope);
        NDArray c = w2.mul(t * t);
        c.attach(scope);
        return a.add(b).add(c);
    }

    /**
     * For every trainable parameter of {@code bend} (by id), the matching arrays of the two ends,
     * detached: the curve's gradient reaches theta only.
     */
    static Map<String, NDArray[]> ends(Network bend, Network start, Network end) {
        PairList<String, Parameter> b = bend.block().getParameters();
        PairList<String, Parameter> s = start.block().getParameters();
        PairList<String, Parameter> e = end.block().getParameters();
        Map<String, NDArray[]> out = new HashMap<>();
        for (int i = 0; i < b.size(); i++) {
            if (b.valueAt(i).requiresGradient()) {
                out.put(b.valueAt(i).getId(),
                        new NDArray[] {s.valueAt(i).getArray().stopGradient(), e.valueAt(i).getArray().stopGradient()});
            }
        }
        return out;
    }

    /**
     * Hands each layer its weights at {@code phi(t)} computed from the bend's own (trainable) arrays,
     * once per forward pass; BatchNorm running statistics are the bend network's own.
     */
    static final class CurveStore extends ParameterStore {
        private final Map<String, NDArray[]> ends;
        private final float t;
        private final NDManager scope;
        private final Map<String, NDArray> point = new LinkedHashMap<>();

        CurveStore(Map<String, NDArray[]> ends, float t, NDManager scope) {
            super(scope, false);
            this.ends = ends;
            this.t = t;
            this.scope = scope;
        }

        @Override
        public NDArray getValue(Parameter parameter, Device device, boolean training) {
            if (parameter == null) {
                return null; // an absent parameter (a convolution without bias), as DJL's own store answers
            }
            NDArray[] e = ends.get(parameter.getId());
            if (e == null) {
                return parameter.getArray();
            }
            return point.computeIfAbsent(parameter.getId(), id -> bezier(e[0], parameter.getArray(), e[1], t, scope));
        }

        /** {@code ||phi(t)||^2} over the weights handed out so far. */
        NDArray squaredNorm() {
            NDArray sum = null;
            for (NDArray w : point.values()) {
                NDArray s = w.square().sum();
                sum = sum == null ? s : sum.add(s);
            }
            return sum;
        }
    }

    /** One epoch of curve training: per batch a fresh t, the loss at phi(t), a step of theta. */
    private static double curveEpoch(Network bend, Map<String, NDArray[]> ends, Learner learner, ImageDataset data,
            TrainConfig cfg, int epoch) {
        String stage = "curve";
        Seeds.seedEpoch(cfg.seed(), stage, epoch);
        int n = data.size();
        int[] order = Batches.epochOrder(n, cfg.seed(), stage, epoch);
        Random aug = Seeds.random(cfg.seed(), stage + "/augment", epoch);
        Random ts = Seeds.random(cfg.seed(), stage + "/t", epoch);
        double sum = 0;
        int seen = 0;
        try (Progress p = new Progress(stage + " epoch " + (epoch + 1) + "/" + cfg.epochs(), n)) {
            for (int from = 0, b = 0; from < n; from += cfg.batchSize(), b++) {
                int to = Math.min(n, from + cfg.batchSize());
                if (to - from < 2) {
                    continue; // BatchNorm cannot train on a single sample
                }
                CrashPoints.atBatch(stage, epoch, b);
                float at = ts.nextFloat();
                float loss;
                try (NDManager bm = bend.manager().newSubManager()) {
                    NDArray x = cfg.augmentation().apply(Batches.images(bm, data, order, from, to), aug);
                    NDArray y = Batches.labels(bm, data.labels(), order, from, to);
                    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                        CurveStore store = new CurveStore(ends, at, bm);
                        NDArray logits = bend.block().forward(store, new NDList(x), true).get(0);
                        NDArray ce = Losses.perSampleCrossEntropy(logits, y).mean();
                        loss = ce.getFloat();
                        if (!Float.isFinite(loss)) {
                            throw new DivergenceException(stage, epoch, b, loss);
                        }
                        gc.backward(cfg.weightDecay() == 0 ? ce
                                : ce.add(store.squaredNorm().mul(cfg.weightDecay() / 2)));
                    }
                    learner.step();
                }
                sum += loss * (to - from);
                seen += to - from;
                p.step(to - from, String.format("loss %.4f", sum / seen));
            }
        }
        return sum / Math.max(1, seen);
    }

    /** Sets {@code point}'s trainable parameters to {@code phi(t)} and recomputes its BatchNorm statistics on {@code data}. */
    static void pointAt(Network point, Network start, Network bend, Network end, float t, ImageDataset data, int batch) {
        setPoint(point, start, bend, end, t);
        recomputeBatchNorm(point, data, batch);
    }

    /** Sets {@code target}'s trainable parameters to {@code phi(t)} of the curve (start, bend, end); the rest stays. */
    static void setPoint(Network target, Network start, Network bend, Network end, float t) {
        PairList<String, Parameter> d = target.block().getParameters();
        PairList<String, Parameter> s = start.block().getParameters();
        PairList<String, Parameter> b = bend.block().getParameters();
        PairList<String, Parameter> e = end.block().getParameters();
        try (NDManager scope = target.manager().newSubManager()) {
            for (int i = 0; i < d.size(); i++) {
                if (d.valueAt(i).requiresGradient()) {
                    bezier(s.valueAt(i).getArray(), b.valueAt(i).getArray(), e.valueAt(i).getArray(), t, scope)
                            .copyTo(d.valueAt(i).getArray());
                }
            }
        }
    }

    /** Sets every parameter of {@code target} (running statistics included) to the mean of {@code a}'s and {@code b}'s. */
    static void midpoint(Network target, Network a, Network b) {
        PairList<String, Parameter> d = target.block().getParameters();
        PairList<String, Parameter> pa = a.block().getParameters();
        PairList<String, Parameter> pb = b.block().getParameters();
        try (NDManager scope = target.manager().newSubManager()) {
            for (int i = 0; i < d.size(); i++) {
                NDArray m = pa.valueAt(i).getArray().add(pb.valueAt(i).getArray());
                m.attach(scope);
                m.divi(2f).copyTo(d.valueAt(i).getArray());
            }
        }
    }

    /**
     * Sets every BatchNorm running statistic of {@code net} to the mean, weighted by batch size, of
     * its batch values over {@code data} in training mode, as the paper's code does (Garipov et al.'s
     * {@code update_bn}). DJL's BatchNorm moves a running value by a fixed fraction r of the batch
     * value and keeps its momentum private, so r is measured once (starting from 0 and from 1); each
     * batch then starts from 0, leaving r times its value.
     */
    static void recomputeBatchNorm(Network net, ImageDataset data, int batchSize) {
        List<NDArray> stats = new ArrayList<>();
        for (Parameter p : net.block().getParameters().values()) {
            if (p.getType() == Parameter.Type.RUNNING_MEAN || p.getType() == Parameter.Type.RUNNING_VAR) {
                stats.add(p.getArray());
            }
        }
        if (stats.isEmpty()) {
            return;
        }
        int n = data.size();
        int[] order = Batches.identity(n);
        NDArray[] sums = new NDArray[stats.size()];
        int counted = 0;
        float rate = Float.NaN;
        try (NDManager scope = net.manager().newSubManager()) {
            for (int from = 0; from < n; from += batchSize) {
                int to = Math.min(n, from + batchSize);
                if (to - from < 2 && counted > 0) {
                    continue; // a single image has no batch variance
                }
                try (NDManager bm = scope.newSubManager()) {
                    NDArray x = Batches.images(bm, data, order, from, to);
                    if (Float.isNaN(rate)) {
                        NDArray probe = stats.get(0);
                        probe.subi(probe);
                        net.forward(new NDList(x), true);
                        float fromZero = probe.toFloatArray()[0];
                        probe.subi(probe).addi(1f);
                        net.forward(new NDList(x), true);
                        rate = 1f - (probe.toFloatArray()[0] - fromZero);
                    }
                    stats.forEach(s -> s.subi(s));
                    net.forward(new NDList(x), true);
                    for (int k = 0; k < stats.size(); k++) {
                        NDArray part = stats.get(k).mul((to - from) / rate);
                        part.attach(scope);
                        sums[k] = sums[k] == null ? part : sums[k].addi(part);
                    }
                }
                counted += to - from;
            }
            for (int k = 0; k < stats.size(); k++) {
                sums[k].divi(counted).copyTo(stats.get(k));
            }
        }
    }

    private static double mean(float[] v) {
        double s = 0;
        for (float x : v) {
            s += x;
        }
        return v.length == 0 ? Double.NaN : s / v.length;
    }
}
