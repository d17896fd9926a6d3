package org.cbd4j.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.cbd4j.attack.AttackConfig;
import org.cbd4j.attack.Attacks;
import org.cbd4j.attack.PoisonedData;
import org.cbd4j.data.DataOptions;
import org.cbd4j.data.DatasetWriter;
import org.cbd4j.data.Directories;
import org.cbd4j.data.ImageDataset;
import org.cbd4j.data.TrainTestSplit;
import org.cbd4j.pipeline.AttackSetup;
import org.cbd4j.pipeline.DataSetup;
import org.cbd4j.pipeline.Experiment;
import org.cbd4j.pipeline.ExperimentConfig;
import org.cbd4j.report.AtomicFiles;
import org.cbd4j.report.Json;
import org.cbd4j.report.PreviewGrid;
import org.cbd4j.report.Provenance;
import org.cbd4j.report.RunDirectory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code cbd poison}: writes a poisoned copy of a dataset (poisoned training set, clean test set,
 * triggered test set), the poisoned indices, the attack's config and trigger files, and a preview.
 * Everything is written into a temporary sibling directory that is renamed into place at the end.
 */
@Command(name = "poison", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Write a poisoned copy of a dataset with its poisoned indices, trigger files and a preview PNG "
                + "(name the attack with --attack; without one, the default none, the copy is clean).")
final class PoisonCommand implements Callable<Integer> {

    @Option(names = "--seed", paramLabel = "S", defaultValue = "0", description = "Seed of the sample choice and trigger. "
            + "Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--format", paramLabel = "F", description = "Output layout: idx (1-channel), cifar (3x32x32) or folder "
            + "(PNG files, any shape). Default: idx for 1-channel images, cifar for 3x32x32, else folder.")
    String format;

    @Option(names = "--preview", paramLabel = "N", defaultValue = "8",
            description = "Clean/poisoned pairs shown in preview.png. Default: ${DEFAULT-VALUE}.")
    int preview;

    @Option(names = "--out", paramLabel = "DIR", required = true, description = "Directory to create.")
    String out;

    @Option(names = "--force", description = "Replace an existing directory.")
    boolean force;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    /** The command with its generated data and attack options. */
    static picocli.CommandLine commandLine() {
        picocli.CommandLine cl = new picocli.CommandLine(new PoisonCommand());
        OptionFlags.add(cl.getCommandSpec(), DataSetup.OPTIONS);
        OptionFlags.add(cl.getCommandSpec(), AttackSetup.OPTIONS);
        OptionFlags.addAttackOptions(cl.getCommandSpec());
        return cl;
    }

    @Override
    public Integer call() throws Exception {
        if (preview < 0) {
            throw new IllegalArgumentException("--preview must be >= 0, got " + preview);
        }
        java.util.List<org.cbd4j.method.Option<?>> all = new java.util.ArrayList<>(DataSetup.OPTIONS);
        all.addAll(AttackSetup.OPTIONS);
        all.addAll(Attacks.REGISTRY.allOptions());
        Map<String, Object> flags = OptionFlags.values(spec, all);
        flags.put("seed", seed);
        ExperimentConfig parsed = ExperimentConfig.fromFlags(flags, null);
        DataSetup d = parsed.data();
        AttackSetup p = parsed.attack();
        var attack = p.create();
        Path dest = Path.of(out);
        if (Files.exists(dest) && !force) {
            throw new IllegalArgumentException("--out " + dest + " already exists (use --force to replace it)");
        }
        DataOptions dataOptions = d.decoding();
        TrainTestSplit split = Experiment.loadData(d.dataset(), d.dir(), seed, dataOptions, new PrintingListener());
        ImageDataset train = d.limitTrain() > 0 ? split.train().subset(d.limitTrain(), seed) : split.train();
        String fmt = format == null ? DatasetWriter.defaultFormat(train) : format;
        DatasetWriter.check(fmt, train);
        AttackConfig cfg = p.config(seed);
        PoisonedData pd = attack.poison(train, split.test(), cfg);

        Path parent = dest.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path tmp = Files.createDirectory(parent.resolve("." + dest.getFileName() + ".writing-" + ProcessHandle.current().pid()));
        try {
            DatasetWriter.write(fmt, pd.train(), tmp, "train");
            DatasetWriter.write(fmt, split.test(), tmp, "test");
            DatasetWriter.write(fmt, pd.triggeredTest(), tmp, "triggered");
            RunDirectory files = RunDirectory.open(tmp, false);
            files.writePoisonedIndices(pd.poisonedIndices());
            files.writeColumn("triggered_true_labels.csv", "true_label", pd.triggeredTrueLabels());
            files.writeAttackArtifacts(pd.artifacts(), pd.otherIndices());
            int[] shown = Arrays.copyOf(pd.poisonedIndices(), Math.min(preview, pd.poisonedIndices().length));
            AtomicFiles.write(tmp.resolve("preview.png"), PreviewGrid.png(train, pd.train(), shown));
            Map<String, Object> config = new LinkedHashMap<>();
            config.put("attack", p.name());
            config.put("attack_config", cfg);
            config.put("attack_options", p.options().toMap());
            config.put("dataset", d.dataset());
            config.put("data_options", dataOptions);
            config.put("limit_train", d.limitTrain());
            config.put("format", fmt);
            config.put("poisoned", pd.poisonedIndices().length);
            config.put("train_size", train.size());
            config.put("triggered_test_size", pd.triggeredTest().size());
            String cmd = Main.commandLine("poison", spec.commandLine().getParseResult().originalArgs().toArray(new String[0]));
            Json.write(tmp.resolve("poison.json"), Provenance.capture(config, seed, split.source(), cmd));
            if (force) {
                Directories.deleteTree(dest);
            }
            Files.move(tmp, dest, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException e) {
            Directories.deleteTree(tmp);
            throw e;
        }
        System.out.printf("%s: %d of %d training images poisoned by %s (%s layout) -> %s%n", d.dataset(),
                pd.poisonedIndices().length, train.size(), p.name(), fmt, dest);
        return 0;
    }
}
