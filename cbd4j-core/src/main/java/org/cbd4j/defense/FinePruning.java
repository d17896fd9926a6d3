package org.cbd4j.defense;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.cbd4j.data.ImageDataset;
import org.cbd4j.eval.Evaluator;
import org.cbd4j.eval.Metrics;
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
 * Fine-pruning ({@code --defense fine-pruning}), a post-training repair that assumes a small clean
 * reserve: a backdoor tends to live in channels of the last convolution that clean images leave
 * dormant. The model trained on the (poisoned) rest of the data is pruned in increasing order of
 * its last convolution's mean activation on the reserve, in steps, for as long as the reserve's
 * accuracy stays within {@code --fp-max-drop} points of the unpruned model's, then fine-tuned on
 * the reserve with the pruned channels kept out.
 *
 * <p>Every model here ends in global average pooling of its last convolution, so that layer's
 * channels are the embedding's units and pruning channel j is exactly "the head never sees unit
 * j": a mask during fine-tuning, zeroed head columns in the saved model.
 *
 * @see <a href="https://arxiv.org/abs/1805.12185">Liu, Dolan-Gavitt, Garg: Fine-Pruning: Defending
 *     Against Backdooring Attacks on Deep Neural Networks, RAID 2018</a>
 */
public final class FinePruning implements Defense {

    static final Option<Double> MAX_DROP = Option.real("fp-max-drop", 4.0, "[0, 100]",
            "prune while the reserve's accuracy stays within this many points of the unpruned model's (paper: 4)");
    static final Option<Double> STEP = Option.real("fp-step", 0.05, "(0, 1]",
            "fraction of the last convolution's channels pruned per step");
    static final Option<Double> MAX_RATIO = Option.real("fp-max-ratio", 0.9, "(0, 1)",
            "most of the last convolution's channels ever pruned");
    static final Option<Integer> FINETUNE_EPOCHS = Option.integer("fp-finetune-epochs", 10, 1, 100_000,
            "epochs of fine-tuning on the clean reserve after pruning");
    static final Option<Double> FINETUNE_LR = Option.real("fp-finetune-lr", 0.01, "(0, inf)",
            "constant learning rate of the fine-tuning");

    /** Registry entry. */
    public static final Method<Defense> METHOD = new Method<>("fine-pruning",
            "prunes the last convolution's channels that clean data leaves dormant, then fine-tunes on a clean reserve",
            new Paper("Liu, Dolan-Gavitt, Garg: Fine-Pruning: Defending Against Backdooring Attacks on Deep Neural "
                    + "Networks, RAID 2018", "https://arxiv.org/abs/1805.12185"),
            List.of(CleanReserve.FRACTION, MAX_DROP, STEP, MAX_RATIO, FINETUNE_EPOCHS, FINETUNE_LR), FinePruning::new);

    static final int EVAL_BATCH = 256;

    private final double maxDrop;
    private final double step;
    private final double maxRatio;
    private final int finetuneEpochs;
    private final float finetuneLr;

    FinePruning(OptionValues o) {
        this.maxDrop = o.get(MAX_DROP);
        this.step = o.get(STEP);
        this.maxRatio = o.get(MAX_RATIO);
        this.finetuneEpochs = o.get(FINETUNE_EPOCHS);
        this.finetuneLr = o.get(FINETUNE_LR).floatValue();
    }

    @Override
    public String name() {
        return "fine-pruning";
    }

    @Override
    public DefenseResult apply(DefenseContext ctx) throws IOException {
        ImageDataset reserve = ctx.requireCleanReserve(name());
        TrainConfig cfg = ctx.config();
        Network net = Network.forData("model", ctx.architecture(), ctx.train());
        LearningRate lr = new LearningRate(cfg.lr());
        NesterovSgd sgd = new NesterovSgd(lr, cfg.momentum(), cfg.weightDecay());
        LearningRate ftLr = new LearningRate(finetuneLr);
        NesterovSgd ftSgd = new NesterovSgd(ftLr, cfg.momentum(), cfg.weightDecay());
        int d = net.block().embeddingSize();
        float[] mask = ones(d);
        // The optimisers share the network: "model" drives the undefended training, "finetune" the repair.
        TrainingState state = new TrainingState().block("model", net.block())
                .optimizer("model", sgd, net.manager()).optimizer("finetune", ftSgd, net.manager())
                .vectors("pruning", () -> Map.of("mask", mask), m -> System.arraycopy(m.get("mask"), 0, mask, 0, d));
        StagePlan plan = new StagePlan(ctx, "train", "finetune");
        plan.restore(state);
        plan.supervised("train", net, new Learner(net.block(), sgd), lr, StepSchedule.reference(cfg.lr(), cfg.epochs()),
                ctx.train(), cfg, state, UnaryOperator.identity());

        Map<String, Object> report = new LinkedHashMap<>();
        boolean pruneNow = !plan.passed("train"); // else the mask came back with the checkpoint
        if (pruneNow) {
            System.arraycopy(choosePruning(net, reserve, report), 0, mask, 0, d);
        }
        net.block().setEmbeddingMask(mask);
        if (pruneNow) {
            ctx.listener().epochEnd("prune", 0, net, Map.of(), null);
        }
        report.put("pruned_channels", prunedCount(mask));
        report.put("channels", d);
        TrainConfig ft = new TrainConfig(finetuneEpochs, Math.min(cfg.batchSize(), Math.max(2, reserve.size())),
                finetuneLr, cfg.momentum(), cfg.weightDecay(), cfg.augmentation(), cfg.seed() + 2);
        plan.supervised("finetune", net, new Learner(net.block(), ftSgd), ftLr, null, reserve, ft, state,
                UnaryOperator.identity());
        net.block().setEmbeddingMask(null);
        net.block().pruneHeadColumns(mask);
        report.put("rule", "prune the last convolution's channels in increasing order of mean activation on the "
                + "clean reserve, " + step + " of them per step, while the reserve's accuracy stays within " + maxDrop
                + " points of the unpruned model's (at most " + maxRatio + " of them); then fine-tune "
                + finetuneEpochs + " epochs on the reserve at lr " + finetuneLr);
        return new DefenseResult(net, new LinkedHashMap<>(), null, null, new LinkedHashMap<>(), report);
    }

    /**
     * The mask (1 kept, 0 pruned) with the most channels pruned, in increasing order of mean
     * activation on the reserve, whose reserve accuracy is still within {@link #maxDrop} points of
     * the unpruned model's.
     */
    float[] choosePruning(Network net, ImageDataset reserve, Map<String, Object> report) {
        int d = net.block().embeddingSize();
        int[] order = leastActiveFirst(Evaluator.embeddings(net, reserve, EVAL_BATCH));
        int stepSize = Math.max(1, (int) Math.round(step * d));
        int most = Math.min(d - 1, (int) Math.floor(maxRatio * d));
        double base = reserveAccuracy(net, reserve, null);
        float[] best = ones(d);
        List<Map<String, Object>> curve = new ArrayList<>();
        for (int k = stepSize; k <= most; k += stepSize) {
            float[] mask = pruneFirst(order, k, d);
            double acc = reserveAccuracy(net, reserve, mask);
            Map<String, Object> point = new LinkedHashMap<>();
            point.put("pruned", k);
            point.put("reserve_accuracy", Math.round(acc * 100) / 100.0);
            curve.add(point);
            if (acc < base - maxDrop) {
                break;
            }
            best = mask;
        }
        int chosen = prunedCount(best);
        Messages.sayf("fine-pruning: reserve accuracy %.2f unpruned; pruning %d of %d channels of the last convolution",
                base, chosen, d);
        report.put("reserve_accuracy_unpruned", Math.round(base * 100) / 100.0);
        report.put("pruning_curve", curve);
        return best;
    }

    /** Channel indices sorted by mean activation over the rows, smallest first (ties: lower index first). */
    static int[] leastActiveFirst(float[][] embeddings) {
        int d = embeddings.length == 0 ? 0 : embeddings[0].length;
        double[] mean = new double[d];
        for (float[] row : embeddings) {
            for (int j = 0; j < d; j++) {
                mean[j] += row[j] / (double) embeddings.length;
            }
        }
        return java.util.stream.IntStream.range(0, d).boxed()
                .sorted((a, b) -> mean[a] != mean[b] ? Double.compare(mean[a], mean[b]) : Integer.compare(a, b))
                .mapToInt(Integer::intValue).toArray();
    }

    /** A mask that prunes the first {@code k} channels of {@code order}. */
    static float[] pruneFirst(int[] order, int k, int d) {
        float[] mask = ones(d);
        for (int i = 0; i < k; i++) {
            mask[order[i]] = 0f;
        }
        return mask;
    }

    private static double reserveAccuracy(Network net, ImageDataset reserve, float[] mask) {
        net.block().setEmbeddingMask(mask);
        try {
            return Metrics.cleanAccuracy(Evaluator.predict(net, reserve, EVAL_BATCH).classes(), reserve.labels());
        } finally {
            net.block().setEmbeddingMask(null);
        }
    }

    private static float[] ones(int d) {
        float[] m = new float[d];
        java.util.Arrays.fill(m, 1f);
        return m;
    }

    private static int prunedCount(float[] mask) {
        int n = 0;
        for (float m : mask) {
            n += m == 0f ? 1 : 0;
        }
        return n;
    }
}
