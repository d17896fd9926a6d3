package org.cbd4j.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.cbd4j.pipeline.Experiment;
import org.cbd4j.pipeline.ExperimentConfig;
import org.cbd4j.pipeline.ExperimentResult;
import org.cbd4j.report.AtomicFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code cbd quickstart}: Fashion-MNIST poisoned by BadNets (10 %, target 0), an undefended model
 * and a CBD model trained on the same data, and a side-by-side table.
 */
@Command(name = "quickstart", mixinStandardHelpOptions = true, sortOptions = false,
        description = "BadNets-poisoned Fashion-MNIST: undefended vs CBD, side by side (about 10 minutes on 2 cores).")
final class QuickstartCommand implements Callable<Integer> {

    @picocli.CommandLine.Mixin
    DeviceFlag deviceFlag = new DeviceFlag();

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "runs/quickstart",
            description = "Directory for the two runs. Default: ${DEFAULT-VALUE}.")
    String out;

    @Option(names = "--data", paramLabel = "DIR", description = "Fashion-MNIST directory (else Debian's copy or a download).")
    String data;

    @Option(names = "--model", defaultValue = "small-cnn", description = "Model. Default: ${DEFAULT-VALUE}.")
    String model;

    @Option(names = "--epochs", defaultValue = "12", description = "Epochs of each final model. Default: ${DEFAULT-VALUE}.")
    int epochs;

    @Option(names = "--fb-epochs", paramLabel = "N|auto", defaultValue = "auto",
            description = "CBD f_B epochs, or auto (stop when f_B has captured the trigger). Default: ${DEFAULT-VALUE}.")
    String fbEpochs;

    @Option(names = "--limit-train", defaultValue = "0", description = "Use N training images, a seeded class-stratified subset (0 = all). Default: all.")
    int limitTrain;

    @Option(names = "--batch-size", defaultValue = "128", description = "Mini-batch size. Default: ${DEFAULT-VALUE}.")
    int batchSize;

    @Option(names = "--seed", defaultValue = "0", description = "Seed. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Override
    public Integer call() throws Exception {
        deviceFlag.apply();
        Path root = Path.of(out);
        ExperimentConfig none = config("none", root.resolve("none"));
        ExperimentConfig cbd = config("cbd", root.resolve("cbd"));
        PrintingListener listener = new PrintingListener();
        System.err.println("cbd4j quickstart: 1/2 undefended training");
        ExperimentResult base = Experiment.run(none, Experiment.Mode.FORCE, null, listener, "cbd quickstart (none)");
        System.err.println("cbd4j quickstart: 2/2 CBD");
        ExperimentResult def = Experiment.run(cbd, Experiment.Mode.FORCE, Experiment.Baseline.of(base), listener,
                "cbd quickstart (cbd)");
        String table = ResultTable.compare(List.of("no defense", "CBD"), List.of(base.metrics(), def.metrics()));
        AtomicFiles.write(root.resolve("comparison.txt"), table + "\n" + ExperimentResult.METRIC_DEFINITIONS + "\n");
        System.out.println();
        System.out.println("Fashion-MNIST, BadNets 3x3 grid, 10 % poisoned, target 0, model " + model);
        System.out.print(table);
        System.out.println("runs: " + root.resolve("none") + " and " + root.resolve("cbd"));
        return 0;
    }

    /** The config of one quickstart run: the quickstart's choices over every default. */
    private ExperimentConfig config(String defense, Path dir) {
        ExperimentConfig.Builder b = ExperimentConfig.builder().optDataset("fashion-mnist").opt("limit-train", limitTrain)
                .optAttack("badnets").optPoisonRate(0.1).optTarget(0).optDefense(defense).optEpochs(epochs)
                .optModel(model).optBatchSize(batchSize).optSeed(seed).optOut(dir);
        if ("cbd".equals(defense)) {
            b.opt("fb-epochs", fbEpochs);
        }
        if (data != null) {
            b.optDataDir(Path.of(data));
        }
        return b.build();
    }
}
