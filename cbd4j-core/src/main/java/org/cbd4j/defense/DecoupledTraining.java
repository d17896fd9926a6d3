package org.cbd4j.defense;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;
import org.cbd4j.data.ImageDataset;
import org.cbd4j.method.Method;
import org.cbd4j.method.Option;
import org.cbd4j.method.OptionValues;
import org.cbd4j.method.Paper;
import org.cbd4j.model.Network;
import org.cbd4j.train.Adam;
import org.cbd4j.train.Augmentation;
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
import org.cbd4j.train.TrainConfig;
import org.cbd4j.train.TrainingState;

/**
 * Backdoor defense via decoupling the training process ({@code --defense dbd}), a training-time
 * defense: labels are what ties the trigger to the target class, so the backbone first learns
 * without them. Four steps of one network:
 * <ol>
 *   <li>"pretrain": SimCLR on the training images without labels, two augmented views per image, a
 *       projection head (Linear-BN-ReLU-Linear) and the NT-Xent loss at {@code --dbd-temperature};
 *       poisoned images do not gather around their target class there;</li>
 *   <li>"head": the linear head on the frozen backbone, on the symmetric cross-entropy
 *       {@code alpha CE + beta RCE} (robust to the wrong labels);</li>
 *   <li>the split: the {@code floor(epsilon N)} samples with the lowest head loss are
 *       high-credible, the rest low-credible (most poisoned samples: their label disagrees with
 *       where the backbone put them);</li>
 *   <li>"finetune": MixMatch ({@link MixMatch}) on the whole network, high-credible samples
 *       labelled, low-credible ones unlabelled (their labels dropped).</li>
 * </ol>
 * Suspicion of a sample is the rank of its head loss in [0, 1]; flagged = low-credible.
 *
 * <p>Views: SimCLR's random resized crop (area 0.2 to 1, bilinear; the authors resize bicubically),
 * the run's horizontal flip, and SimCLR's colour jitter reduced to what grey images have,
 * brightness and contrast x [0.6, 1.4] with probability 0.8; saturation, hue, random greyscale and
 * blur are left out (they do nothing, or little, on one channel).
 *
 * @see <a href="https://arxiv.org/abs/2202.03423">Huang, Li, Wu, Qin, Ren: Backdoor Defense via
 *     Decoupling the Training Process, ICLR 2022</a>
 */
public final class DecoupledTraining implements Defense {

    static final Option<Integer> PRETRAIN_EPOCHS = Option.integer("dbd-pretrain-epochs", 20, 1, 100_000,
            "epochs of self-supervised SimCLR pre-training (authors' CIFAR-10 config: 1000; BackdoorBench: 100)");
    static final Option<Integer> PRETRAIN_BATCH = Option.integer("dbd-pretrain-batch-size", 512, 2, 65_536,
            "images per SimCLR batch, each seen in two views (paper: 512)");
    static final Option<Double> PRETRAIN_LR = Option.real("dbd-pretrain-lr", 0.4, "(0, inf)",
            "SimCLR learning rate, cosine-annealed to 0 over the epochs (paper: 0.4 with SGD, batch 512)");
    static final Option<Double> TEMPERATURE = Option.real("dbd-temperature", 0.5, "(0, 100]",
            "temperature of the NT-Xent loss (paper: 0.5)");
    static final Option<Integer> PROJECTION_DIM = Option.integer("dbd-projection-dim", 128, 1, 65_536,
            "output width of the SimCLR projection head (authors: 128)");
    static final Option<Integer> HEAD_EPOCHS = Option.integer("dbd-head-epochs", 10, 1, 100_000,
            "epochs of training the linear head on the frozen backbone (paper: 10)");
    static final Option<Double> HEAD_LR = Option.real("dbd-head-lr", 0.002, "(0, inf)",
            "Adam learning rate of the head (authors: 0.002)");
    static final Option<Double> SCE_ALPHA = Option.real("dbd-sce-alpha", 0.1, "[0, 1000]",
            "weight of the cross-entropy in the head's symmetric cross-entropy (paper: 0.1)");
    static final Option<Double> SCE_BETA = Option.real("dbd-sce-beta", 1.0, "[0, 1000]",
            "weight of the reverse cross-entropy in it (paper: 1)");
    static final Option<Double> EPSILON = Option.real("dbd-epsilon", 0.5, "(0, 1)",
            "fraction of the training set, lowest head loss first, kept with labels as high-credible (paper: 0.5)");
    static final Option<Integer> FINETUNE_EPOCHS = Option.integer("dbd-finetune-epochs", 20, 1, 100_000,
            "epochs of MixMatch fine-tuning of the whole network, each one pass over the high-credible samples "
                    + "(paper: 190 epochs of 1024 batches)");
    static final Option<Double> FINETUNE_LR = Option.real("dbd-finetune-lr", 0.002, "(0, inf)",
            "Adam learning rate of the fine-tuning (authors: 0.002)");
    static final Option<Double> LAMBDA_U = Option.real("dbd-lambda-u", 15, "[0, 1e6]",
            "weight of MixMatch's unlabelled loss, ramped up linearly over the fine-tuning (paper: 15)");
    static final Option<Double> SHARPEN = Option.real("dbd-sharpen-temperature", 0.5, "(0, 1]",
            "MixMatch's sharpening temperature of the guessed labels (paper: 0.5)");
    static final Option<Double> MIXUP_ALPHA = Option.real("dbd-mixup-alpha", 0.75, "(0, 100]",
            "MixMatch's MixUp draws lambda ~ Beta(alpha, alpha), then max(lambda, 1 - lambda) (paper: 0.75)");

    /** Registry entry. */
    public static final Method<Defense> METHOD = new Method<>("dbd",
            "pre-trains the backbone without labels (SimCLR), splits samples by a head's loss on it, then "
                    + "fine-tunes semi-supervised with the suspicious samples' labels dropped",
            new Paper("Huang, Li, Wu, Qin, Ren: Backdoor Defense via Decoupling the Training Process, ICLR 2022",
                    "https://arxiv.org/abs/2202.03423"),
            List.of(PRETRAIN_EPOCHS, PRETRAIN_BATCH, PRETRAIN_LR, TEMPERATURE, PROJECTION_DIM, HEAD_EPOCHS, HEAD_LR,
                    SCE_ALPHA, SCE_BETA, EPSILON, FINETUNE_EPOCHS, FINETUNE_LR, LAMBDA_U, SHARPEN, MIXUP_ALPHA),
            DecoupledTraining::new);

    static final int EVAL_BATCH = 256;
    /** The reverse cross-entropy takes log 0 as log 1e-4, as the SCE authors' code and DBD's do. */
    static final double LOG_ZERO = Math.log(1e-4);

    private final OptionValues o;

    DecoupledTraining(OptionValues options) {
        this.o = options;
    }

    @Override
    public String name() {
        return "dbd";
    }

    @Override
    public DefenseResult apply(DefenseContext ctx) throws IOException {
        TrainConfig cfg = ctx.config();
        ImageDataset train = ctx.train();
        int n = train.size();
        Network net = Network.forData("model", ctx.architecture(), train);
        int d = net.block().embeddingSize();
        Block projection = new SequentialBlock().add(Linear.builder().setUnits(d).build())
                .add(BatchNorm.builder().build()).add(Activation.reluBlock())
                .add(Linear.builder().setUnits(o.get(PROJECTION_DIM)).build());
        projection.initialize(net.manager(), DataType.FLOAT32, new Shape(2, d));
        int pretrainEpochs = o.get(PRETRAIN_EPOCHS);
        LearningRate preLr = new LearningRate(o.get(PRETRAIN_LR).floatValue());
        NesterovSgd featureSgd = new NesterovSgd(preLr, cfg.momentum(), cfg.weightDecay());
        NesterovSgd projectionSgd = new NesterovSgd(preLr, cfg.momentum(), cfg.weightDecay());
        Adam headAdam = Adam.withDefaults(new LearningRate(o.get(HEAD_LR).floatValue()));
        LearningRate tuneLr = new LearningRate(o.get(FINETUNE_LR).floatValue());
        Adam tuneAdam = Adam.withDefaults(tuneLr);
        float[] headLoss = new float[n];
        TrainingState state = new TrainingState().block("model", net.block()).block("projection", projection)
                .optimizer("pretrain", featureSgd, net.manager()).optimizer("projection", projectionSgd, net.manager())
                .optimizer("head", headAdam, net.manager()).optimizer("finetune", tuneAdam, net.manager())
                .vectors("split", () -> Map.of("head_loss", headLoss),
                        m -> System.arraycopy(m.get("head_loss"), 0, headLoss, 0, n));
        StagePlan plan = new StagePlan(ctx, "pretrain", "head", "finetune");
        plan.restore(state);

        Learner features = new Learner(net.block().features(), featureSgd);
        Learner projector = new Learner(projection, projectionSgd);
        for (int e = plan.done("pretrain"); e < pretrainEpochs; e++) {
            preLr.set((float) (o.get(PRETRAIN_LR) * 0.5 * (1 + Math.cos(Math.PI * e / pretrainEpochs))));
            double loss = pretrainEpoch(net, projection, features, projector, train, cfg, e);
            ctx.listener().epochEnd("pretrain", e, net, Map.of("loss", loss, "lr", (double) preLr.get()), null);
            ctx.checkpointer().save("pretrain", e + 1, state);
        }
        Learner head = new Learner(net.block().head(), headAdam);
        for (int e = plan.done("head"); e < o.get(HEAD_EPOCHS); e++) {
            double loss = headEpoch(net, head, train, cfg, e);
            ctx.listener().epochEnd("head", e, net, Map.of("loss", loss, "lr", (double) o.get(HEAD_LR)), null);
            ctx.checkpointer().save("head", e + 1, state);
        }
        if (!plan.passed("head")) {
            System.arraycopy(headLosses(net, train), 0, headLoss, 0, n); // else it came back with the checkpoint
        }
        boolean[] credible = credibleSplit(headLoss, o.get(EPSILON));
        int[] high = IntStream.range(0, n).filter(i -> credible[i]).toArray();
        int[] low = IntStream.range(0, n).filter(i -> !credible[i]).toArray();
        Messages.sayf("dbd: %d training images high-credible (lowest head loss), %d low-credible (labels dropped)",
                high.length, low.length);

        Learner tuner = new Learner(net.block(), tuneAdam);
        MixMatch mixMatch = new MixMatch(o.get(LAMBDA_U), o.get(SHARPEN), o.get(MIXUP_ALPHA));
        int tuneEpochs = o.get(FINETUNE_EPOCHS);
        for (int e = plan.done("finetune"); e < tuneEpochs; e++) {
            double loss = mixMatch.epoch(net, tuner, train, high, low, cfg, e, tuneEpochs);
            ctx.listener().epochEnd("finetune", e, net, Map.of("loss", loss, "lr", (double) tuneLr.get()), null);
            ctx.checkpointer().save("finetune", e + 1, state);
        }

        float[] suspicion = lossRank(headLoss);
        boolean[] flagged = new boolean[n];
        for (int i = 0; i < n; i++) {
            flagged[i] = !credible[i];
        }
        Map<String, float[]> columns = new LinkedHashMap<>();
        columns.put("head_loss", headLoss);
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("high_credible", high.length);
        report.put("low_credible", low.length);
        report.put("rule", "SimCLR " + pretrainEpochs + " epochs (temperature " + o.get(TEMPERATURE) + "), linear head "
                + o.get(HEAD_EPOCHS) + " epochs on the frozen backbone on " + o.get(SCE_ALPHA) + " CE + "
                + o.get(SCE_BETA) + " RCE; the " + o.get(EPSILON) + " lowest-loss samples keep their labels; "
                + "MixMatch " + tuneEpochs + " epochs (lambda_u " + o.get(LAMBDA_U) + ", T " + o.get(SHARPEN)
                + ", alpha " + o.get(MIXUP_ALPHA) + ") with the others unlabelled");
        return new DefenseResult(net, new LinkedHashMap<>(), suspicion, flagged, columns, report);
    }

    /**
     * SimCLR's NT-Xent loss of {@code z} (2B, k), rows 0..B-1 one view of B images and rows
     * B..2B-1 the other: each row's positive is its image's other view, its negatives the other
     * 2B - 2 rows; cosine similarities over {@code temperature}, averaged over all 2B rows.
     */
    static NDArray ntXent(NDArray z, float temperature) {
        int rows = (int) z.getShape().get(0);
        NDManager m = z.getManager();
        NDArray u = z.normalize(2, 1, 1e-12);
        // A row is not its own negative: exp(s - 1e9) is 0 in float.
        NDArray s = u.matMul(u.transpose()).div(temperature).sub(m.eye(rows).mul(1e9f));
        long[] positive = new long[rows];
        for (int i = 0; i < rows; i++) {
            positive[i] = (i + rows / 2) % rows;
        }
        return s.logSoftmax(1).mul(m.create(positive).oneHot(rows)).sum().neg().div(rows);
    }

    /**
     * Symmetric cross-entropy per sample: {@code alpha CE + beta RCE}, RCE = -sum_k p_k log q_k with
     * q the one-hot label, log 0 taken as log 1e-4 and p clamped below at 1e-7 (the authors' code).
     */
    static NDArray symmetricCrossEntropy(NDArray logits, NDArray labels, float alpha, float beta) {
        NDArray onehot = labels.oneHot((int) logits.getShape().get(1));
        NDArray others = logits.softmax(1).maximum(1e-7f).mul(onehot.neg().add(1)).sum(new int[] {1});
        return Losses.perSampleCrossEntropy(logits, labels).mul(alpha).add(others.mul((float) (-LOG_ZERO * beta)));
    }

    /** High-credible: exactly the {@code floor(epsilon N)} lowest losses (ties: lower index first). */
    static boolean[] credibleSplit(float[] loss, double epsilon) {
        int n = loss.length;
        int k = (int) Math.floor(epsilon * n);
        if (k < 1 || k >= n) {
            throw new IllegalArgumentException("--dbd-epsilon " + epsilon + " keeps " + k + " of " + n
                    + " training images labelled; dbd needs both sets non-empty");
        }
        boolean[] high = new boolean[n];
        int[] order = ascending(loss);
        for (int i = 0; i < k; i++) {
            high[order[i]] = true;
        }
        return high;
    }

    /** Each sample's position in increasing loss, scaled to [0, 1]: the suspicion. */
    static float[] lossRank(float[] loss) {
        int[] order = ascending(loss);
        float[] rank = new float[loss.length];
        for (int r = 0; r < order.length; r++) {
            rank[order[r]] = order.length == 1 ? 0f : r / (float) (order.length - 1);
        }
        return rank;
    }

    private static int[] ascending(float[] v) {
        return IntStream.range(0, v.length).boxed().sorted((a, b) -> v[a] != v[b] ? Float.compare(v[a], v[b])
                : Integer.compare(a, b)).mapToInt(Integer::intValue).toArray();
    }

    /** One SimCLR epoch: two views of every batch through backbone and projection, NT-Xent, a step of both. */
    private double pretrainEpoch(Network net, Block projection, Learner features, Learner projector,
            ImageDataset data, TrainConfig cfg, int epoch) {
        String stage = "pretrain";
        Seeds.seedEpoch(cfg.seed(), stage, epoch);
        int n = data.size();
        int batch = Math.min(o.get(PRETRAIN_BATCH), n);
        int[] order = Batches.epochOrder(n, cfg.seed(), stage, epoch);
        Random aug = Seeds.random(cfg.seed(), stage + "/augment", epoch);
        boolean flip = cfg.augmentation().flip();
        ParameterStore ps = new ParameterStore(net.manager(), false);
        double sum = 0;
        int seen = 0;
        try (Progress p = new Progress(stage + " epoch " + (epoch + 1) + "/" + o.get(PRETRAIN_EPOCHS), n)) {
            for (int from = 0, b = 0; from < n; from += batch, b++) {
                int to = Math.min(n, from + batch);
                if (to - from < 2) {
                    continue; // a single image has no negatives
                }
                CrashPoints.atBatch(stage, epoch, b);
                float loss;
                try (NDManager bm = net.manager().newSubManager()) {
                    NDArray x = Batches.images(bm, data, order, from, to);
                    NDArray views = jitter(resizedCrop(x, aug, flip), aug).concat(jitter(resizedCrop(x, aug, flip), aug), 0);
                    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                        NDList h = new NDList(net.block().embed(ps, new NDList(views), true));
                        NDArray l = ntXent(projection.forward(ps, h, true).singletonOrThrow(),
                                o.get(TEMPERATURE).floatValue());
                        loss = l.getFloat();
                        if (!Float.isFinite(loss)) {
                            throw new DivergenceException(stage, epoch, b, loss);
                        }
                        gc.backward(l);
                    }
                    features.step();
                    projector.step();
                }
                sum += loss * (to - from);
                seen += to - from;
                p.step(to - from, String.format("nt-xent %.4f", sum / seen));
            }
        }
        return sum / Math.max(1, seen);
    }

    /**
     * SimCLR's random resized crop (torchvision's RandomResizedCrop: area x U[0.2, 1], aspect ratio
     * log-uniform in [3/4, 4/3], 10 tries, else the whole image) resized back bilinearly, then the
     * horizontal flip with probability 1/2 when {@code flip}. As {@link Augmentation} does, one batched
     * product {@code R x X x C^T} per image, R and C holding each output row's (column's) two
     * interpolation weights; a small crop often leaves a corner trigger out of one view.
     */
    static NDArray resizedCrop(NDArray x, Random rnd, boolean flip) {
        Shape s = x.getShape();
        int n = (int) s.get(0);
        int h = (int) s.get(2);
        int w = (int) s.get(3);
        float[] rows = new float[n * h * h];
        float[] cols = new float[n * w * w];
        for (int i = 0; i < n; i++) {
            int ch = h;
            int cw = w;
            int top = 0;
            int left = 0;
            for (int attempt = 0; attempt < 10; attempt++) {
                double area = h * w * (0.2 + 0.8 * rnd.nextDouble());
                double ratio = Math.exp(Math.log(0.75) + (Math.log(4 / 3.0) - Math.log(0.75)) * rnd.nextDouble());
                int tw = (int) Math.round(Math.sqrt(area * ratio));
                int th = (int) Math.round(Math.sqrt(area / ratio));
                if (tw > 0 && tw <= w && th > 0 && th <= h) {
                    ch = th;
                    cw = tw;
                    top = rnd.nextInt(h - th + 1);
                    left = rnd.nextInt(w - tw + 1);
                    break;
                }
            }
            boolean f = flip && rnd.nextBoolean();
            interpolation(rows, i * h * h, h, top, ch, false);
            interpolation(cols, i * w * w, w, left, cw, f);
        }
        NDManager m = x.getManager();
        NDArray r = m.create(rows, new Shape(n, 1, h, h));
        NDArray c = m.create(cols, new Shape(n, 1, w, w)).transpose(0, 1, 3, 2);
        return r.matMul(x).matMul(c);
    }

    /** Row k of a (size x size) block at {@code offset}: bilinear weights sampling [start, start + length) at output k. */
    private static void interpolation(float[] into, int offset, int size, int start, int length, boolean reversed) {
        for (int k = 0; k < size; k++) {
            int out = reversed ? size - 1 - k : k;
            double src = Math.min(length - 1, Math.max(0, (k + 0.5) * length / size - 0.5));
            int lo = (int) Math.floor(src);
            int hi = Math.min(length - 1, lo + 1);
            double frac = src - lo;
            into[offset + out * size + start + lo] += (float) (1 - frac);
            into[offset + out * size + start + hi] += (float) frac;
        }
    }

    /** SimCLR's colour jitter as grey images have it: brightness and contrast x U[0.6, 1.4], with probability 0.8. */
    static NDArray jitter(NDArray x, Random rnd) {
        int n = (int) x.getShape().get(0);
        float[] brightness = new float[n];
        float[] contrast = new float[n];
        for (int i = 0; i < n; i++) {
            boolean on = rnd.nextFloat() < 0.8f;
            brightness[i] = on ? 0.6f + 0.8f * rnd.nextFloat() : 1f;
            contrast[i] = on ? 0.6f + 0.8f * rnd.nextFloat() : 1f;
        }
        NDManager m = x.getManager();
        NDArray y = x.mul(m.create(brightness, new Shape(n, 1, 1, 1)));
        NDArray mean = y.reshape(n, -1).mean(new int[] {1}).reshape(n, 1, 1, 1);
        return y.sub(mean).mul(m.create(contrast, new Shape(n, 1, 1, 1))).add(mean).clip(0f, 1f);
    }

    /** One epoch of the head alone on the frozen backbone (in inference mode, outside the collector). */
    private double headEpoch(Network net, Learner head, ImageDataset data, TrainConfig cfg, int epoch) {
        String stage = "head";
        Seeds.seedEpoch(cfg.seed(), stage, epoch);
        int n = data.size();
        int[] order = Batches.epochOrder(n, cfg.seed(), stage, epoch);
        Random aug = Seeds.random(cfg.seed(), stage + "/augment", epoch);
        ParameterStore ps = new ParameterStore(net.manager(), false);
        double sum = 0;
        try (Progress p = new Progress(stage + " epoch " + (epoch + 1) + "/" + o.get(HEAD_EPOCHS), n)) {
            for (int from = 0, b = 0; from < n; from += cfg.batchSize(), b++) {
                int to = Math.min(n, from + cfg.batchSize());
                CrashPoints.atBatch(stage, epoch, b);
                float loss;
                try (NDManager bm = net.manager().newSubManager()) {
                    NDArray x = cfg.augmentation().apply(Batches.images(bm, data, order, from, to), aug);
                    NDArray y = Batches.labels(bm, data.labels(), order, from, to);
                    NDList z = new NDList(net.block().embed(ps, new NDList(x), false));
                    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                        NDArray logits = net.block().head().forward(ps, z, true).singletonOrThrow();
                        NDArray l = symmetricCrossEntropy(logits, y, o.get(SCE_ALPHA).floatValue(),
                                o.get(SCE_BETA).floatValue()).mean();
                        loss = l.getFloat();
                        if (!Float.isFinite(loss)) {
                            throw new DivergenceException(stage, epoch, b, loss);
                        }
                        gc.backward(l);
                    }
                    head.step();
                }
                sum += loss * (to - from);
                p.step(to - from, String.format("sce %.4f", sum / to));
            }
        }
        return sum / n;
    }

    /** Every training sample's symmetric cross-entropy under the trained head, un-augmented, in inference mode. */
    private float[] headLosses(Network net, ImageDataset data) {
        int n = data.size();
        float[] out = new float[n];
        int[] order = Batches.identity(n);
        for (int from = 0; from < n; from += EVAL_BATCH) {
            int to = Math.min(n, from + EVAL_BATCH);
            try (NDManager bm = net.manager().newSubManager()) {
                NDArray logits = net.forward(new NDList(Batches.images(bm, data, order, from, to)), false).get(0);
                float[] l = symmetricCrossEntropy(logits, Batches.labels(bm, data.labels(), order, from, to),
                        o.get(SCE_ALPHA).floatValue(), o.get(SCE_BETA).floatValue()).toFloatArray();
                System.arraycopy(l, 0, out, from, l.length);
            }
        }
        return out;
    }
}
