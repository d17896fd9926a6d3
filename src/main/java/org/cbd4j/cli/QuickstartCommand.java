package org.cbd4j.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
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

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "runs/quickstart",
            description = "Directory for the two runs. Default: ${DEFAULT-VALUE}.")
    String out;

    @Option(names = "--data", paramLabel = "DIR", description = "Fashion-MNIST directory (else Debian's copy or a download).")
    String data;

    @Option(names = "--model", defaultValue = "small-cnn", description = "Model. Default: ${DEFAULT-VALUE}.")
    String model;

    @Option(names = "--epochs", defaultValue = "12", description = "Epochs of each final model. Default: ${DEFAULT-VALUE}.")
    int epochs;

    @Option(names = "--fb-epochs", defaultValue = "1", description = "CBD f_B epochs. Default: ${DEFAULT-VALUE}.")
    int fbEpochs;

    @Option(names = "--limit-train", defaultValue = "0", description = "Use only the first N training images. Default: all.")
    int limitTrain;

    @Option(names = "--batch-size", defaultValue = "128", description = "Mini-batch size. Default: ${DEFAULT-VALUE}.")
    int batchSize;

    @Option(names = "--seed", defaultValue = "0", description = "Seed. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Override
    public Integer call() throws Exception {
        Path root = Path.of(out);
        RunConfig none = config("none", root.resolve("none"));
        RunConfig cbd = config("cbd", root.resolve("cbd"));
        none.validate();
        cbd.validate();
        System.err.println("cbd4j quickstart: 1/2 undefended training");
        Map<String, Object> base = Experiment.run(none, true, null, "cbd quickstart (none)");
        System.err.println("cbd4j quickstart: 2/2 CBD");
        Map<String, Object> def = Experiment.run(cbd, true, base, "cbd quickstart (cbd)");
        String table = ResultTable.compare(List.of("no defense", "CBD"), List.of(base, def));
        AtomicFiles.write(root.resolve("comparison.txt"), table + "\n" + Experiment.METRIC_DEFINITIONS + "\n");
        System.out.println();
        System.out.println("Fashion-MNIST, BadNets 3x3 grid, 10 % poisoned, target 0, model " + model);
        System.out.print(table);
        System.out.println("runs: " + root.resolve("none") + " and " + root.resolve("cbd"));
        return 0;
    }

    private RunConfig config(String defense, Path dir) {
        TrainOptions o = new TrainOptions();
        o.dataset = "fashion-mnist";
        o.data = data;
        o.limitTrain = limitTrain;
        o.attack = "badnets";
        o.poisonRate = 0.1;
        o.target = 0;
        o.defense = defense;
        o.fbEpochs = fbEpochs;
        o.epochs = epochs;
        o.miLambda = 1f;
        o.criticLr = 0.2f;
        o.model = model;
        o.batchSize = batchSize;
        o.lr = 0.1f;
        o.momentum = 0.9f;
        o.weightDecay = 1e-4f;
        o.seed = seed;
        return o.toConfig(dir.toString());
    }
}
