package org.cbd4j.cli;

import picocli.CommandLine.Option;

/** Which dataset to load and how (shared by {@code cbd train} and {@code cbd poison}). */
final class DataFlags {

    @Option(names = "--dataset", defaultValue = "fashion-mnist",
            description = "Dataset: fashion-mnist, cifar10 (both downloaded when not found), mnist, gtsrb, folder (these need --data), synthetic. "
                    + "Default: ${DEFAULT-VALUE}.")
    String dataset;

    @Option(names = "--data", paramLabel = "DIR", description = "Directory holding the dataset files (searched first); "
            + "for folder: DIR/<class>/<images>, or DIR/train/<class> and DIR/test/<class> (else 20 %% of each class is held out).")
    String data;

    @Option(names = "--image-size", paramLabel = "N", defaultValue = "32",
            description = "gtsrb and folder: images are resized to N x N. Default: ${DEFAULT-VALUE}.")
    int imageSize;

    @Option(names = "--channels", paramLabel = "C", defaultValue = "3",
            description = "folder: 1 (gray) or 3 (RGB). Default: ${DEFAULT-VALUE}.")
    int channels;

    @Option(names = "--skip-unreadable",
            description = "folder: skip (and count) images that cannot be decoded instead of failing.")
    boolean skipUnreadable;

    @Option(names = "--limit-train", paramLabel = "N", defaultValue = "0",
            description = "Train on N images: a class-stratified subset drawn with --seed, each class keeping its share, original order kept (0 = all). Default: ${DEFAULT-VALUE}.")
    int limitTrain;
}
