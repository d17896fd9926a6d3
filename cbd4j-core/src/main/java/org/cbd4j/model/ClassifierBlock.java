package org.cbd4j.model;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * A classifier split into a feature extractor that ends in an (N, d) embedding and a linear head:
 * forward returns {@code NDList(logits, embedding)}.
 *
 * <p>Implementers pass a feature block whose output is already flat (global pooling included) and
 * state its width; the head is added here so every model exposes the same two outputs.
 */
public class ClassifierBlock extends AbstractBlock {

    private final Block features;
    private final Block head;
    private final int embeddingSize;
    private final int numClasses;

    /** Wraps {@code features} (output (N, embeddingSize)) with a linear head of {@code numClasses}. */
    public ClassifierBlock(Block features, int embeddingSize, int numClasses) {
        this.features = addChildBlock("features", features);
        this.head = addChildBlock("head", Linear.builder().setUnits(numClasses).build());
        this.embeddingSize = embeddingSize;
        this.numClasses = numClasses;
    }

    /** Width of the penultimate embedding. */
    public int embeddingSize() {
        return embeddingSize;
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
        NDList z = features.forward(ps, inputs, training, params);
        if (embeddingMask != null) {
            ai.djl.ndarray.NDArray e = z.singletonOrThrow();
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
