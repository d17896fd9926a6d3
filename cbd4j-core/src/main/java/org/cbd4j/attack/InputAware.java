package org.cbd4j.attack;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import org.cbd4j.data.ImageDataset;
import org.cbd4j.method.Method;
import org.cbd4j.method.Option;
import org.cbd4j.method.OptionValues;
import org.cbd4j.method.Paper;
import org.cbd4j.model.ComputeDevice;
import org.cbd4j.model.Network;
import org.cbd4j.train.Adam;
import org.cbd4j.train.Batches;
import org.cbd4j.train.Learner;
import org.cbd4j.train.LearningRate;
import org.cbd4j.train.Losses;
import org.cbd4j.train.Messages;
import org.cbd4j.train.NesterovSgd;
import org.cbd4j.train.Progress;
import org.cbd4j.train.Seeds;

/**
 * Input-aware dynamic backdoor (docs/METHOD.md §3): a generator G (small encoder-decoder) makes a pattern
 * per image and a mask network M a sparse mask per image; the trigger is x' = x + (G(x) - x) M(x).
 * M is pre-trained alone (mask density pushed below 0.032, diversity: different images get
 * different masks); then G is trained jointly with a classifier (the attacker's helper, same
 * architecture as --helper-model) on clean, backdoor (label -> target) and cross-trigger samples
 * (a pattern and mask made for another image must not trigger; label kept), with G's diversity
 * loss (on up to 10,000 seeded training images). The trained G and M then stamp the chosen training samples and the test set; their
 * weights are saved as {@code input_aware_generator.bin} and {@code input_aware_mask.bin}, and
 * cached with the helper models so a second run with the same data, options and seed reuses them.
 *
 * <p>Departure: the original is a training-time attack that keeps generating triggers while the
 * victim trains; cbd4j, a data-poisoning tool, stamps a fixed poisoned set once, with as many
 * cross-trigger samples as backdoor samples (recorded as {@code input_aware_cross}).
 *
 * @see <a href="https://arxiv.org/abs/2010.08138">Nguyen and Tran, Input-Aware Dynamic Backdoor Attack (NeurIPS 2020)</a>
 */
public final class InputAware extends TriggerAttack {

    /** Registry entry. */
    public static final Method<Attack> METHOD = new Method<>("input-aware",
            "a generator network makes a different trigger for every image",
            new Paper("Nguyen, Tran: Input-Aware Dynamic Backdoor Attack, NeurIPS 2020", "https://arxiv.org/abs/2010.08138"),
            java.util.List.of(HelperModel.MODEL, HelperModel.EPOCHS), InputAware::new);

    static final float MASK_DENSITY = 0.032f;
    static final float LAMBDA_DIV = 1f;
    static final float LAMBDA_NORM = 100f;
    static final int BATCH = 128;
    /** Images the generator and mask are trained on, at most. */
    static final int TRAIN_LIMIT = 10_000;

    private final OptionValues options;
    private Model generator;
    private Model mask;

    InputAware(OptionValues options) {
        this.options = options;
    }

    @Override
    public String name() {
        return "input-aware";
    }

    /** Conv-BN-ReLU encoder, 2x pooling, nearest 2x upsampling decoder, sigmoid output of {@code out} channels. */
    static SequentialBlock network(int out) {
        SequentialBlock b = new SequentialBlock();
        b.add(conv(16)).add(BatchNorm.builder().build()).add(Activation.reluBlock());
        b.add(Pool.maxPool2dBlock(new Shape(2, 2), new Shape(2, 2), new Shape(0, 0), true));
        b.add(conv(32)).add(BatchNorm.builder().build()).add(Activation.reluBlock());
        b.add(new LambdaBlock(l -> new NDList(l.singletonOrThrow().repeat(2, 2).repeat(3, 2)), "upsample"));
        b.add(conv(16)).add(BatchNorm.builder().build()).add(Activation.reluBlock());
        b.add(conv(out)).add(Activation::sigmoid);
        return b;
    }

    private static Conv2d conv(int filters) {
        return Conv2d.builder().setFilters(filters).setKernelShape(new Shape(3, 3)).optPadding(new Shape(1, 1)).build();
    }

    @Override
    protected Trigger trigger(ImageDataset train, AttackConfig config, Map<String, byte[]> artifacts) {
        if (train.height() % 2 != 0 || train.width() % 2 != 0) {
            throw new IllegalArgumentException("input-aware needs even image sides (2x pooling), got " + train.height() + "x"
                    + train.width());
        }
        Engine.getInstance().setRandomSeed(Seeds.forEpoch(config.seed(), "input-aware", 0));
        Shape in = new Shape(1, train.channels(), train.height(), train.width());
        generator = Model.newInstance("generator", ComputeDevice.current());
        generator.setBlock(network(train.channels()));
        generator.getBlock().initialize(generator.getNDManager(), DataType.FLOAT32, in);
        mask = Model.newInstance("mask", ComputeDevice.current());
        mask.setBlock(network(1));
        mask.getBlock().initialize(mask.getNDManager(), DataType.FLOAT32, in);
        loadOrTrain(train, config);
        artifacts.put("input_aware_generator.bin", weights(generator));
        artifacts.put("input_aware_mask.bin", weights(mask));
        return new Trigger() {
            @Override
            public void stamp(byte[] px, int i, ImageDataset shape) {
                stampAll(px, new int[] {i}, shape);
            }

            @Override
            public void stampAll(byte[] px, int[] images, ImageDataset shape) {
                stampBatched(px, images, images, shape, px);
            }
        };
    }

    /**
     * x' = x + (G(s) - x) M(s) for each image {@code images[k]} of {@code px}, the pattern made
     * for image {@code sources[k]} of {@code srcPixels} (same shape), in batches, with progress.
     */
    private void stampBatched(byte[] px, int[] images, int[] sources, ImageDataset shape, byte[] srcPixels) {
        int size = shape.imageSize();
        Shape one = new Shape(shape.channels(), shape.height(), shape.width());
        try (Progress p = new Progress("input-aware stamping", images.length)) {
            for (int from = 0; from < images.length; from += BATCH) {
                int to = Math.min(images.length, from + BATCH);
                int n = to - from;
                byte[] xs = new byte[n * size];
                byte[] ss = new byte[n * size];
                for (int k = 0; k < n; k++) {
                    System.arraycopy(px, images[from + k] * size, xs, k * size, size);
                    System.arraycopy(srcPixels, sources[from + k] * size, ss, k * size, size);
                }
                try (NDManager m = generator.getNDManager().newSubManager()) {
                    Shape batch = new Shape(n).addAll(one);
                    NDArray x = m.create(xs, batch).toType(DataType.FLOAT32, false).div(255f);
                    NDArray s = m.create(ss, batch).toType(DataType.FLOAT32, false).div(255f);
                    float[] out = apply(x, s).mul(255).round().clip(0, 255).toFloatArray();
                    for (int k = 0; k < n; k++) {
                        for (int j = 0; j < size; j++) {
                            px[images[from + k] * size + j] = (byte) (int) out[k * size + j];
                        }
                    }
                }
                p.step(n, "");
            }
        }
    }

    /** x + (G(s) - x) M(s), inference mode. */
    private NDArray apply(NDArray x, NDArray s) {
        ParameterStore ps = new ParameterStore(x.getManager(), false);
        NDArray g = generator.getBlock().forward(ps, new NDList(s), false).singletonOrThrow();
        NDArray mk = mask.getBlock().forward(ps, new NDList(s), false).singletonOrThrow();
        return x.add(g.sub(x).mul(mk));
    }

    @Override
    protected void addExtraSamples(ImageDataset train, AttackConfig config, int[] poisoned, byte[] pixels,
            Map<String, int[]> extra) {
        // Cross-trigger samples: as many as backdoor samples, each stamped with another image's pattern, labels kept.
        boolean[] taken = new boolean[train.size()];
        for (int i : poisoned) {
            taken[i] = true;
        }
        java.util.List<Integer> free = new java.util.ArrayList<>();
        for (int i = 0; i < train.size(); i++) {
            if (!taken[i]) {
                free.add(i);
            }
        }
        java.util.Random rnd = new java.util.Random(config.seed() ^ 0x1A2L);
        java.util.Collections.shuffle(free, rnd);
        int[] cross = free.subList(0, Math.min(poisoned.length, free.size())).stream().mapToInt(Integer::intValue).sorted()
                .toArray();
        int[] sources = new int[cross.length];
        for (int k = 0; k < cross.length; k++) {
            sources[k] = rnd.nextInt(train.size());
        }
        stampBatched(pixels, cross, sources, train, train.pixels());
        extra.put("input_aware_cross", cross);
    }

    /** Loads G and M from the helper cache, or trains and caches them. */
    private void loadOrTrain(ImageDataset train, AttackConfig config) {
        java.nio.file.Path dir = HelperModel.cacheRoot().resolve(
                HelperModel.key(train, "input-aware/" + options.get(HelperModel.MODEL), options.get(HelperModel.EPOCHS), config.seed()));
        try {
            if (java.nio.file.Files.isRegularFile(dir.resolve("complete"))) {
                Messages.say("cbd4j: using cached input-aware generator and mask " + dir);
                generator.load(dir, "generator");
                mask.load(dir, "mask");
                return;
            }
            trainNetworks(train, config);
            java.nio.file.Files.createDirectories(dir.getParent());
            java.nio.file.Path tmp = java.nio.file.Files.createTempDirectory(dir.getParent(), ".input-aware-");
            generator.save(tmp, "generator");
            mask.save(tmp, "mask");
            java.nio.file.Files.writeString(tmp.resolve("complete"), "input-aware generator and mask; key " + dir.getFileName());
            try {
                java.nio.file.Files.move(tmp, dir, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException raced) {
                org.cbd4j.data.Directories.deleteTree(tmp);
            }
        } catch (IOException | ai.djl.MalformedModelException e) {
            throw new UncheckedIOException("input-aware cache " + dir + ": " + e.getMessage(),
                    e instanceof IOException io ? io : new IOException(e));
        }
    }

    /**
     * Mask pre-training, then joint training of G with a helper classifier, on at most
     * {@link #TRAIN_LIMIT} clean training images (seeded choice): on 2 CPU cores a full
     * Fashion-MNIST epoch of these networks takes about 10 minutes.
     */
    private void trainNetworks(ImageDataset all, AttackConfig config) {
        ImageDataset train = all;
        if (all.size() > TRAIN_LIMIT) {
            int[] pick = Batches.epochOrder(all.size(), config.seed(), "input-aware/pick", 0);
            train = all.select(java.util.Arrays.copyOf(pick, TRAIN_LIMIT));
        }
        int epochs = options.get(HelperModel.EPOCHS);
        int numClasses = train.numClasses();
        Learner maskLearner = new Learner(mask.getBlock(), Adam.withDefaults(new LearningRate(0.01f)));
        Learner genLearner = new Learner(generator.getBlock(), Adam.withDefaults(new LearningRate(0.01f)));
        try (Network clf = Network.forData("input-aware-classifier", options.get(HelperModel.MODEL), train)) {
            Learner clfLearner = new Learner(clf.block(), new NesterovSgd(new LearningRate(0.05f), 0.9f, 5e-4f));
            for (int e = 0; e < epochs; e++) {
                loop(train, config, "input-aware mask " + (e + 1) + "/" + epochs, e, (m, x, x2, y) -> {
                    ParameterStore ps = new ParameterStore(m, false);
                    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                        NDArray m1 = mask.getBlock().forward(ps, new NDList(x), true).singletonOrThrow();
                        NDArray m2 = mask.getBlock().forward(ps, new NDList(x2), true).singletonOrThrow();
                        NDArray density = m1.mean().sub(MASK_DENSITY).maximum(0f);
                        gc.backward(density.mul(LAMBDA_NORM).add(diversity(x, x2, m1, m2).mul(LAMBDA_DIV)));
                    }
                    maskLearner.step();
                });
            }
            for (int e = 0; e < epochs; e++) {
                loop(train, config, "input-aware generator " + (e + 1) + "/" + epochs, epochs + e, (m, x, x2, y) -> {
                    ParameterStore ps = new ParameterStore(m, false);
                    int n = (int) x.getShape().get(0);
                    int nb = Math.max(1, n / 10);
                    NDArray mk = mask.getBlock().forward(ps, new NDList(x), false).singletonOrThrow().stopGradient();
                    NDArray mk2 = mask.getBlock().forward(ps, new NDList(x2), false).singletonOrThrow().stopGradient();
                    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                        NDArray g1 = generator.getBlock().forward(ps, new NDList(x), true).singletonOrThrow();
                        NDArray g2 = generator.getBlock().forward(ps, new NDList(x2), true).singletonOrThrow();
                        NDArray bd = x.add(g1.sub(x).mul(mk)).get("0:" + nb);
                        NDArray cross = x.add(g2.sub(x).mul(mk2)).get(nb + ":" + (2 * nb));
                        NDArray clean = x.get((2 * nb) + ":");
                        NDArray inputs = NDArrays.concat(new NDList(bd, cross, clean));
                        // The poisoned label the data will carry: the target, or (y + 1) mod K all-to-all.
                        NDArray yBd = config.allToAll() ? y.get("0:" + nb).add(1).mod(numClasses)
                                : y.get("0:" + nb).onesLike().mul(config.target());
                        NDArray labels = NDArrays.concat(new NDList(yBd, y.get(nb + ":")));
                        NDArray logits = clf.forward(new NDList(inputs), true).get(0);
                        NDArray ce = Losses.perSampleCrossEntropy(logits, labels).mean();
                        gc.backward(ce.add(diversity(x, x2, g1, g2).mul(LAMBDA_DIV)));
                    }
                    clfLearner.step();
                    genLearner.step();
                    maskLearner.zeroGradients();
                });
            }
        }
    }

    /** mean|x1 - x2| / mean|f1 - f2|: small when different inputs get different outputs. */
    private static NDArray diversity(NDArray x1, NDArray x2, NDArray f1, NDArray f2) {
        return x1.sub(x2).abs().mean().div(f1.sub(f2).abs().mean().add(1e-6f));
    }

    private interface Step {
        void run(NDManager m, NDArray x, NDArray x2, NDArray y);
    }

    /** One pass over the data in shuffled batches, each paired with another shuffled batch. */
    private void loop(ImageDataset train, AttackConfig config, String task, int epoch, Step step) {
        Seeds.seedEpoch(config.seed(), "input-aware", epoch + 1);
        int n = train.size();
        int[] order = Batches.epochOrder(n, config.seed(), "input-aware/generator", epoch);
        int[] other = Batches.epochOrder(n, config.seed(), "input-aware/cross", epoch);
        try (Progress p = new Progress(task, n)) {
            for (int from = 0; from + 2 <= n; from += BATCH) {
                int to = Math.min(n, from + BATCH);
                try (NDManager m = generator.getNDManager().newSubManager()) {
                    step.run(m, Batches.images(m, train, order, from, to), Batches.images(m, train, other, from, to),
                            Batches.labels(m, train.labels(), order, from, to));
                }
                p.step(to - from, "");
            }
        }
    }

    /** The parameters of a model as raw float32 bytes, in block order, each preceded by its name and shape. */
    private static byte[] weights(Model model) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            for (var p : model.getBlock().getParameters()) {
                NDArray a = p.getValue().getArray();
                out.writeUTF(p.getKey() + " " + a.getShape());
                out.write(a.toByteArray());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }
}
