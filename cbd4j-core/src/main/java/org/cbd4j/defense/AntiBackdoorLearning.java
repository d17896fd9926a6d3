package org.cbd4j.defense;

import ai.djl.ndarray.NDArray;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.IntStream;
import org.cbd4j.data.ImageDataset;
import org.cbd4j.eval.Detection;
import org.cbd4j.eval.Evaluator;
import org.cbd4j.method.Method;
import org.cbd4j.method.Option;
import org.cbd4j.method.OptionValues;
import org.cbd4j.method.Paper;
import org.cbd4j.model.Network;
import org.cbd4j.train.Learner;
import org.cbd4j.train.LearningRate;
import org.cbd4j.train.Messages;
import org.cbd4j.train.NesterovSgd;
import org.cbd4j.train.StepSchedule;
import org.cbd4j.train.TrainConfig;
import org.cbd4j.train.TrainingState;

/**
 * Anti-Backdoor Learning ({@code --defense abl}). Poisoned samples are learnt faster than clean
 * ones; three stages of one model exploit that:
 * <ol>
 *   <li>"isolate": training on the flooded loss {@code |loss - gamma| + gamma} (local gradient
 *       ascent: a batch whose loss fell below gamma is pushed back up, so only samples that are
 *       learnt very fast, the poisoned ones, reach a loss far below gamma); then the lowest-loss
 *       fraction of the training set (un-augmented) is isolated,</li>
 *   <li>"train": ordinary training continues on the rest, with the reference schedule,</li>
 *   <li>"unlearn": gradient ascent on the isolated samples at a small learning rate breaks the
 *       link between trigger and target label.</li>
 * </ol>
 * Suspicion of a sample is {@code exp(-loss)} at the end of isolation; flagged = isolated.
 *
 * @see <a href="https://arxiv.org/abs/2110.11571">Li et al., Anti-Backdoor Learning: Training Clean
 *     Models on Poisoned Data, NeurIPS 2021</a>
 */
public final class AntiBackdoorLearning implements Defense {

    static final Option<Integer> ISOLATION_EPOCHS = Option.integer("abl-isolation-epochs", 20, 1, 100_000,
            "epochs on the flooded loss before isolating");
    static final Option<Double> ISOLATION_RATIO = Option.real("abl-isolation-ratio", 0.01, "(0, 1)",
            "fraction of the training set isolated, lowest loss first");
    static final Option<Double> GAMMA = Option.real("abl-gamma", 0.5, "(0, inf)", "flooding level, loss -> |loss - gamma| + gamma");
    static final Option<Integer> UNLEARN_EPOCHS = Option.integer("abl-unlearn-epochs", 20, 1, 100_000,
            "epochs of gradient ascent on the isolated samples");
    static final Option<Double> UNLEARN_LR = Option.real("abl-unlearn-lr", 0.0005, "(0, inf)",
            "learning rate of the unlearning phase");

    /** Registry entry. */
    public static final Method<Defense> METHOD = new Method<>("abl",
            "isolates the lowest-loss samples under a flooded loss, then unlearns them by gradient ascent",
            new Paper("Li, Lyu, Koren, Lyu, Li, Ma: Anti-Backdoor Learning: Training Clean Models on Poisoned Data, "
                    + "NeurIPS 2021", "https://arxiv.org/abs/2110.11571"),
            java.util.List.of(ISOLATION_EPOCHS, ISOLATION_RATIO, GAMMA, UNLEARN_EPOCHS, UNLEARN_LR),
            AntiBackdoorLearning::new);

    private final OptionValues options;

    AntiBackdoorLearning(OptionValues options) {
        this.options = options;
    }

    @Override
    public String name() {
        return "abl";
    }

    /** ABL's loss transform of a batch's mean loss: {@code |loss - gamma| + gamma}. */
    public static NDArray flooded(NDArray meanLoss, float gamma) {
        return meanLoss.sub(gamma).abs().add(gamma);
    }

    /** How many samples of {@code n} are isolated at {@code ratio}: at least one. */
    public static int isolationCount(int n, double ratio) {
        return Math.max(1, (int) Math.round(n * ratio));
    }

    @Override
    public DefenseResult apply(DefenseContext ctx) throws IOException {
        TrainConfig cfg = ctx.config();
        ImageDataset train = ctx.train();
        int n = train.size();
        Network net = Network.forData("model", ctx.architecture(), train);
        LearningRate lr = new LearningRate(cfg.lr());
        NesterovSgd sgd = new NesterovSgd(lr, cfg.momentum(), cfg.weightDecay());
        LearningRate unlearnLr = new LearningRate(options.get(UNLEARN_LR).floatValue());
        NesterovSgd unlearnSgd = new NesterovSgd(unlearnLr, cfg.momentum(), cfg.weightDecay());
        float[] isolationLoss = new float[n];
        TrainingState state = new TrainingState().block("model", net.block())
                .optimizer("model", sgd, net.manager()).optimizer("unlearn", unlearnSgd, net.manager())
                .vectors("isolation", () -> Map.of("loss", isolationLoss),
                        m -> System.arraycopy(m.get("loss"), 0, isolationLoss, 0, n));
        StagePlan plan = new StagePlan(ctx, "isolate", "train", "unlearn");
        plan.restore(state);
        Learner learner = new Learner(net.block(), sgd);

        float gamma = options.get(GAMMA).floatValue();
        plan.supervised("isolate", net, learner, lr, null, train, withEpochs(cfg, options.get(ISOLATION_EPOCHS)), state,
                l -> flooded(l, gamma));
        if (!plan.passed("isolate")) {
            System.arraycopy(Evaluator.predict(net, train, 256).losses(), 0, isolationLoss, 0, n);
        }
        float[] suspicion = new float[n];
        for (int i = 0; i < n; i++) {
            suspicion[i] = (float) Math.exp(-isolationLoss[i]);
        }
        boolean[] isolated = Detection.topK(suspicion, isolationCount(n, options.get(ISOLATION_RATIO)));
        int[] rest = IntStream.range(0, n).filter(i -> !isolated[i]).toArray();
        int[] held = IntStream.range(0, n).filter(i -> isolated[i]).toArray();
        Messages.sayf("abl: isolated the %d lowest-loss training images; training on the other %d", held.length,
                rest.length);

        plan.supervised("train", net, learner, lr, StepSchedule.reference(cfg.lr(), cfg.epochs()), train.select(rest), cfg,
                state, UnaryOperator.identity());
        plan.supervised("unlearn", net, new Learner(net.block(), unlearnSgd), unlearnLr, null, train.select(held),
                withEpochs(cfg, options.get(UNLEARN_EPOCHS)), state, NDArray::neg);
        Map<String, float[]> columns = new LinkedHashMap<>();
        columns.put("isolation_loss", isolationLoss);
        return new DefenseResult(net, new LinkedHashMap<>(), suspicion, isolated, columns);
    }

    private static TrainConfig withEpochs(TrainConfig c, int epochs) {
        return new TrainConfig(epochs, c.batchSize(), c.lr(), c.momentum(), c.weightDecay(), c.augmentation(), c.seed());
    }
}
