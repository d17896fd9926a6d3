package org.cbd4j.cli;

import com.fasterxml.jackson.core.type.TypeReference;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import org.cbd4j.report.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code cbd train}: one run, written to {@code --out}. */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Poison a dataset, train with a defense, evaluate every epoch and write a run directory.")
final class TrainCommand implements Callable<Integer> {

    @Mixin
    TrainOptions options = new TrainOptions();

    @Option(names = "--out", paramLabel = "DIR", required = true, description = "Run directory to create.")
    String out;

    @Option(names = "--force", description = "Replace an existing non-empty run directory.")
    boolean force;

    @Option(names = "--baseline", paramLabel = "DIR",
            description = "Run directory of an undefended run on the same data; adds DER to the summary.")
    String baseline;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        RunConfig cfg = options.toConfig(out).validate();
        Map<String, Object> base = null;
        if (baseline != null) {
            base = Json.MAPPER.convertValue(Json.read(Path.of(baseline, "summary.json")), new TypeReference<>() {});
        }
        Map<String, Object> summary = Experiment.run(cfg, force, base,
                Main.commandLine("train", spec.commandLine().getParseResult().originalArgs().toArray(new String[0])));
        System.out.println(ResultTable.headline(summary, out));
        return 0;
    }
}
