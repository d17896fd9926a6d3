package org.cbd4j.pipeline;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.cbd4j.data.DatasetResolver;
import org.cbd4j.data.ImageDecoder;
import org.cbd4j.data.ImageFolderReader;
import org.cbd4j.data.TrainTestSplit;
import org.cbd4j.model.Network;
import org.cbd4j.model.ServingSpec;
import org.cbd4j.report.Json;

/**
 * Classifies image files with a run's saved network ({@code cbd predict}): each image is decoded
 * and brought to the model's input as training did ({@link ServingSpec#pixels}), and the softmax of
 * the logits gives the class and its probability.
 */
public final class Prediction {

    /** One image's prediction. */
    public record Row(String image, int classIndex, String className, double probability) {}

    /** The network used and one row per image, in the order of the images. */
    public record Result(String network, List<Row> rows) {

        /** CSV: {@code path,class_index,class,probability}, fields quoted when they must be. */
        public String csv() {
            StringBuilder sb = new StringBuilder("path,class_index,class,probability\n");
            for (Row r : rows) {
                sb.append(field(r.image())).append(',').append(r.classIndex()).append(',').append(field(r.className()))
                        .append(',').append(String.format(Locale.ROOT, "%.6f", r.probability())).append('\n');
            }
            return sb.toString();
        }
    }

    private Prediction() {}

    /** {@code fileOrDir} itself, or every image file under the directory (recursively, sorted). */
    public static List<Path> images(Path fileOrDir) throws IOException {
        if (Files.isRegularFile(fileOrDir)) {
            return List.of(fileOrDir);
        }
        if (!Files.isDirectory(fileOrDir)) {
            throw new IllegalArgumentException("--images " + fileOrDir + " does not exist");
        }
        List<Path> out;
        try (Stream<Path> s = Files.walk(fileOrDir)) {
            out = s.filter(Files::isRegularFile).filter(ImageFolderReader::isImage).sorted().toList();
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("--images " + fileOrDir + " holds no image files (PNG, JPEG, BMP, PPM/PGM)");
        }
        return out;
    }

    /**
     * Classifies {@code images} with network {@code net} of the run in {@code runDir}:
     * {@code model} means the final one (f_C for cbd). Every image is decoded and checked before
     * anything is computed, so a bad file fails the call without partial output.
     */
    public static Result predict(Path runDir, String net, List<Path> images, int batchSize) throws IOException {
        Path configFile = runDir.resolve("config.json");
        if (!Files.isRegularFile(configFile)) {
            throw new IllegalArgumentException("--run " + runDir + " has no config.json (not a cbd4j run directory)");
        }
        ExperimentConfig cfg = ExperimentConfig.fromJson(Json.read(configFile).get("config"));
        String name = "model".equals(net) && "cbd".equals(cfg.defense().name()) ? "f_C" : net;
        Path models = runDir.resolve("models");
        if (!Files.isRegularFile(models.resolve(name + "-0000.params"))) {
            throw new IllegalArgumentException("no saved network '" + name + "' in " + models);
        }
        ServingSpec spec = Files.isRegularFile(models.resolve(ServingSpec.PROPERTIES)) ? ServingSpec.read(models)
                : specFromData(cfg, name);
        byte[] pixels = new byte[Math.multiplyExact(images.size(), spec.imageSize())];
        for (int i = 0; i < images.size(); i++) {
            Path f = images.get(i);
            byte[] one = spec.pixels(f, ImageDecoder.decode(f, Files.readAllBytes(f)));
            System.arraycopy(one, 0, pixels, i * spec.imageSize(), one.length);
        }
        List<Row> rows = new ArrayList<>();
        try (Network n = Network.load(models, name, spec.architecture(), spec.numClasses(), spec.channels(),
                spec.height(), spec.width())) {
            for (int from = 0; from < images.size(); from += batchSize) {
                int to = Math.min(images.size(), from + batchSize);
                try (NDManager bm = n.manager().newSubManager()) {
                    byte[] batch = java.util.Arrays.copyOfRange(pixels, from * spec.imageSize(), to * spec.imageSize());
                    NDArray logits = n.forward(new NDList(spec.tensor(bm, batch, to - from)), false).get(0);
                    NDArray probs = logits.softmax(1);
                    long[] pred = logits.argMax(1).toLongArray();
                    float[] p = probs.toFloatArray();
                    for (int k = 0; k < pred.length; k++) {
                        int c = (int) pred[k];
                        rows.add(new Row(images.get(from + k).toString(), c, spec.classNames().get(c),
                                p[k * spec.numClasses() + c]));
                    }
                }
            }
        }
        return new Result(name, rows);
    }

    /** A run written before models/serving.properties existed: the spec from its dataset. */
    private static ServingSpec specFromData(ExperimentConfig cfg, String name) throws IOException {
        var d = cfg.data();
        TrainTestSplit split = DatasetResolver.defaults().load(d.dataset(), d.dir() == null ? null : Path.of(d.dir()),
                cfg.training().seed(), d.decoding());
        return Experiment.servingSpec(cfg, split.test(), name);
    }

    private static String field(String s) {
        return s.contains(",") || s.contains("\"") || s.contains("\n") || s.contains("\r")
                ? '"' + s.replace("\"", "\"\"") + '"' : s;
    }
}
