package org.cbd4j.model;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.pooling.Pool;

/**
 * A small VGG-style CNN, cheap enough for the quickstart's time budget on two CPU cores: three
 * stages of conv3x3-BN-ReLU (widths w, 2w, 4w) with 2x2 max-pooling between them, then global
 * average pooling; the embedding is 4w wide. Each stage ends at its ReLU (before the pooling).
 */
public final class SmallCnn {

    private SmallCnn() {}

    /** Builds the network with base width {@code width}. */
    public static ClassifierBlock create(int width, int numClasses) {
        SequentialBlock f = new SequentialBlock();
        int[] widths = {width, 2 * width, 4 * width};
        int[] stageEnds = new int[widths.length];
        for (int s = 0; s < widths.length; s++) {
            f.add(Layers.conv(widths[s], 3, 1)).add(Layers.batchNorm()).add(Layers.relu());
            stageEnds[s] = f.getChildren().size() - 1;
            if (s < widths.length - 1) {
                f.add(maxPool());
            }
        }
        f.add(Pool.globalAvgPool2dBlock());
        return new ClassifierBlock(f, widths[2], numClasses, stageEnds);
    }

    private static Block maxPool() {
        return Pool.maxPool2dBlock(new Shape(2, 2), new Shape(2, 2));
    }
}
