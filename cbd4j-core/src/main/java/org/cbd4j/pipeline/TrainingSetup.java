package org.cbd4j.pipeline;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.cbd4j.method.Option;
import org.cbd4j.method.OptionValues;
import org.cbd4j.train.Augmentation;
import org.cbd4j.train.TrainConfig;

/**
 * How the final model (f_C for CBD) is trained; the options and defaults are declared here.
 *
 * @param model architecture name ({@code Models.NAMES})
 * @param epochs epochs of the final model
 * @param batchSize mini-batch size
 * @param lr initial learning rate (x0.1 at 20 % and 70 % of the epochs)
 * @param momentum Nesterov momentum
 * @param weightDecay weight decay
 * @param augment random crop, flip and Cutout
 * @param flip the horizontal flip of the augmentation (never on generated data)
 * @param seed seed of everything
 */
public record TrainingSetup(String model, int epochs, int batchSize, double lr, double momentum, double weightDecay,
        boolean augment, boolean flip, long seed) {

    static final Option<String> MODEL = Option.text("model", "wrn-16-1", "model: wrn-16-1 (any wrn-D-K), "
            + "preact-resnet18, resnet18, resnet34, small-cnn, tiny-cnn");
    static final Option<Integer> EPOCHS = Option.integer("epochs", 100, 1, 100_000, "epochs of the final model (f_C for cbd)");
    static final Option<Integer> BATCH_SIZE = Option.integer("batch-size", 64, 2, 65_536, "mini-batch size (at least 2: BatchNorm)");
    static final Option<Double> LR = Option.real("lr", 0.1, "(0, inf)",
            "initial learning rate (x0.1 at 20 % and 70 % of the epochs)");
    static final Option<Double> MOMENTUM = Option.real("momentum", 0.9, "[0, 1)", "Nesterov momentum");
    static final Option<Double> WEIGHT_DECAY = Option.real("weight-decay", 1e-4, "[0, inf)", "weight decay");
    static final Option<Boolean> NO_AUGMENT = Option.flag("no-augment", "switch off crop, flip and Cutout");
    static final Option<Boolean> NO_FLIP = Option.flag("no-flip",
            "switch off the horizontal flip (it is off by itself for synthetic data)");
    static final Option<Long> SEED = Option.wholeNumber("seed", 0, "seed for everything");

    /** The training options, in help order. */
    public static final List<Option<?>> OPTIONS = List.of(MODEL, EPOCHS, BATCH_SIZE, LR, MOMENTUM, WEIGHT_DECAY,
            NO_AUGMENT, NO_FLIP, SEED);

    static TrainingSetup from(OptionValues v, String dataset) {
        boolean flip = !v.get(NO_FLIP) && !"synthetic".equals(dataset);
        return new TrainingSetup(v.get(MODEL), v.get(EPOCHS), v.get(BATCH_SIZE), v.get(LR), v.get(MOMENTUM),
                v.get(WEIGHT_DECAY), !v.get(NO_AUGMENT), flip, v.get(SEED));
    }

    /** The training loop's settings. */
    public TrainConfig trainConfig() {
        Augmentation aug = augment ? Augmentation.reference(flip) : Augmentation.none();
        return new TrainConfig(epochs, batchSize, (float) lr, (float) momentum, (float) weightDecay, aug, seed);
    }

    Map<String, Object> values() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put(MODEL.name(), model);
        m.put(EPOCHS.name(), epochs);
        m.put(BATCH_SIZE.name(), batchSize);
        m.put(LR.name(), lr);
        m.put(MOMENTUM.name(), momentum);
        m.put(WEIGHT_DECAY.name(), weightDecay);
        m.put(NO_AUGMENT.name(), !augment);
        m.put(NO_FLIP.name(), !flip);
        m.put(SEED.name(), seed);
        return m;
    }
}
