package org.cbd4j.cli;

import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The options of {@code cbd train} (also used by quickstart for its defaults). */
final class TrainOptions {

    @Mixin
    DataFlags dataFlags = new DataFlags();

    @Mixin
    PoisonFlags poisonFlags = new PoisonFlags();

    @Option(names = "--defense", defaultValue = "cbd",
            description = "Defense: none, cbd, abl, spectral, activation-clustering. Default: ${DEFAULT-VALUE}.")
    String defense;

    @Mixin
    BaselineFlags baselineFlags = new BaselineFlags();

    @Option(names = "--fb-epochs", paramLabel = "N|auto", defaultValue = "auto",
            description = "CBD stage 1: epochs of the deliberately backdoored f_B; auto stops when f_B's losses show "
                    + "a captured trigger (at most --fb-max-epochs). Default: ${DEFAULT-VALUE}.")
    String fbEpochs = "auto";

    @Mixin
    CbdFlags cbdFlags = new CbdFlags();

    @Option(names = "--epochs", paramLabel = "N", defaultValue = "100",
            description = "Epochs of the final model (f_C for cbd). Default: ${DEFAULT-VALUE}.")
    int epochs;

    @Option(names = "--no-mi", description = "CBD ablation: switch off the mutual-information critic term.")
    boolean noMi;

    @Option(names = "--no-reweight", description = "CBD ablation: switch off the l_B/(l_B+l_C) sample weights.")
    boolean noReweight;

    @Option(names = "--paper-weighting",
            description = "CBD weights exactly as the paper: l_B on the augmented batch, rescaled over the whole batch "
                    + "(cbd4j's default: l_B of the un-augmented sample, rescaled within each class).")
    boolean paperWeighting;

    @Option(names = "--mi-lambda", paramLabel = "X", defaultValue = "1.0",
            description = "Weight of the MI term (the 0.01 factor is inside the estimate). Default: ${DEFAULT-VALUE}.")
    float miLambda;

    @Option(names = "--critic-lr", paramLabel = "X", defaultValue = "0.2",
            description = "Adam learning rate of the MI critic. Default: ${DEFAULT-VALUE}.")
    float criticLr;

    @Option(names = "--model", defaultValue = "wrn-16-1",
            description = "Model: wrn-16-1 (any wrn-D-K), preact-resnet18, resnet18, resnet34, small-cnn, tiny-cnn. "
                    + "Default: ${DEFAULT-VALUE}.")
    String model;

    @Option(names = "--batch-size", paramLabel = "B", defaultValue = "64", description = "Mini-batch size. Default: ${DEFAULT-VALUE}.")
    int batchSize;

    @Option(names = "--lr", paramLabel = "X", defaultValue = "0.1",
            description = "Initial learning rate (x0.1 at 20 %% and 70 %% of the epochs). Default: ${DEFAULT-VALUE}.")
    float lr;

    @Option(names = "--momentum", paramLabel = "X", defaultValue = "0.9", description = "Nesterov momentum. Default: ${DEFAULT-VALUE}.")
    float momentum;

    @Option(names = "--weight-decay", paramLabel = "X", defaultValue = "1e-4", description = "Weight decay. Default: ${DEFAULT-VALUE}.")
    float weightDecay;

    @Option(names = "--no-augment", description = "Switch off crop, flip and Cutout.")
    boolean noAugment;

    @Option(names = "--no-flip", description = "Switch off the horizontal flip (it is off by itself for synthetic data).")
    boolean noFlip;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "0", description = "Seed for everything. Default: ${DEFAULT-VALUE}.")
    long seed;

    RunConfig toConfig(String out) {
        DataFlags d = dataFlags;
        PoisonFlags p = poisonFlags;
        boolean flip = !noFlip && !"synthetic".equals(d.dataset);
        return new RunConfig(d.dataset, d.data, d.imageSize, d.channels, d.skipUnreadable, d.limitTrain, p.attack,
                p.poisonRate, p.target, p.allToAll, defense, CbdFlags.parseFbEpochs(fbEpochs), epochs, noMi, noReweight, paperWeighting, miLambda,
                criticLr, model, batchSize, lr, momentum, weightDecay, !noAugment, flip, seed, p.attackFlags.toOptions(),
                baselineFlags.toOptions(), cbdFlags.toOptions(), out);
    }
}
