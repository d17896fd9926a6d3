package org.cbd4j.defense;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.cbd4j.data.ImageDataset;
import org.cbd4j.model.Network;
import org.cbd4j.train.Adam;
import org.cbd4j.train.Batches;
import org.cbd4j.train.LearningRate;

/**
 * Recovers from f_B what it relies on to recognise a class: the smallest universal additive
 * pattern {@code delta} whose removal, {@code x' = clip(x - delta, 0, 1)}, makes f_B stop
 * assigning that class's own training images to it. f_B is trained briefly on purpose, so for a
 * class whose every image carries a trigger it has learnt the trigger and little else; removing
 * the trigger is then the cheapest way to make it fail, and {@code delta} is the trigger.
 *
 * <p>Why removal from the class's own images rather than Neural Cleanse's search for a pattern
 * that sends other classes' images to the class: measured on f_B of SIG-poisoned Fashion-MNIST,
 * the latter finds a sparse pattern no smaller for the target class than for a naturally easy
 * class (bags), and stamping it on other classes did not remove the backdoor; the removal pattern
 * follows the sinusoid's signs column by column (docs/RESULTS.md). The cost follows Neural
 * Cleanse's adaptive scheme: minimise {@code -ln(1 - p_c(x')) + beta |delta|^2} with Adam, beta
 * starting at 0, set to 0.04 the first time and then raised by 1.5x every 10 steps while at least
 * {@link #SUCCESS} of the images leave the class, lowered by 1.5x otherwise; the smallest pattern that kept that rate is returned.
 *
 * @see <a href="https://doi.org/10.1109/SP.2019.00031">Wang et al., Neural Cleanse, S&amp;P 2019</a>
 */
public final class TriggerInversion {

    /** Fraction of the class's images that must leave it for a pattern to count. */
    static final double SUCCESS = 0.9;

    /** In the {@code carry} search, also the fraction of other classes' images it must carry to the class. */
    static final double CARRY_SUCCESS = 0.5;

    private static final int CHECK_EVERY = 10;
    private static final float BETA_START = 0.04f;
    private static final float BETA_FACTOR = 1.5f;

    private TriggerInversion() {}

    /**
     * One class's recovered pattern.
     *
     * @param target the class
     * @param delta the pattern, C*H*W values in pixel units of [0, 1] (NCHW order)
     * @param norm its L1 norm divided by H*W (1.0 = one fully changed pixel per pixel position)
     * @param success fraction of held-out images of the class that f_B no longer assigns to it
     *     once the pattern is removed
     */
    public record Pattern(int target, float[] delta, double norm, double success) {}

    /**
     * Recovers the pattern of class {@code target} through {@code net}, used in inference mode;
     * its parameters are frozen meanwhile so that the search leaves no gradient in them.
     *
     * @param steps optimisation steps
     * @param batchSize images per step
     */
    public static Pattern invertClass(Network net, ImageDataset data, int target, int steps, int batchSize, long seed) {
        return invertClass(net, data, target, steps, batchSize, seed, false);
    }

    /**
     * As above; with {@code carry} the pattern must also carry other classes' images to the class
     * when added: the cost gains {@code -ln p_c(clip(x_o + delta, 0, 1))} over a batch of other
     * classes' images. A removal pattern can be an adversarial perturbation of the class's own
     * images instead of their trigger (label-consistent's images sit at other classes' boundaries
     * by construction); this search asks for the one pattern that does both, which a trigger is.
     * The penalty's schedule then counts a window of steps as a success only when, besides the
     * removal rate, at least {@link #CARRY_SUCCESS} of the other images had p_c over one half, so
     * the pattern returned is the smallest that did both.
     */
    public static Pattern invertClass(Network net, ImageDataset data, int target, int steps, int batchSize, long seed,
            boolean carry) {
        return invertClass(net, data, target, steps, batchSize, seed, carry ? CARRY_SUCCESS : 0);
    }

    /**
     * As above, with the share of other images the pattern must carry chosen: {@code carrySuccess}
     * 0 is the removal search, {@link #CARRY_SUCCESS} the carry search, higher values a pattern
     * that carries more of them (the one the intervention stamps, {@link Intervention#INTERVENTION_CARRY}).
     */
    public static Pattern invertClass(Network net, ImageDataset data, int target, int steps, int batchSize, long seed,
            double carrySuccess) {
        return invertGroup(net, data, target, classImages(data, target), steps, batchSize, seed, carrySuccess);
    }

    /** Indices of the images labelled {@code c}: the group {@link #invertClass} removes the pattern from. */
    static int[] classImages(ImageDataset data, int c) {
        return IntStream.range(0, data.size()).filter(i -> data.label(i) == c).toArray();
    }

    /**
     * As above, removing the pattern from {@code own} only, a group of the class's images (all of
     * them in {@link #invertClass}): the low-loss minority of a class whose losses split, which for
     * a poison-label target class are the poisoned images.
     */
    public static Pattern invertGroup(Network net, ImageDataset data, int target, int[] own, int steps, int batchSize,
            long seed, double carrySuccess) {
        // Only what was trainable becomes trainable again: unfreezing the whole block would make
        // BatchNorm's running statistics require gradients, and the next training step of f_B
        // (the trigger check runs inside stage 1) fails in native_batch_norm.
        List<Parameter> trainable = net.block().getParameters().values().stream()
                .filter(Parameter::requiresGradient).toList();
        net.block().freezeParameters(true);
        try {
            return search(net, data, target, own, steps, batchSize, new Random(seed * 7919 + target), carrySuccess);
        } finally {
            trainable.forEach(p -> p.freeze(false));
        }
    }

    private static Pattern search(Network net, ImageDataset data, int target, int[] own, int steps, int batchSize,
            Random rnd, double carrySuccess) {
        boolean carry = carrySuccess > 0;
        int[] others = carry ? IntStream.range(0, data.size()).filter(i -> data.label(i) != target).toArray() : null;
        if (own.length == 0) {
            return new Pattern(target, new float[data.imageSize()], 0, 0);
        }
        int[] held = sample(own, Math.min(512, own.length), rnd);
        double area = (double) data.height() * data.width();
        try (NDManager m = net.manager().newSubManager()) {
            NDArray delta = m.zeros(new Shape(1, data.channels(), data.height(), data.width()));
            delta.setRequiresGradient(true);
            Adam adam = Adam.withDefaults(new LearningRate(0.05f));
            float beta = 0;
            int hits = 0;
            int seen = 0;
            int carried = 0;
            int carriedOf = 0;
            float[] best = null;
            double bestNorm = Double.POSITIVE_INFINITY;
            for (int s = 0; s < steps; s++) {
                int[] pick = sample(own, Math.min(batchSize, own.length), rnd);
                try (NDManager bm = m.newSubManager()) {
                    NDArray x = Batches.images(bm, data, pick, 0, pick.length);
                    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                        NDArray logits = net.forward(new NDList(x.sub(delta).clip(0f, 1f)), false).get(0);
                        NDArray pTarget = logits.softmax(1).get(":, " + target);
                        NDArray loss = pTarget.neg().add(1.000001f).log().neg().mean(); // -ln(1 - p_c)
                        if (others != null && others.length > 0) {
                            int[] o = sample(others, Math.min(batchSize, others.length), rnd);
                            NDArray xo = Batches.images(bm, data, o, 0, o.length).add(delta).clip(0f, 1f);
                            NDArray pCarry = net.forward(new NDList(xo), false).get(0).softmax(1).get(":, " + target);
                            loss = loss.add(pCarry.add(1e-6f).log().neg().mean()); // -ln p_c(x_o + delta)
                            carried += (int) pCarry.gt(0.5f).sum().getLong(); // p_c over a half: the argmax is c
                            carriedOf += o.length;
                        }
                        if (beta > 0) {
                            loss = loss.add(delta.square().sum().mul(beta));
                        }
                        for (long p : logits.argMax(1).toLongArray()) {
                            hits += p != target ? 1 : 0;
                        }
                        seen += pick.length;
                        gc.backward(loss);
                    }
                    NDArray g = delta.getGradient();
                    g.attach(bm);
                    adam.update("delta", delta, g);
                }
                if ((s + 1) % CHECK_EVERY == 0) {
                    double rate = (double) hits / seen;
                    boolean carries = carriedOf == 0 || (double) carried / carriedOf >= carrySuccess;
                    hits = 0;
                    seen = 0;
                    carried = 0;
                    carriedOf = 0;
                    if (rate >= SUCCESS && carries) {
                        double norm = delta.abs().sum().getFloat() / area;
                        if (norm < bestNorm) {
                            bestNorm = norm;
                            best = delta.toFloatArray();
                        }
                        beta = beta == 0 ? BETA_START : beta * BETA_FACTOR;
                    } else if (beta > 0) {
                        beta /= BETA_FACTOR;
                    }
                }
            }
            float[] chosen = best != null ? best : delta.toFloatArray();
            double norm = 0;
            for (float v : chosen) {
                norm += Math.abs(v);
            }
            return new Pattern(target, chosen, norm / area, removalRate(net, data, held, chosen, target));
        }
    }

    /** Fraction of {@code indices} that {@code net} no longer assigns to {@code target} once the pattern is removed. */
    static double removalRate(Network net, ImageDataset data, int[] indices, float[] delta, int target) {
        return indices.length == 0 ? 0
                : (double) (indices.length - assignedTo(net, data, indices, delta, -1f, target)) / indices.length;
    }

    /**
     * Fraction of {@code indices} (images of other classes) that {@code net} assigns to
     * {@code target} once the pattern is added: a trigger is a small pattern that carries the class
     * by itself, whatever image it is put on.
     */
    static double transferRate(Network net, ImageDataset data, int[] indices, float[] delta, int target) {
        return transfer(net, data, indices, delta, target).rate();
    }

    /**
     * What a pattern carries to {@code target}, overall and for each source class apart.
     *
     * @param rate {@link #transferRate}
     * @param byClass entry k is the share of the sampled images of class k that the pattern sends to
     *     {@code target} (NaN for a class with none sampled). A trigger of an all-to-one attack was
     *     learnt from images of every class and should carry them all; a pattern that only works on
     *     look-alikes of the target would be the class's own shape.
     */
    record Transfer(double rate, double[] byClass) {}

    /** {@link Transfer} of a pattern added to {@code indices}, from one pass over them. */
    static Transfer transfer(Network net, ImageDataset data, int[] indices, float[] delta, int target) {
        int[][] counts = assignedByClass(net, data, indices, delta, 1f, target);
        double[] share = new double[data.numClasses()];
        for (int y = 0; y < share.length; y++) {
            share[y] = counts[1][y] == 0 ? Double.NaN : (double) counts[0][y] / counts[1][y];
        }
        double rate = indices.length == 0 ? 0 : (double) IntStream.of(counts[0]).sum() / indices.length;
        return new Transfer(rate, share);
    }

    /** How many of {@code indices} {@code net} assigns to {@code target} with {@code scale * delta} added. */
    private static int assignedTo(Network net, ImageDataset data, int[] indices, float[] delta, float scale, int target) {
        return IntStream.of(assignedByClass(net, data, indices, delta, scale, target)[0]).sum();
    }

    /**
     * The same counted by the images' own classes: {@code [0][k]} of class k's images are assigned to
     * {@code target}, out of {@code [1][k]}.
     */
    private static int[][] assignedByClass(Network net, ImageDataset data, int[] indices, float[] delta, float scale,
            int target) {
        int[][] counts = new int[2][data.numClasses()];
        for (int from = 0; from < indices.length; from += 256) {
            int to = Math.min(indices.length, from + 256);
            try (NDManager bm = net.manager().newSubManager()) {
                NDArray x = add(Batches.images(bm, data, indices, from, to), delta, scale);
                long[] predicted = net.forward(new NDList(x), false).get(0).argMax(1).toLongArray();
                for (int i = 0; i < predicted.length; i++) {
                    int y = data.label(indices[from + i]);
                    counts[1][y]++;
                    counts[0][y] += predicted[i] == target ? 1 : 0;
                }
            }
        }
        return counts;
    }

    /** Up to {@code n} images not labelled {@code target}, drawn with {@code seed}. */
    static int[] otherClasses(ImageDataset data, int target, int n, long seed) {
        int[] other = IntStream.range(0, data.size()).filter(i -> data.label(i) != target).toArray();
        return sample(other, Math.min(n, other.length), new Random(seed * 7919 + target + 1));
    }

    /** {@code clip(x + scale * delta, 0, 1)} for a batch x (N, C, H, W) and one pattern. */
    static NDArray add(NDArray x, float[] delta, float scale) {
        Shape s = x.getShape();
        NDArray d = x.getManager().create(delta, new Shape(1, s.get(1), s.get(2), s.get(3)));
        return x.add(d.mul(scale)).clip(0f, 1f);
    }

    private static int[] sample(int[] from, int n, Random rnd) {
        int[] copy = from.clone();
        for (int i = 0; i < n; i++) {
            int j = i + rnd.nextInt(copy.length - i);
            int t = copy[i];
            copy[i] = copy[j];
            copy[j] = t;
        }
        return Arrays.copyOf(copy, n);
    }
}
