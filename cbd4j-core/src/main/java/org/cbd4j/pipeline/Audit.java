package org.cbd4j.pipeline;

import ai.djl.engine.Engine;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.cbd4j.attack.PoisonedData;
import org.cbd4j.data.Directories;
import org.cbd4j.defense.CbdScores;
import org.cbd4j.defense.Checkpointer;
import org.cbd4j.defense.DefenseContext;
import org.cbd4j.defense.DefenseResult;
import org.cbd4j.defense.EpochListener;
import org.cbd4j.eval.Detection;
import org.cbd4j.model.Network;
import org.cbd4j.report.AtomicFiles;
import org.cbd4j.report.HtmlReport;
import org.cbd4j.report.Json;
import org.cbd4j.report.Provenance;
import org.cbd4j.report.RunDirectory;
import org.cbd4j.report.SuspiciousGrid;
import org.cbd4j.train.Checkpoints;
import org.cbd4j.train.Messages;
import org.cbd4j.train.TrainConfig;
import org.cbd4j.train.TrainingState;

/**
 * {@code cbd audit}: CBD's detection on a dataset, for a clean dataset rather than a model. f_B
 * trains until its losses show a captured trigger ({@code --fb-epochs auto}), f_C for
 * {@code --fc-epochs} (possibly 0), then every audited image is scored and CBD's flagging rule
 * applied; or the saved f_B and f_C of a finished run score it ({@link CbdScorer}). The audit
 * directory gets {@code suspicion.csv}, {@code suspicious_grid.png}, {@code summary.json},
 * {@code config.json} (provenance), the models and CBD's checkpoints; {@code --export-clean} a copy
 * of the data without the flagged images ({@link CleanExport}).
 *
 * <pre>{@code
 * AuditResult r = Audit.run(AuditConfig.builder()
 *         .optDataset("folder").optDataDir(Path.of("my-images")).optModel("small-cnn")
 *         .optExportClean(Path.of("my-images-clean")).optOut(Path.of("audits/mine")).build());
 * }</pre>
 *
 * <p>Running the same audit again into the same directory continues it from its last checkpoint;
 * when it had finished, only the scores are computed again from the last checkpoint and the
 * outputs rewritten (so {@code --export-clean} can be added later). Another config is refused.
 */
public final class Audit {

    /** How the score of {@code suspicion.csv} is defined, written into every summary. */
    static final String SCORE_DEFINITION = "suspicion = 1 - l_B / (l_B + l_C + 1e-8) with l_B, l_C the per-image "
            + "cross-entropy of f_B and f_C on the un-augmented image and its label; rank 1 = highest "
            + "ln(l_C + 1e-8) - ln(l_B + 1e-8) (the same order), ties by index; flagged = CBD's rule on that log ratio";

    private Audit() {}

    /** Audits into a new directory, silently. */
    public static AuditResult run(AuditConfig cfg) throws IOException {
        return run(cfg, false, ExperimentListener.SILENT, "java API");
    }

    /**
     * Audits as {@code cfg} says.
     *
     * @param force replace an existing {@code --out} and {@code --export-clean} directory
     * @param listener receives progress lines and every epoch's loss
     * @param commandLine how the audit was started, for its provenance
     */
    public static AuditResult run(AuditConfig cfg, boolean force, ExperimentListener listener, String commandLine)
            throws IOException {
        long start = System.nanoTime();
        cfg.validate();
        Path out = Path.of(cfg.out());
        Path export = cfg.exportClean() == null ? null : Path.of(cfg.exportClean());
        checkPlaces(cfg, out, export, force);
        Messages.Sink before = Messages.use(Experiment.sink(listener));
        try {
            return audit(cfg, out, export, force, listener, commandLine, start);
        } finally {
            Messages.use(before);
        }
    }

    private record Scored(float[] lossB, float[] lossC, float[] suspicion, boolean[] flagged, Map<String, Object> report,
            String resumedFrom) {}

    private static AuditResult audit(AuditConfig cfg, Path out, Path export, boolean force, ExperimentListener listener,
            String commandLine, long start) throws IOException {
        AuditData data = AuditData.load(cfg, listener);
        if (cfg.run() != null) {
            CbdScorer.check(CbdScorer.spec(Path.of(cfg.run())), data.audited()); // before anything is written
        }
        Provenance prov = Provenance.capture(cfg.toJson(), cfg.seed(), data.source(), commandLine);
        openDirectory(cfg, out, force, data, prov);
        Engine.getInstance().setRandomSeed((int) cfg.seed());
        PoisonedData pd = cfg.cbd().attack().create().poison(data.audited(), data.restOrEmpty(),
                cfg.cbd().attack().config(cfg.seed()));
        RunDirectory dir = RunDirectory.open(out, false);
        if (pd.poisonedIndices().length > 0) {
            dir.writePoisonedIndices(pd.poisonedIndices());
            dir.writeAttackArtifacts(pd.artifacts(), pd.otherIndices());
        }
        listener.message(String.format(Locale.ROOT, "cbd4j: audit of %s, %d images (%d poisoned by %s), %s -> %s",
                cfg.cbd().data().dataset(), pd.train().size(), pd.poisonedIndices().length, cfg.cbd().attack().name(),
                cfg.run() != null ? "scored with the models of " + cfg.run() : "model " + cfg.cbd().training().model()
                        + ", f_C epochs " + cfg.fcEpochs(), out));
        Scored s = cfg.run() == null ? detect(cfg, pd, out, prov, listener, start) : scoreWithRun(cfg, pd, listener);

        int[] rank = AuditResult.ranks(s.lossB(), s.lossC());
        boolean[] mask = pd.poisonMask();
        boolean attacked = pd.poisonedIndices().length > 0;
        double auroc = attacked ? Detection.auroc(s.suspicion(), mask) : Double.NaN;
        double[] pr = attacked ? Detection.precisionRecall(s.flagged(), mask) : new double[] {Double.NaN, Double.NaN};
        String[] sources = pd.train().sources();
        AuditResult r = new AuditResult(out, data.classNames(), pd.train().labels(), sources, s.suspicion(), s.lossB(),
                s.lossC(), rank, s.flagged(), pd.poisonedIndices(), auroc, pr[0], pr[1], null, 0, s.report(),
                0, s.resumedFrom());
        AtomicFiles.write(out.resolve("suspicion.csv"), r.csv());
        int[][] rows = new int[data.classNames().size()][];
        for (int c = 0; c < rows.length; c++) {
            rows[c] = r.mostSuspicious(c, cfg.gridPerClass());
        }
        AtomicFiles.write(out.resolve("suspicious_grid.png"),
                SuspiciousGrid.png(pd.train(), rows, rank, s.flagged(), cfg.gridPerClass()));
        int exported = 0;
        if (export != null) {
            exported = CleanExport.write(cfg.cbd().data().dataset(), data, pd.train(), s.flagged(), export, force);
            listener.message("cbd4j: " + exported + " of " + pd.train().size() + " audited images (" + r.flaggedCount()
                    + " flagged left out) written to " + export);
        }
        r = new AuditResult(out, r.classNames(), r.labels(), sources, r.suspicion(), r.lossB(), r.lossC(), rank,
                r.flagged(), r.poisonedIndices(), auroc, pr[0], pr[1], export, exported, s.report(),
                (System.nanoTime() - start) / 1e9, s.resumedFrom());
        Map<String, Object> summary = r.figures();
        if (cfg.run() == null) {
            summary.put("fc_epochs", cfg.fcEpochs());
        }
        summary.put("score_definition", SCORE_DEFINITION);
        summary.put("defense_report", s.report());
        summary.put("config", cfg.toJson());
        summary.put("data_source", data.source());
        if (!data.digest().isEmpty()) {
            summary.put("data_digest", data.digest());
        }
        dir.writeSummary(summary);
        // Last, so that it sees every file above: the most suspicious images per class, the CSV's top
        // rows, the curves of the detection run and its provenance.
        HtmlReport.write(out);
        return r;
    }

    /** CBD on the audited images: f_B, then {@code --fc-epochs} of f_C, checkpointed after every epoch. */
    private static Scored detect(AuditConfig cfg, PoisonedData pd, Path out, Provenance prov, ExperimentListener listener,
            long start) throws IOException {
        TrainConfig base = cfg.cbd().training().trainConfig();
        TrainConfig fc = new TrainConfig(cfg.fcEpochs(), base.batchSize(), base.lr(), base.momentum(), base.weightDecay(),
                base.augmentation(), base.seed());
        Checkpoints checkpoints = new Checkpoints(out);
        Optional<Checkpoints.Checkpoint> from = checkpoints.latest();
        from.ifPresent(c -> listener.message("cbd4j: resuming " + out + " after epoch " + c.epochsDone() + " of stage "
                + c.stage()));
        Checkpointer checkpointer = new Checkpointer() {
            @Override
            public Optional<Checkpoints.Checkpoint> resumePoint() {
                return from;
            }

            @Override
            public void save(String stage, int epochsDone, TrainingState state) throws IOException {
                checkpoints.save(stage, epochsDone, 0, state.parts());
            }
        };
        boolean[] mask = pd.poisonMask();
        EpochListener epochs = (stage, epoch, net, scalars, weights) -> {
            double[] w = Experiment.weightMeans(weights, mask);
            listener.epochEnd(new ExperimentListener.EpochMetrics(stage, epoch, scalars.getOrDefault("loss", Double.NaN),
                    scalars.getOrDefault("lr", Double.NaN), scalars.getOrDefault("mi", Double.NaN), Double.NaN, Double.NaN,
                    Double.NaN, w[0], w[1], (System.nanoTime() - start) / 1e9));
        };
        DefenseContext ctx = new DefenseContext(pd.train(), cfg.cbd().training().model(), fc, epochs, checkpointer);
        // As in Experiment: network initialisation must not depend on how much randomness the attack used.
        Engine.getInstance().setRandomSeed((int) cfg.seed());
        try (DefenseResult r = apply(cfg, ctx)) {
            RunDirectory run = RunDirectory.open(out, false);
            run.saveModel(r.model(), prov);
            for (Network aux : r.auxiliary().values()) {
                run.saveModel(aux, prov);
            }
            run.writeServing(Experiment.servingSpec(cfg.cbd(), pd.train(), r.model().name()));
            return new Scored(r.sampleColumns().get("loss_fb"), r.sampleColumns().get("loss_fc"), r.suspicion(),
                    r.flagged(), r.report(), from.map(c -> c.stage() + " epoch " + c.epochsDone()).orElse(null));
        }
    }

    private static DefenseResult apply(AuditConfig cfg, DefenseContext ctx) throws IOException {
        try {
            return cfg.cbd().defense().create().apply(ctx);
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    /** The saved f_B and f_C of {@code --run} score the audited images; nothing is trained. */
    private static Scored scoreWithRun(AuditConfig cfg, PoisonedData pd, ExperimentListener listener) throws IOException {
        Path runDir = Path.of(cfg.run());
        try (CbdScorer scorer = CbdScorer.load(runDir)) {
            listener.message("cbd4j: scoring with f_B and f_C of " + runDir + " (" + scorer.spec().architecture()
                    + "); nothing is trained");
            CbdScorer.Scores s = scorer.scores(pd.train());
            Map<String, Object> report = new LinkedHashMap<>();
            report.put("scored_with", runDir.toAbsolutePath().normalize().toString());
            report.put("models_sha256", scorer.modelHashes());
            report.put("flagging_rule", "CBD's (CbdScores.flagged) on the audited images' losses");
            return new Scored(s.lossB(), s.lossC(), s.suspicion(), CbdScores.flagged(s.lossB(), s.lossC()), report, null);
        }
    }

    /** Everything about --out, --export-clean and --run that can be refused before any data is read. */
    static void checkPlaces(AuditConfig cfg, Path out, Path export, boolean force) throws IOException {
        if (Files.exists(out) && !Files.isDirectory(out)) {
            throw new IllegalArgumentException("--out " + out + " exists and is not a directory");
        }
        if (!force && nonEmpty(out) && !isAudit(out)) {
            throw new IllegalArgumentException("--out " + out + " already exists and holds no audit (use --force to "
                    + "replace it)");
        }
        Path data = cfg.cbd().data().dir() == null ? null : Path.of(cfg.cbd().data().dir());
        if (data != null && overlap(out, data)) {
            throw new IllegalArgumentException("--out " + out + " and --data " + data + " overlap; choose an --out "
                    + "outside the data");
        }
        if (export != null) {
            if (Files.exists(export, java.nio.file.LinkOption.NOFOLLOW_LINKS) && !force) {
                throw new IllegalArgumentException("--export-clean " + export + " already exists (use --force to replace it)");
            }
            if (data != null && overlap(export, data) || overlap(export, out)) {
                throw new IllegalArgumentException("--export-clean " + export + " overlaps --data or --out; choose a "
                        + "directory outside both");
            }
        }
        if (cfg.run() != null && !Files.isDirectory(Path.of(cfg.run()))) {
            throw new IllegalArgumentException("--run " + cfg.run() + " is not a directory");
        }
    }

    private static boolean overlap(Path a, Path b) {
        Path x = a.toAbsolutePath().normalize();
        Path y = b.toAbsolutePath().normalize();
        return x.startsWith(y) || y.startsWith(x);
    }

    private static boolean nonEmpty(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return false;
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.findAny().isPresent();
        }
    }

    private static boolean isAudit(Path dir) throws IOException {
        Path f = dir.resolve("config.json");
        if (!Files.isRegularFile(f)) {
            return false;
        }
        JsonNode c = Json.read(f).get("config");
        return c != null && c.has("audit");
    }

    /**
     * A new directory gets {@code config.json}; an existing audit must be of the same identity and
     * data, and is continued. {@code force} starts over (only now, once the data has been read).
     */
    private static void openDirectory(AuditConfig cfg, Path out, boolean force, AuditData data, Provenance prov)
            throws IOException {
        if (force) {
            Directories.deleteTree(out);
        }
        if (!nonEmpty(out)) {
            try {
                Files.createDirectories(out);
            } catch (IOException e) {
                throw new IOException("cannot create audit directory " + out + ": " + e, e);
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> config = Json.MAPPER.convertValue(prov, LinkedHashMap.class);
            config.put("data_digest", data.digest());
            Json.write(out.resolve("config.json"), config);
            return;
        }
        JsonNode stored = Json.read(out.resolve("config.json"));
        ObjectNode had = ((ObjectNode) stored.get("config")).deepCopy();
        had.remove("audit");
        JsonNode want = Json.MAPPER.readTree(Json.MAPPER.writeValueAsString(cfg.identity()));
        String differs = firstDifference(want, had, "");
        if (differs != null) {
            throw new IllegalArgumentException("--out " + out + " holds an audit of another configuration (" + differs
                    + " differs); use another --out, or --force to start over");
        }
        JsonNode digest = Json.MAPPER.readTree(Json.MAPPER.writeValueAsString(data.digest()));
        if (!digest.equals(stored.get("data_digest"))) {
            throw new IllegalArgumentException("--out " + out + " holds an audit of other images (the files' SHA-256 "
                    + "differ); use another --out, or --force to start over");
        }
    }

    private static String firstDifference(JsonNode want, JsonNode had, String at) {
        if (want.isObject() && had != null && had.isObject()) {
            for (var it = want.fieldNames(); it.hasNext();) {
                String k = it.next();
                String d = firstDifference(want.get(k), had.get(k), at.isEmpty() ? k : at + "." + k);
                if (d != null) {
                    return d;
                }
            }
            for (var it = had.fieldNames(); it.hasNext();) {
                String k = it.next();
                if (!want.has(k)) {
                    return at.isEmpty() ? k : at + "." + k;
                }
            }
            return null;
        }
        return want.equals(had) ? null : at;
    }
}
