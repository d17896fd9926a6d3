package org.cbd4j.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.cbd4j.pipeline.Experiment;
import org.cbd4j.pipeline.ExperimentConfig;
import org.cbd4j.pipeline.ExperimentResult;
import org.cbd4j.report.Json;
import org.cbd4j.report.RunDirectory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code cbd train}: one run, written to {@code --out}. */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Poison a dataset, train with a defense, evaluate every epoch and write a run directory.")
final class TrainCommand implements Callable<Integer> {

    @picocli.CommandLine.Mixin
    DeviceFlag deviceFlag = new DeviceFlag();

    @Option(names = "--config", paramLabel = "FILE",
            description = "YAML or JSON file of train options (keys = flag names without dashes, e.g. poison-rate: 0.1); "
                    + "flags on the command line override it. Every run writes its resolved run-config.yaml.")
    String config;

    @Option(names = "--out", paramLabel = "DIR", description = "Run directory to create (required unless --resume).")
    String out;

    @Option(names = "--force", description = "Replace an existing non-empty run directory.")
    boolean force;

    @Option(names = "--resume", paramLabel = "DIR",
            description = "Continue the run in DIR from its last checkpoint, with the config recorded there "
                    + "(other options are ignored). A finished run is reported and left alone.")
    String resume;

    @Option(names = "--baseline", paramLabel = "DIR",
            description = "Run directory of an undefended run on the same data; adds DER and RIR to the summary.")
    String baseline;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    /** The command with its generated options ({@link ExperimentConfig#allOptions}). */
    static picocli.CommandLine commandLine() {
        picocli.CommandLine cl = new picocli.CommandLine(new TrainCommand());
        OptionFlags.add(cl.getCommandSpec(), ExperimentConfig.allOptions());
        return cl;
    }

    /** The config the parsed options describe. */
    static ExperimentConfig config(picocli.CommandLine.Model.CommandSpec spec, String out) {
        return ExperimentConfig.fromFlags(OptionFlags.values(spec, ExperimentConfig.allOptions()), out);
    }

    @Override
    public Integer call() throws Exception {
        deviceFlag.apply();
        String[] args = spec.commandLine().getParseResult().originalArgs().toArray(new String[0]);
        if (resume != null) {
            return resume(Path.of(resume), args);
        }
        if (config != null) {
            RunConfigFile.apply(Path.of(config), spec, spec.commandLine().getParseResult());
        }
        if (out == null) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "Missing required option: '--out=DIR'");
        }
        ExperimentConfig cfg = config(spec, out).validate();
        ExperimentResult r = Experiment.run(cfg, force ? Experiment.Mode.FORCE : Experiment.Mode.NEW, baseline(),
                new PrintingListener(), Main.commandLine("train", args));
        System.out.println(ResultTable.headline(r.metrics(), out));
        return 0;
    }

    private Integer resume(Path dir, String[] args) throws Exception {
        RunDirectory.open(dir);
        if (Files.isRegularFile(dir.resolve("summary.json"))) {
            System.err.println("cbd: run " + dir + " already finished; nothing to resume");
            return 0;
        }
        ExperimentConfig cfg = ExperimentConfig.fromJson(Json.read(dir.resolve("config.json")).get("config"))
                .withOut(dir.toString());
        ExperimentResult r = Experiment.run(cfg, Experiment.Mode.RESUME, baseline(), new PrintingListener(),
                Main.commandLine("train", args));
        System.out.println(ResultTable.headline(r.metrics(), dir.toString()));
        return 0;
    }

    private Experiment.Baseline baseline() throws Exception {
        return baseline == null ? null : Experiment.Baseline.fromSummary(Json.read(Path.of(baseline, "summary.json")));
    }
}
