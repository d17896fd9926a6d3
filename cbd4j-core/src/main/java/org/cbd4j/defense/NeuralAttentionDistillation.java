package org.cbd4j.defense;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.util.PairList;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.UnaryOperator;
import org.cbd4j.data.ImageDataset;
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
 * Neural Attention Distillation ({@code --defense nad}), a post-training repair that assumes a
 * small clean reserve. The model trained on the (poisoned) rest of the data is the student; a copy
 * of it fine-tuned on the reserve, which is meant to weaken the backdoor, is the teacher. The
 * student is then fine-tuned on the reserve on cross-entropy plus {@code beta} times, summed over
 * the network's stages (the residual groups of WRN and the ResNets, the conv stages of the small
 * CNNs), a distance between the L2-normalised attention maps of student and teacher. The attention
 * map {@code A(F)} is the channel mean of {@code |F|^p}, flattened per image. The teacher is frozen
 * and runs in inference mode; matching its attention pulls the student's intermediate features
 * away from the trigger's, which plain fine-tuning on so little data does not achieve.
 *
 * <p>The distance: the paper's Eq. 2 is the L2 norm of the difference ({@code --nad-distance l2});
 * the authors' code, with which the paper's beta = 5000 was tuned, takes the mean squared difference
 * over pixels ({@code mse}, the default): {@code ||d||^2 / (H W)}, which for an 8x8 map (a WRN's
 * last group on CIFAR) and the distances of about 0.1 seen on generated data is 1/640 of
 * {@code ||d||}. With {@code l2}, beta = 5000 overwhelms the cross-entropy: on generated data it
 * left the student at chance accuracy.
 *
 * @see <a href="https://arxiv.org/abs/2101.05930">Li, Lyu, Koren, Lyu, Li, Ma: Neural Attention
 *     Distillation: Erasing Backdoor Triggers from Deep Neural Networks, ICLR 2021</a>
 */
public final class NeuralAttentionDistillation implements Defense {

    static final Option<Integer> TEACHER_EPOCHS = Option.integer("nad-teacher-epochs", 10, 1, 100_000,
            "epochs of fine-tuning a copy of the trained model on the clean reserve: the teacher (authors: 5 to 10)");
    static final Option<Double> TEACHER_LR = Option.real("nad-teacher-lr", 0.01, "(0, inf)",
            "constant learning rate of the teacher's fine-tuning");
    static final Option<Integer> EPOCHS = Option.integer("nad-epochs", 10, 1, 100_000,
            "epochs of attention distillation of the trained model (the student) on the clean reserve (paper: 10)");
    static final Option<Double> LR = Option.real("nad-lr", 0.01, "(0, inf)",
            "constant learning rate of the distillation");
    static final Option<Double> BETA = Option.real("nad-beta", 5000, "[0, 1e6]",
            "weight of each stage's attention distance in the distillation loss (paper: 5000, with mse)");
    static final Option<String> DISTANCE = Option.text("nad-distance", "mse", v -> v.equals("mse") || v.equals("l2"),
            "mse or l2", "distance of the normalised attention maps: mse, the mean squared difference over pixels "
                    + "(the authors' code, for which beta 5000 was tuned), or l2, its L2 norm (the paper's Eq. 2; "
                    + "needs a beta hundreds of times smaller)");
    static final Option<Double> POWER = Option.real("nad-power", 2, "(0, 16]",
            "power p of the attention map A(F) = mean over channels of |F|^p (paper: 2)");

    /** Registry entry. */
    public static final Method<Defense> METHOD = new Method<>("nad",
            "fine-tunes the trained model on a clean reserve while matching the stage attention maps of a "
                    + "fine-tuned copy of itself",
            new Paper("Li, Lyu, Koren, Lyu, Li, Ma: Neural Attention Distillation: Erasing Backdoor Triggers from "
                    + "Deep Neural Networks, ICLR 2021", "https://arxiv.org/abs/2101.05930"),
            List.of(CleanReserve.FRACTION, TEACHER_EPOCHS, TEACHER_LR, EPOCHS, LR, BETA, DISTANCE, POWER),
            NeuralAttentionDistillation::new);

    /** Guards the normalisation of an all-zero attention map (a stage whose ReLUs are all off). */
    static final double NORM_EPS = 1e-12;

    private final int teacherEpochs;
    private final float teacherLr;
    private final int epochs;
    private final float lr;
    private final float beta;
    private final float power;
    private final boolean squared;

    NeuralAttentionDistillation(OptionValues o) {
        this.teacherEpochs = o.get(TEACHER_EPOCHS);
        this.teacherLr = o.get(TEACHER_LR).floatValue();
        this.epochs = o.get(EPOCHS);
        this.lr = o.get(LR).floatValue();
        this.beta = o.get(BETA).floatValue();
        this.power = o.get(POWER).floatValue();
        this.squared = o.get(DISTANCE).equals("mse");
    }

    @Override
    public String name() {
        return "nad";
    }

    @Override
    public DefenseResult apply(DefenseContext ctx) throws IOException {
        ImageDataset reserve = ctx.requireCleanReserve(name());
        TrainConfig cfg = ctx.config();
        Network student = Network.forData("model", ctx.architecture(), ctx.train());
        if (student.block().stageCount() == 0) {
            student.close();
            throw new IllegalArgumentException("nad needs a model that names its stages; " + ctx.architecture()
                    + " names none");
        }
        Network teacher = Network.forData("teacher", ctx.architecture(), ctx.train());
        LearningRate trainLr = new LearningRate(cfg.lr());
        NesterovSgd sgd = new NesterovSgd(trainLr, cfg.momentum(), cfg.weightDecay());
        LearningRate tLr = new LearningRate(teacherLr);
        NesterovSgd teacherSgd = new NesterovSgd(tLr, cfg.momentum(), cfg.weightDecay());
        LearningRate nadLr = new LearningRate(lr);
        NesterovSgd nadSgd = new NesterovSgd(nadLr, cfg.momentum(), cfg.weightDecay());
        float[] ceByEpoch = new float[epochs];
        float[] attentionByEpoch = new float[epochs];
        // The teacher is part of every checkpoint, so a run resumed during or after its fine-tuning
        // distils from exactly the teacher it would have had.
        TrainingState state = new TrainingState().block("model", student.block()).block("teacher", teacher.block())
                .optimizer("model", sgd, student.manager()).optimizer("teacher", teacherSgd, teacher.manager())
                .optimizer("nad", nadSgd, student.manager())
                .vectors("nad-losses", () -> Map.of("ce", ceByEpoch, "attention", attentionByEpoch), m -> {
                    System.arraycopy(m.get("ce"), 0, ceByEpoch, 0, epochs);
                    System.arraycopy(m.get("attention"), 0, attentionByEpoch, 0, epochs);
                });
        StagePlan plan = new StagePlan(ctx, "train", "teacher", "nad");
        plan.restore(state);
        plan.supervised("train", student, new Learner(student.block(), sgd), trainLr,
                StepSchedule.reference(cfg.lr(), cfg.epochs()), ctx.train(), cfg, state, UnaryOperator.identity());

        if (plan.done("teacher") == 0) {
            copyParameters(student, teacher); // else the teacher came back with the checkpoint
        }
        int batch = Math.min(cfg.batchSize(), Math.max(2, reserve.size()));
        TrainConfig ft = new TrainConfig(teacherEpochs, batch, teacherLr, cfg.momentum(), cfg.weightDecay(),
                cfg.augmentation(), cfg.seed() + 2);
        plan.supervised("teacher", teacher, new Learner(teacher.block(), teacherSgd), tLr, null, reserve, ft, state,
                UnaryOperator.identity());

        TrainConfig nad = new TrainConfig(epochs, batch, lr, cfg.momentum(), cfg.weightDecay(), cfg.augmentation(),
                cfg.seed() + 3);
        Learner learner = new Learner(student.block(), nadSgd);
        for (int e = plan.done("nad"); e < epochs; e++) {
            float[] ceAt = distillEpoch(student, teacher, learner, reserve, nad, e);
            ceByEpoch[e] = ceAt[0];
            attentionByEpoch[e] = ceAt[1];
            ctx.listener().epochEnd("nad", e, student, Map.of("loss", (double) ceAt[0] + ceAt[1], "lr", (double) lr),
                    null);
            ctx.checkpointer().save("nad", e + 1, state);
        }
        Messages.sayf("nad: distilled %d stages' attention from a teacher fine-tuned %d epochs on %d clean images",
                student.block().stageCount(), teacherEpochs, reserve.size());

        Map<String, Object> report = new LinkedHashMap<>();
        report.put("stages", student.block().stageCount());
        List<Map<String, Object>> curve = new ArrayList<>();
        for (int e = 0; e < epochs; e++) {
            Map<String, Object> point = new LinkedHashMap<>();
            point.put("epoch", e);
            point.put("cross_entropy", ceByEpoch[e]);
            point.put("attention_loss", attentionByEpoch[e]);
            curve.add(point);
        }
        report.put("distillation_curve", curve);
        String distance = squared ? "mean over pixels of (A_s/||A_s|| - A_t/||A_t||)^2"
                : "||A_s/||A_s|| - A_t/||A_t|| ||_2";
        report.put("rule", "teacher: the trained model fine-tuned " + teacherEpochs + " epochs on the clean reserve"
                + " at lr " + teacherLr + "; student: the trained model fine-tuned " + epochs + " epochs on the reserve"
                + " at lr " + lr + " on cross-entropy + " + beta + " x sum over " + student.block().stageCount()
                + " stages of " + distance + ", A(F) = mean over channels of |F|^" + power);
        Map<String, Network> auxiliary = new LinkedHashMap<>();
        auxiliary.put("teacher", teacher);
        return new DefenseResult(student, auxiliary, null, null, new LinkedHashMap<>(), report);
    }

    /**
     * One epoch of distillation on {@code data}, batched, shuffled and augmented as
     * {@link org.cbd4j.train.SupervisedTraining#epoch} does; returns the mean cross-entropy and the
     * mean weighted attention loss.
     */
    private float[] distillEpoch(Network student, Network teacher, Learner learner, ImageDataset data, TrainConfig cfg,
            int epoch) {
        String stage = "nad";
        Seeds.seedEpoch(cfg.seed(), stage, epoch);
        int n = data.size();
        int[] order = Batches.epochOrder(n, cfg.seed(), stage, epoch);
        int[] labels = data.labels();
        Random aug = Seeds.random(cfg.seed(), stage + "/augment", epoch);
        double ceSum = 0;
        double atSum = 0;
        int seen = 0;
        int batches = (n + cfg.batchSize() - 1) / cfg.batchSize();
        try (Progress p = new Progress(stage + " epoch " + (epoch + 1) + "/" + cfg.epochs(), n)) {
            for (int b = 0; b < batches; b++) {
                int from = b * cfg.batchSize();
                int to = Math.min(n, from + cfg.batchSize());
                if (to - from < 2) {
                    continue; // BatchNorm cannot train on a single sample
                }
                CrashPoints.atBatch(stage, epoch, b);
                float ce;
                float at;
                try (NDManager bm = student.manager().newSubManager()) {
                    NDArray x = cfg.augmentation().apply(Batches.images(bm, data, order, from, to), aug);
                    NDArray y = Batches.labels(bm, labels, order, from, to);
                    // Outside the collector: no graph through the teacher, which stays frozen (and in
                    // inference mode, as in the paper's code).
                    NDList t = teacher.forwardStages(new NDList(x), false);
                    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                        NDList s = student.forwardStages(new NDList(x), true);
                        NDArray ceLoss = Losses.perSampleCrossEntropy(s.get(0), y).mean();
                        NDArray atLoss = null;
                        for (int k = 2; k < s.size(); k++) {
                            NDArray d = distillationLoss(s.get(k), t.get(k), power, squared).mul(beta);
                            atLoss = atLoss == null ? d : atLoss.add(d);
                        }
                        NDArray total = ceLoss.add(atLoss);
                        ce = ceLoss.getFloat();
                        at = atLoss.getFloat();
                        if (!Float.isFinite(ce + at)) {
                            throw new DivergenceException(stage, epoch, b, ce + at);
                        }
                        gc.backward(total);
                    }
                    learner.step();
                }
                ceSum += ce * (to - from);
                atSum += at * (to - from);
                seen += to - from;
                p.step(to - from, String.format("ce %.4f attention %.4f", ceSum / seen, atSum / seen));
            }
        }
        return new float[] {(float) (ceSum / Math.max(1, seen)), (float) (atSum / Math.max(1, seen))};
    }

    /** The attention map of (N, C, H, W) features: the mean over channels of {@code |F|^p}, as (N, H x W). */
    static NDArray attentionMap(NDArray features, float p) {
        NDArray a = features.abs().pow(p).mean(new int[] {1});
        return a.reshape(a.getShape().get(0), -1);
    }

    /**
     * NAD's distance between two stages' features, from the difference of their L2-normalised
     * attention maps: its mean square over batch and pixels ({@code squared}, the authors' code)
     * or its L2 norm averaged over the batch (the paper's Eq. 2). The normalisation makes channel
     * mean and sum, and any scale of the features, give the same value.
     */
    static NDArray distillationLoss(NDArray student, NDArray teacher, float p, boolean squared) {
        NDArray s = attentionMap(student, p).normalize(2, 1, NORM_EPS);
        NDArray t = attentionMap(teacher, p).normalize(2, 1, NORM_EPS);
        NDArray d = s.sub(t);
        // torch's norm has gradient 0 at a zero difference, where sqrt(sum of squares) would give NaN.
        return squared ? d.square().mean() : d.norm(new int[] {1}).mean();
    }

    /** Sets {@code to}'s parameters (BatchNorm statistics included) to {@code from}'s, in place. */
    static void copyParameters(Network from, Network to) {
        PairList<String, Parameter> src = from.block().getParameters();
        PairList<String, Parameter> dst = to.block().getParameters();
        for (int i = 0; i < src.size(); i++) {
            if (!src.keyAt(i).equals(dst.keyAt(i))) {
                throw new IllegalStateException("parameter " + src.keyAt(i) + " where the copy has " + dst.keyAt(i));
            }
            src.valueAt(i).getArray().copyTo(dst.valueAt(i).getArray());
        }
    }
}
