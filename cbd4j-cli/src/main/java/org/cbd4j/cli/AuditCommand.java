package org.cbd4j.cli;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.cbd4j.pipeline.Audit;
import org.cbd4j.pipeline.AuditConfig;
import org.cbd4j.pipeline.AuditResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code cbd audit}: CBD's detection on a dataset ({@link Audit}), for a clean dataset instead of a model. */
@Command(name = "audit", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Find the images of a dataset that CBD takes for poisoned: f_B until its losses show a captured "
                + "trigger, then --fc-epochs of CBD's f_C; every image is scored and CBD's unsupervised rule flags the "
                + "suspects. Writes suspicion.csv (one row per image, most suspicious first), suspicious_grid.png "
                + "(each class's most suspicious images), summary.json (flagged per class; detection precision, "
                + "recall and AUROC when --attack simulates one), config.json, the models and checkpoints.",
            "Nothing is poisoned unless --attack names an attack. Running the same command again continues an "
                + "interrupted audit, or rescores a finished one from its last checkpoint."})
final class AuditCommand implements Callable<Integer> {

    @picocli.CommandLine.Mixin
    DeviceFlag deviceFlag = new DeviceFlag();

    @Option(names = "--out", paramLabel = "DIR", required = true,
            description = "Audit directory (created; the same audit in it is continued, another is refused).")
    String out;

    @Option(names = "--export-clean", paramLabel = "DIR",
            description = "Also write the audited data without the flagged images to DIR, in its own layout, so the same "
                    + "--dataset reads it: folder (the original files copied, same tree, test/ of a split folder whole), "
                    + "fashion-mnist and mnist (gzip IDX train files, t10k files copied), cifar10 (each data_batch_N.bin "
                    + "without its flagged records, test_batch.bin copied). Other datasets are refused. With --attack, "
                    + "the images as the audit saw them (poisoned). DIR must not exist (unless --force).")
    String exportClean;

    @Option(names = "--run", paramLabel = "RUN_DIR",
            description = "Score with the saved f_B and f_C of a finished cbd run (or audit) instead of training them; "
                    + "the CBD and training options are then not used, the data options must give the run's input shape.")
    String run;

    @Option(names = "--force", description = "Replace an existing --out and --export-clean directory.")
    boolean force;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    /** The command with the options of {@link AuditConfig#options}. */
    static picocli.CommandLine commandLine() {
        picocli.CommandLine cl = new picocli.CommandLine(new AuditCommand());
        OptionFlags.add(cl.getCommandSpec(), AuditConfig.options());
        return cl;
    }

    @Override
    public Integer call() throws Exception {
        String[] args = spec.commandLine().getParseResult().originalArgs().toArray(new String[0]);
        Map<String, Object> flags = OptionFlags.values(spec, AuditConfig.options());
        AuditConfig cfg = AuditConfig.fromFlags(flags, run, exportClean, out).validate();
        deviceFlag.apply();
        AuditResult r = Audit.run(cfg, force, new PrintingListener(), Main.commandLine("audit", args));
        System.out.println(headline(r));
        return 0;
    }

    /** The last line: how many images were flagged, detection figures with a simulated attack, where. */
    static String headline(AuditResult r) {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "audit: %d of %d images flagged",
                r.flaggedCount(), r.labels().length));
        if (r.attacked()) {
            sb.append(String.format(Locale.ROOT, "  (%d poisoned; detection precision %s recall %s AUROC %s)",
                    r.poisonedIndices().length, ResultTable.fmt(finite(r.detectionPrecision())),
                    ResultTable.fmt(finite(r.detectionRecall())), ResultTable.fmt(finite(r.detectionAuroc()))));
        }
        sb.append(String.format(Locale.ROOT, "  (%.1f s) -> %s", r.wallSeconds(), r.directory().resolve("suspicion.csv")));
        if (r.exportDirectory() != null) {
            sb.append("; clean copy (").append(r.exported()).append(" images) -> ").append(r.exportDirectory());
        }
        return sb.toString();
    }

    private static Double finite(double v) {
        return Double.isFinite(v) ? v : null;
    }
}
