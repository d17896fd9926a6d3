package org.cbd4j.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.cbd4j.pipeline.Prediction;
import org.cbd4j.report.AtomicFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code cbd predict}: classifies image files with a run's saved model. */
@Command(name = "predict", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Classify image files with a saved model: prints path<TAB>class<TAB>probability per image "
                + "and writes the same as CSV.",
            "Images are decoded and scaled as in training: folder and GTSRB models resize any image, the others "
                + "need the training image size and channels."})
final class PredictCommand implements Callable<Integer> {

    @picocli.CommandLine.Mixin
    DeviceFlag deviceFlag = new DeviceFlag();

    @Option(names = "--run", paramLabel = "DIR", required = true, description = "Run directory written by cbd train.")
    String run;

    @Option(names = "--images", paramLabel = "DIR|FILE", required = true,
            description = "An image file, or a directory searched recursively for PNG, JPEG, BMP and PPM/PGM files.")
    String images;

    @Option(names = "--model", defaultValue = "model",
            description = "Which saved network (a name under models/): model (the final one; f_C for cbd), f_B, ... "
                    + "Default: ${DEFAULT-VALUE}.")
    String model;

    @Option(names = "--out", paramLabel = "FILE", description = "CSV to write. Default: RUN_DIR/predictions.csv.")
    String out;

    @Option(names = "--batch-size", defaultValue = "64", description = "Images per forward pass. Default: ${DEFAULT-VALUE}.")
    int batchSize;

    @Override
    public Integer call() throws Exception {
        deviceFlag.apply();
        if (batchSize < 1) {
            throw new IllegalArgumentException("--batch-size must be at least 1, got " + batchSize);
        }
        Path dir = Path.of(run);
        Prediction.Result r = Prediction.predict(dir, model, Prediction.images(Path.of(images)), batchSize);
        Path csv = out != null ? Path.of(out) : dir.resolve("predictions.csv");
        AtomicFiles.write(csv, r.csv());
        for (Prediction.Row row : r.rows()) {
            System.out.printf(java.util.Locale.ROOT, "%s\t%s\t%.4f%n", row.image(), row.className(), row.probability());
        }
        System.err.println("cbd: " + r.rows().size() + " prediction(s) by " + r.network() + " -> " + csv);
        return 0;
    }
}
