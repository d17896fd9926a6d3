package org.cbd4j.pipeline;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.cbd4j.data.Checksums;
import org.cbd4j.data.ImageDataset;
import org.cbd4j.defense.CbdScores;
import org.cbd4j.eval.Evaluator;
import org.cbd4j.model.Network;
import org.cbd4j.model.ServingSpec;

/**
 * Scores images with the saved f_B and f_C of a finished CBD run, without training: the same
 * suspicion the run computed for its training set ({@code sample_scores.csv}), for any labelled
 * images of the run's input shape. One scorer holds both networks; score batches of any size
 * through it (a partition at a time, say), one thread per scorer, and close it when done.
 *
 * <pre>{@code
 * try (CbdScorer scorer = CbdScorer.load(Path.of("runs/mine"))) {
 *     float[] suspicion = scorer.score(images);   // images: an ImageDataset with labels
 * }
 * }</pre>
 *
 * <p>Suspicion is per image and does not depend on the other images in a batch (inference mode,
 * BatchNorm uses its running statistics). The flagging rule does: it cuts a whole set's scores
 * ({@link CbdScores#flagged}), so flag the union of the batches' losses, not each batch.
 */
public final class CbdScorer implements AutoCloseable {

    /** Images per forward pass. */
    static final int BATCH = 256;

    /** Both networks' per-image losses and the suspicion they give. */
    public record Scores(float[] lossB, float[] lossC, float[] suspicion) {}

    private final ServingSpec spec;
    private final Network fB;
    private final Network fC;
    private final Map<String, String> modelHashes;

    private CbdScorer(ServingSpec spec, Network fB, Network fC, Map<String, String> modelHashes) {
        this.spec = spec;
        this.fB = fB;
        this.fC = fC;
        this.modelHashes = modelHashes;
    }

    /**
     * Loads {@code runDir/models/f_B} and {@code f_C} with the architecture and input shape of
     * {@code models/serving.properties}; a directory without them is refused in one line.
     */
    public static CbdScorer load(Path runDir) throws IOException {
        ServingSpec spec = spec(runDir);
        Path models = runDir.resolve("models");
        Map<String, String> hashes = new LinkedHashMap<>();
        Network b = load(models, "f_B", spec);
        try {
            Network c = load(models, "f_C", spec);
            hashes.put("f_B-0000.params", Checksums.sha256(models.resolve("f_B-0000.params")));
            hashes.put("f_C-0000.params", Checksums.sha256(models.resolve("f_C-0000.params")));
            return new CbdScorer(spec, b, c, hashes);
        } catch (IOException | RuntimeException e) {
            b.close();
            throw e;
        }
    }

    /** The architecture and input shape of a run's models; a directory without f_B and f_C is refused. */
    public static ServingSpec spec(Path runDir) throws IOException {
        Path models = runDir.resolve("models");
        for (String net : new String[] {"f_B", "f_C"}) {
            if (!Files.isRegularFile(models.resolve(net + "-0000.params"))) {
                throw new IllegalArgumentException("--run " + runDir + " has no saved " + net + " in models/ (not a finished "
                        + "cbd run, or an audit with --fc-epochs 0, which trains no f_C)");
            }
        }
        if (!Files.isRegularFile(models.resolve(ServingSpec.PROPERTIES))) {
            throw new IllegalArgumentException("--run " + runDir + " has no models/" + ServingSpec.PROPERTIES
                    + " (written by cbd4j since its models load with DJL's Criteria); re-run it to score with it");
        }
        return ServingSpec.read(models);
    }

    private static Network load(Path models, String name, ServingSpec spec) throws IOException {
        return Network.load(models, name, spec.architecture(), spec.numClasses(), spec.channels(), spec.height(),
                spec.width());
    }

    /** The run's architecture, input shape and class names. */
    public ServingSpec spec() {
        return spec;
    }

    /** SHA-256 of the two parameter files, for the provenance of what they scored. */
    public Map<String, String> modelHashes() {
        return modelHashes;
    }

    /** CBD's suspicion of every image, in order: {@code 1 - l_B / (l_B + l_C + 1e-8)}. */
    public float[] score(ImageDataset images) {
        return scores(images).suspicion();
    }

    /** Both losses and the suspicion of every image; images of another shape or class count are refused. */
    public Scores scores(ImageDataset images) {
        check(spec, images);
        float[] lossB = Evaluator.predict(fB, images, BATCH).losses();
        float[] lossC = Evaluator.predict(fC, images, BATCH).losses();
        return new Scores(lossB, lossC, CbdScores.suspicion(lossB, lossC));
    }

    /** Refuses, in one line, images that do not have the shape and class count of {@code spec}. */
    public static void check(ServingSpec spec, ImageDataset images) {
        if (images.channels() != spec.channels() || images.height() != spec.height() || images.width() != spec.width()
                || images.numClasses() != spec.numClasses()) {
            throw new IllegalArgumentException(String.format(java.util.Locale.ROOT,
                    "the images are %dx%dx%d with %d classes; the run's models take %dx%dx%d with %d classes%s",
                    images.channels(), images.height(), images.width(), images.numClasses(), spec.channels(),
                    spec.height(), spec.width(), spec.numClasses(), spec.resize()
                            ? " (pass --image-size " + spec.height() + " --channels " + spec.channels() + ")" : ""));
        }
    }

    @Override
    public void close() {
        fB.close();
        fC.close();
    }
}
