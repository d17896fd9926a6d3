package org.cbd4j.pipeline;

import java.util.List;
import org.cbd4j.data.DataOptions;
import org.cbd4j.method.Option;
import org.cbd4j.method.OptionValues;

/**
 * Which dataset a run loads and how; the options and their defaults are declared here.
 *
 * @param dataset registered dataset name ({@code DatasetResolver.NAMES})
 * @param dir directory holding its files, or null to look in the usual places (and download)
 * @param imageSize gtsrb and folder: side the images are resized to
 * @param channels folder: 1 (gray) or 3 (RGB)
 * @param skipUnreadable folder: skip images that cannot be decoded instead of failing
 * @param limitTrain train on a seeded class-stratified subset of this many images (0 = all)
 */
public record DataSetup(String dataset, String dir, int imageSize, int channels, boolean skipUnreadable, int limitTrain) {

    static final Option<String> DATASET = Option.text("dataset", "fashion-mnist", "dataset: fashion-mnist, cifar10 "
            + "(both downloaded when not found), mnist, gtsrb, folder (these need --data), synthetic");
    static final Option<String> DIR = Option.text("data", null, "directory holding the dataset files (searched first); "
            + "for folder: DIR/<class>/<images>, or DIR/train/<class> and DIR/test/<class> (else 20 % of each class is held out)");
    static final Option<Integer> IMAGE_SIZE = Option.integer("image-size", 32, 8, 512,
            "gtsrb and folder: images are resized to N x N");
    static final Option<Integer> CHANNELS = Option.integer("channels", 3, 1, 3, "folder: 1 (gray) or 3 (RGB)");
    static final Option<Boolean> SKIP_UNREADABLE = Option.flag("skip-unreadable",
            "folder: skip (and count) images that cannot be decoded instead of failing");
    static final Option<Integer> LIMIT_TRAIN = Option.integer("limit-train", 0, 0, Integer.MAX_VALUE,
            "train on N images: a class-stratified subset drawn with --seed, each class keeping its share (0 = all)");

    /** The data options, in help order. */
    public static final List<Option<?>> OPTIONS = List.of(DATASET, DIR, IMAGE_SIZE, CHANNELS, SKIP_UNREADABLE, LIMIT_TRAIN);

    static DataSetup from(OptionValues v) {
        return new DataSetup(v.get(DATASET), v.get(DIR), v.get(IMAGE_SIZE), v.get(CHANNELS), v.get(SKIP_UNREADABLE),
                v.get(LIMIT_TRAIN));
    }

    /** How gtsrb and folder images are decoded. */
    public DataOptions decoding() {
        return new DataOptions(imageSize, channels, skipUnreadable);
    }

    java.util.Map<String, Object> values() {
        java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put(DATASET.name(), dataset);
        if (dir != null) {
            m.put(DIR.name(), dir);
        }
        m.put(IMAGE_SIZE.name(), imageSize);
        m.put(CHANNELS.name(), channels);
        m.put(SKIP_UNREADABLE.name(), skipUnreadable);
        m.put(LIMIT_TRAIN.name(), limitTrain);
        return m;
    }
}
