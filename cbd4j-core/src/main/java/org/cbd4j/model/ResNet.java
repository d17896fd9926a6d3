package org.cbd4j.model;

import ai.djl.nn.SequentialBlock;
import ai.djl.nn.pooling.Pool;

/**
 * ResNets with the CIFAR-style stem for small images (a 3x3 convolution of 64 filters, no
 * max-pool), four stages of widths 64, 128, 256, 512 (strides 1, 2, 2, 2) and global average
 * pooling; the pooled 512-vector is the embedding. {@code preact-resnet18} uses pre-activation
 * blocks (BackdoorBench's default model), {@code resnet18}/{@code resnet34} post-activation ones.
 * The stages are the four groups of blocks, each ending at its last block's output.
 *
 * @see <a href="https://arxiv.org/abs/1603.05027">He et al., Identity Mappings in Deep Residual Networks (2016)</a>
 */
public final class ResNet {

    static final int[] WIDTHS = {64, 128, 256, 512};

    private ResNet() {}

    /** PreAct-ResNet-18: blocks (2, 2, 2, 2), then BN-ReLU before pooling. */
    public static ClassifierBlock preAct18(int numClasses) {
        SequentialBlock f = new SequentialBlock().add(Layers.conv(64, 3, 1));
        int[] stageEnds = stages(f, new int[] {2, 2, 2, 2}, true);
        f.add(Layers.batchNorm()).add(Layers.relu()).add(Pool.globalAvgPool2dBlock());
        return new ClassifierBlock(f, 512, numClasses, stageEnds);
    }

    /** ResNet-18 (blocks 2, 2, 2, 2) or ResNet-34 (3, 4, 6, 3). */
    public static ClassifierBlock basic(int[] blocks, int numClasses) {
        SequentialBlock f = new SequentialBlock().add(Layers.conv(64, 3, 1)).add(Layers.batchNorm()).add(Layers.relu());
        int[] stageEnds = stages(f, blocks, false);
        f.add(Pool.globalAvgPool2dBlock());
        return new ClassifierBlock(f, 512, numClasses, stageEnds);
    }

    /** Adds the four stages; returns the index in {@code f} of each stage's last block. */
    private static int[] stages(SequentialBlock f, int[] blocks, boolean preAct) {
        int in = 64;
        int[] ends = new int[4];
        for (int s = 0; s < 4; s++) {
            for (int b = 0; b < blocks[s]; b++) {
                int stride = b == 0 && s > 0 ? 2 : 1;
                f.add(preAct ? new PreActBlock(in, WIDTHS[s], stride) : new BasicBlock(in, WIDTHS[s], stride));
                in = WIDTHS[s];
            }
            ends[s] = f.getChildren().size() - 1;
        }
        return ends;
    }
}
