package org.cbd4j.attack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import org.cbd4j.data.ImageDataset;
import org.cbd4j.method.Option;
import org.cbd4j.method.OptionValues;
import org.cbd4j.model.Network;
import org.cbd4j.train.Augmentation;
import org.cbd4j.train.LearningRate;
import org.cbd4j.train.Messages;
import org.cbd4j.train.StepSchedule;
import org.cbd4j.train.SupervisedTraining;
import org.cbd4j.train.TrainConfig;

/**
 * The attacker's model trained on the clean data, which Trojan and label-consistent need to
 * build their triggers. It is trained once (with progress) and cached under
 * {@code <cache>/helpers/<key>/}, the key being a hash of the data's pixels and labels, the
 * architecture, the epochs and the seed; later runs with the same inputs load it.
 *
 * <p>The cache directory is {@code -Dcbd4j.cache}, else {@code $CBD4J_CACHE}, else
 * {@code ~/.cache/cbd4j}.
 */
final class HelperModel {

    /** The helper's architecture; shared by trojan, label-consistent and input-aware. */
    static final Option<String> MODEL = Option.text("helper-model", "small-cnn", HelperModel::knownModel,
            "a model name (see --model)", "model trained on the clean data to build the trigger (cached); "
                    + "input-aware: its classifier");
    /** Epochs of the helper (input-aware: of mask and of generator training). */
    static final Option<Integer> EPOCHS = Option.integer("helper-epochs", 5, 1, 1000,
            "epochs of that model (input-aware: of mask and of generator training)");

    private static boolean knownModel(String name) {
        try {
            org.cbd4j.model.Models.validate(name);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private HelperModel() {}

    static Path cacheRoot() {
        String prop = System.getProperty("cbd4j.cache");
        String env = System.getenv("CBD4J_CACHE");
        Path root = prop != null ? Path.of(prop) : env != null ? Path.of(env)
                : Path.of(System.getProperty("user.home"), ".cache", "cbd4j");
        return root.resolve("helpers");
    }

    /** The key of a helper model: what it was trained on and how. */
    static String key(ImageDataset clean, String architecture, int epochs, long seed) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(clean.pixels());
            for (int l : clean.labels()) {
                md.update((byte) l);
            }
            md.update((architecture + "|" + epochs + "|" + seed + "|" + clean.channels() + "x" + clean.height() + "x"
                    + clean.width() + "|" + clean.numClasses()).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(md.digest()).substring(0, 24);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Loads the cached helper for these inputs, or trains and caches it. The caller closes it. */
    static Network get(ImageDataset clean, OptionValues o, long seed) {
        String arch = o.get(MODEL);
        int epochs = o.get(EPOCHS);
        Path dir = cacheRoot().resolve(key(clean, arch, epochs, seed));
        try {
            if (Files.isRegularFile(dir.resolve("complete"))) {
                Messages.say("cbd4j: using cached helper model " + dir);
                return Network.load(dir, "helper", arch, clean.numClasses(), clean.channels(), clean.height(), clean.width());
            }
            Network net = Network.forData("helper", arch, clean);
            TrainConfig cfg = new TrainConfig(epochs, 128, 0.05f, 0.9f, 5e-4f, Augmentation.none(), seed + 17);
            StepSchedule schedule = StepSchedule.reference(cfg.lr(), cfg.epochs());
            LearningRate lr = new LearningRate(cfg.lr());
            var learner = SupervisedTraining.learner(net, lr, cfg);
            for (int e = 0; e < cfg.epochs(); e++) {
                lr.set(schedule.at(e));
                double loss = SupervisedTraining.epoch("helper", net, learner, clean, cfg, e);
                Messages.sayf("[helper %d] loss %.4f", e + 1, loss);
            }
            Files.createDirectories(dir.getParent());
            Path tmp = Files.createTempDirectory(dir.getParent(), ".helper-");
            net.save(tmp, Map.of("cbd4j.helper", arch + " epochs " + epochs + " seed " + seed));
            Files.writeString(tmp.resolve("complete"), "trained on the clean data; key " + dir.getFileName() + "\n");
            try {
                Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException raced) {
                // Another process cached the same model meanwhile: keep theirs.
                org.cbd4j.data.Directories.deleteTree(tmp);
            }
            return net;
        } catch (IOException e) {
            throw new UncheckedIOException("helper model cache " + dir + ": " + e.getMessage(), e);
        }
    }
}
