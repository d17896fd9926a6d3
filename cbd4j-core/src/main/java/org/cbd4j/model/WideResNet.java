package org.cbd4j.model;

import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.pooling.Pool;

/**
 * WRN-depth-k for small images (docs/METHOD.md §2): a 3x3 stem of 16 filters, three groups of pre-activation
 * basic blocks with widths 16k, 32k, 64k (strides 1, 2, 2), then BN-ReLU-global-average-pool; the
 * pooled vector (64k wide) is the embedding. Works for any channel count and image size. The
 * stages are the three groups, each ending at its last block's output (before the final BN-ReLU).
 *
 * @see <a href="https://arxiv.org/abs/1605.07146">Zagoruyko and Komodakis, Wide Residual Networks</a>
 */
public final class WideResNet {

    private WideResNet() {}

    /** Refuses a depth that is not 6n + 4 (at least 10) or a width outside 1..64, naming the flag. */
    static void checkShape(int depth, int widen) {
        if (depth < 10 || (depth - 4) % 6 != 0 || widen < 1 || widen > 64) {
            throw new IllegalArgumentException("--model wrn-D-K: depth must be 6n+4 (10, 16, 22, 28, ...) and width "
                    + "1..64, got wrn-" + depth + "-" + widen);
        }
    }

    /** Builds WRN-{@code depth}-{@code widen}; depth must be 6n + 4. */
    public static ClassifierBlock create(int depth, int widen, int numClasses) {
        checkShape(depth, widen);
        int n = (depth - 4) / 6;
        int[] widths = {16, 16 * widen, 32 * widen, 64 * widen};
        SequentialBlock f = new SequentialBlock();
        f.add(Layers.conv(widths[0], 3, 1));
        int in = widths[0];
        int[] stageEnds = new int[3];
        for (int g = 0; g < 3; g++) {
            int out = widths[g + 1];
            for (int b = 0; b < n; b++) {
                f.add(new PreActBlock(in, out, b == 0 && g > 0 ? 2 : 1));
                in = out;
            }
            stageEnds[g] = f.getChildren().size() - 1;
        }
        f.add(Layers.batchNorm());
        f.add(Layers.relu());
        f.add(Pool.globalAvgPool2dBlock());
        return new ClassifierBlock(f, in, numClasses, stageEnds);
    }
}
