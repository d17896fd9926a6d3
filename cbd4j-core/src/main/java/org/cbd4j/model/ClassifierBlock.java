package org.cbd4j.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * A classifier split into a feature extractor that ends in an (N, d) embedding and a linear head:
 * forward returns {@code NDList(logits, embedding)}.
 *
 * <p>Implementers pass a feature block whose output is already flat (global pooling included) and
 * state its width; the head is added here so every model exposes the same two outputs. A model
 * built as a sequence of stages also names the children that end each stage, so that
 * {@link #forwardStages} can hand out those intermediate feature maps (NAD distils them).
 */
public class ClassifierBlock extends AbstractBlock {

    private final Block features;
    private final Block head;
    private final int embeddingSize;
    private final int numClasses;
    private final int[] stageEnds;

    /** Wraps {@code features} (output (N, embeddingSize)) with a linear head of {@code numClasses}. */
    public ClassifierBlock(Block features, int embeddingSize, int numClasses) {
        this(features, embeddingSize, numClasses, new int[0]);
    }

    /**
     * As {@link #ClassifierBlock(Block, int, int)}, where {@code features} is a sequence whose
     * children at the indices {@code stageEnds} (increasing) end the model's stages (residual
     * groups, conv stages). The stages change nothing in {@link #forward}: they are only read by
     * {@link #forwardStages}.
     */
    public ClassifierBlock(SequentialBlock features, int embeddingSize, int numClasses, int[] stageEnds) {
        this((Block) features, embeddingSize, numClasses, stageEnds);
    }

    private ClassifierBlock(Block features, int embeddingSize, int numClasses, int[] stageEnds) {
        this.features = addChildBlock("features", features);
        this.head = addChildBlock("head", Linear.builder().setUnits(numClasses).build());
        this.embeddingSize = embeddingSize;
        this.numClasses = numClasses;
        this.stageEnds = stageEnds.clone();
        for (int i = 0; i < stageEnds.length; i++) {
            if (stageEnds[i] < (i == 0 ? 0 : stageEnds[i - 1] + 1) || stageEnds[i] >= features.getChildren().size()) {
                throw new IllegalArgumentException("stage ends must be increasing child indices of the features");
            }
        }
    }

    /** How many stages {@link #forwardStages} returns (0: this model names none). */
    public int stageCount() {
        return stageEnds.length;
    }

    /** Width of the penultimate embedding. */
    public int embeddingSize() {
        return embeddingSize;
    }

    /** The feature extractor: image batch to (N, embeddingSize) embedding. */
    public Block features() {
        return features;
    }

    /** The linear head: embedding to logits (DBD trains it alone, on a frozen feature extractor). */
    public Block head() {
        return head;
    }

    /** The head's (numClasses, embeddingSize) weight matrix. */
    public ai.djl.ndarray.NDArray headWeight() {
        return head.getParameters().get("weight").getArray();
    }

    public int numClasses() {
        return numClasses;
    }

    private float[] embeddingMask;

    /**
     * Multiplies the embedding by {@code mask} (0 or 1 per unit) in every forward pass from now on,
     * or stops doing so (null). Every model here ends in global average pooling of its last
     * convolution, so a 0 removes that channel entirely: the head sees nothing of it and no
     * gradient reaches the head's column for it. Not a parameter and not saved: fine-pruning bakes
     * the pruning into the head ({@link #pruneHeadColumns}) before the model is written.
     */
    public void setEmbeddingMask(float[] mask) {
        if (mask != null && mask.length != embeddingSize) {
            throw new IllegalArgumentException("mask of " + mask.length + " units for an embedding of " + embeddingSize);
        }
        this.embeddingMask = mask == null ? null : mask.clone();
    }

    /** Zeroes the head's weight columns where {@code mask} is 0: the pruning, kept in the saved weights. */
    public void pruneHeadColumns(float[] mask) {
        ai.djl.ndarray.NDArray w = headWeight();
        try (NDManager scope = w.getManager().newSubManager()) {
            ai.djl.ndarray.NDArray m = scope.create(mask).reshape(1, mask.length);
            w.muli(m);
        }
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDList z = features.forward(ps, MemoryLayout.arrangeInputs(inputs), training, params);
        return withHead(ps, z, training, params);
    }

    /**
     * The features' output alone, (N, embeddingSize) in float32, without the embedding mask or the
     * head (DBD trains a projection head on it).
     */
    public NDArray embed(ParameterStore ps, NDList inputs, boolean training) {
        NDArray z = features.forward(ps, MemoryLayout.arrangeInputs(inputs), training).singletonOrThrow();
        return Bf16.toFloat32(z, training);
    }

    /**
     * The forward pass that also returns each stage's output feature map:
     * {@code NDList(logits, embedding, stage 1, ..., stage K)} with K = {@link #stageCount}. The
     * features' children are run one by one exactly as the sequence itself runs them, so logits
     * and embedding are those of {@link #forward}.
     */
    public NDList forwardStages(ParameterStore ps, NDList inputs, boolean training) {
        if (stageEnds.length == 0) {
            throw new IllegalStateException("this model names no stages");
        }
        NDList x = MemoryLayout.arrangeInputs(inputs);
        NDList stages = new NDList(stageEnds.length);
        int i = 0;
        int next = 0;
        for (Block child : features.getChildren().values()) {
            x = child.forward(ps, x, training);
            if (next < stageEnds.length && i == stageEnds[next]) {
                stages.add(Bf16.toFloat32(x.singletonOrThrow(), training));
                next++;
            }
            i++;
        }
        NDList out = withHead(ps, x, training, null);
        out.addAll(stages);
        return out;
    }

    /** The embedding mask and the head applied to the features' output z: (logits, embedding). */
    private NDList withHead(ParameterStore ps, NDList z, boolean training, PairList<String, Object> params) {
        z = new NDList(Bf16.toFloat32(z.singletonOrThrow(), training));
        if (embeddingMask != null) {
            NDArray e = z.singletonOrThrow();
            z = new NDList(e.mul(e.getManager().create(embeddingMask).reshape(1, embeddingMask.length)));
        }
        NDList logits = head.forward(ps, z, training, params);
        return new NDList(logits.singletonOrThrow(), z.singletonOrThrow());
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        features.initialize(manager, dataType, inputShapes);
        head.initialize(manager, dataType, features.getOutputShapes(inputShapes));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        long n = inputShapes[0].get(0);
        return new Shape[] {new Shape(n, numClasses), new Shape(n, embeddingSize)};
    }
}
