package org.cbd4j.pipeline;

import ai.djl.engine.Engine;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.cbd4j.attack.PoisonedData;
import org.cbd4j.data.ClassNames;
import org.cbd4j.data.DatasetResolver;
import org.cbd4j.data.TrainTestSplit;
import org.cbd4j.defense.CbdDefense;
import org.cbd4j.defense.Checkpointer;
import org.cbd4j.defense.CleanReserve;
import org.cbd4j.defense.Defenses;
import org.cbd4j.defense.Defense;
import org.cbd4j.defense.DefenseContext;
import org.cbd4j.defense.DefenseResult;
import org.cbd4j.defense.EpochListener;
import org.cbd4j.defense.NoDefense;
import org.cbd4j.eval.Detection;
import org.cbd4j.eval.Evaluator;
import org.cbd4j.eval.Metrics;
import org.cbd4j.model.Network;
import org.cbd4j.model.ServingSpec;
import org.cbd4j.report.AtomicFiles;
import org.cbd4j.report.HtmlReport;
import org.cbd4j.report.MetricsCsv;
import org.cbd4j.report.PreviewGrid;
import org.cbd4j.report.Provenance;
import org.cbd4j.report.RunDirectory;
import org.cbd4j.train.Checkpoints;
import org.cbd4j.train.Messages;
import org.cbd4j.train.Seeds;
import org.cbd4j.train.TrainingState;

/**
 * Runs one configured pipeline: data → attack → defense → per-epoch evaluation → run directory.
 *
 * <pre>{@code
 * ExperimentConfig cfg = ExperimentConfig.builder()
 *         .optDataset("folder").optDataDir(Path.of("my-images"))
 *         .optAttack("none").optDefense("cbd").optModel("small-cnn").optEpochs(12)
 *         .optOut(Path.of("runs/mine")).build();
 * ExperimentResult r = Experiment.run(cfg);
 * }</pre>
 */
public final class Experiment {

    static final int EVAL_BATCH = 256;
    /** Clean/poisoned pairs in a run's {@code preview.png}. */
    static final int PREVIEW_PAIRS = 8;

    private Experiment() {}

    /** CA, ASR and RA of an undefended run on the same data, against which DER and RIR are computed. */
    public record Baseline(double ca, double asr, double ra) {

        /** The baseline figures of an earlier result. */
        public static Baseline of(ExperimentResult r) {
            return new Baseline(r.ca(), r.asr(), r.ra());
        }

        /** The baseline figures of a run directory's {@code summary.json} (null ASR and RA: no attack). */
        public static Baseline fromSummary(com.fasterxml.jackson.databind.JsonNode summary) {
            return new Baseline(number(summary, "ca"), number(summary, "asr"), number(summary, "ra"));
        }

        private static double number(com.fasterxml.jackson.databind.JsonNode summary, String key) {
            com.fasterxml.jackson.databind.JsonNode v = summary.get(key);
            return v != null && v.isNumber() ? v.doubleValue() : Double.NaN;
        }

        /** DER of a defended run's CA and ASR against this baseline; NaN when either side has no ASR. */
        public double der(double caDef, double asrDef) {
            return Double.isFinite(ca) && Double.isFinite(asr) && Double.isFinite(caDef) && Double.isFinite(asrDef)
                    ? Metrics.der(ca, asr, caDef, asrDef) : Double.NaN;
        }

        /** RIR of a defended run's CA and RA against this baseline; NaN when either side has no RA. */
        public double rir(double caDef, double raDef) {
            return Double.isFinite(ca) && Double.isFinite(ra) && Double.isFinite(caDef) && Double.isFinite(raDef)
                    ? Metrics.rir(ca, ra, caDef, raDef) : Double.NaN;
        }
    }

    /** Runs {@code cfg} into a new run directory, silently, without a baseline. */
    public static ExperimentResult run(ExperimentConfig cfg) throws IOException {
        return run(cfg, Mode.NEW, null, ExperimentListener.SILENT, "java API");
    }

    /** How a run treats its output directory. */
    public enum Mode {
        /** Refuse an existing non-empty directory. */
        NEW,
        /** Replace an existing directory. */
        FORCE,
        /** Continue the run in the directory from its last checkpoint. */
        RESUME
    }

    /**
     * The data of a run, loaded and poisoned once: a bench shares it between cells that differ
     * only in their defense.
     */
    public record Prepared(TrainTestSplit split, PoisonedData poisoned, org.cbd4j.data.ImageDataset cleanReserve,
            byte[] preview) {

        /** Data without a clean reserve. */
        public Prepared(TrainTestSplit split, PoisonedData poisoned) {
            this(split, poisoned, null);
        }

        /** Data with a preview of its first poisoned samples ({@link #preview(ImageDataset, PoisonedData)}). */
        public Prepared(TrainTestSplit split, PoisonedData poisoned, org.cbd4j.data.ImageDataset cleanReserve) {
            this(split, poisoned, cleanReserve, null);
        }

        /**
         * PNG of the first {@link #PREVIEW_PAIRS} poisoned training images, each under its clean
         * original ({@link PreviewGrid}); null when nothing is poisoned. Made here, while the clean
         * images are at hand, so that no copy of them has to be kept for the run.
         */
        static byte[] preview(org.cbd4j.data.ImageDataset clean, PoisonedData pd) {
            int[] idx = pd.poisonedIndices();
            return idx.length == 0 ? null
                    : PreviewGrid.png(clean, pd.train(), java.util.Arrays.copyOf(idx, Math.min(PREVIEW_PAIRS, idx.length)));
        }

        /** Loads the dataset {@code cfg} names and applies its attack. */
        public static Prepared of(ExperimentConfig cfg, ExperimentListener listener) throws IOException {
            return poison(cfg, load(cfg, listener));
        }

        /** Loads the dataset {@code cfg} names. */
        public static TrainTestSplit load(ExperimentConfig cfg, ExperimentListener listener) throws IOException {
            return loadData(cfg.data().dataset(), cfg.data().dir(), cfg.training().seed(), cfg.data().decoding(), listener);
        }

        /** Applies {@code cfg}'s attack to data already loaded. */
        public static Prepared poison(ExperimentConfig cfg, TrainTestSplit split) throws IOException {
            long seed = cfg.training().seed();
            Engine.getInstance().setRandomSeed((int) seed);
            int limit = cfg.data().limitTrain();
            var train = limit > 0 ? split.train().subset(limit, seed) : split.train();
            double reserve = reserveFraction(cfg);
            if (reserve > 0) {
                // Drawn before the attack sees the data, so no reserve image is ever poisoned.
                CleanReserve.Split parts = CleanReserve.draw(train, reserve, Seeds.forEpoch(seed, "clean-reserve", 0));
                Messages.sayf("cbd4j: %d clean training images held out as %s's reserve; %d left to poison and train on",
                        parts.reserve().size(), cfg.defense().name(), parts.rest().size());
                PoisonedData pd = cfg.attack().create().poison(parts.rest(), split.test(), cfg.attack().config(seed));
                return new Prepared(split, pd, parts.reserve(), preview(parts.rest(), pd));
            }
            PoisonedData pd = cfg.attack().create().poison(train, split.test(), cfg.attack().config(seed));
            return new Prepared(split, pd, null, preview(train, pd));
        }

        /** The clean-reserve fraction {@code cfg}'s defense asks for, or 0 when it needs none. */
        public static double reserveFraction(ExperimentConfig cfg) {
            return CleanReserve.needed(Defenses.method(cfg.defense().name()))
                    ? cfg.defense().options().get(CleanReserve.FRACTION) : 0;
        }
    }

    /** Loads a dataset by name and says how long it took (the loaders' speed is part of RESULTS). */
    public static TrainTestSplit loadData(String dataset, String dir, long seed, org.cbd4j.data.DataOptions options,
            ExperimentListener listener) throws IOException {
        long t0 = System.nanoTime();
        TrainTestSplit split = DatasetResolver.defaults().load(dataset, dir == null ? null : Path.of(dir), seed, options);
        listener.message(String.format(Locale.ROOT, "cbd4j: loaded %s (%d training, %d test images, %dx%dx%d) in %.2f s",
                dataset, split.train().size(), split.test().size(), split.train().channels(), split.train().height(),
                split.train().width(), (System.nanoTime() - t0) / 1e9));
        return split;
    }

    /**
     * Runs {@code cfg} and writes its run directory.
     *
     * @param baseline an undefended run on the same data, for DER and RIR, or null
     * @param commandLine how the run was started, for its provenance
     */
    public static ExperimentResult run(ExperimentConfig cfg, Mode mode, Baseline baseline, ExperimentListener listener,
            String commandLine) throws IOException {
        long start = System.nanoTime();
        cfg.validate(); // before any data is read
        Messages.Sink before = Messages.use(sink(listener));
        try {
            return runPrepared(cfg, mode, baseline, listener, commandLine, Prepared.of(cfg, listener), start);
        } finally {
            Messages.use(before);
        }
    }

    /** The library's progress lines, sent to the listener for as long as a run works. */
    static Messages.Sink sink(ExperimentListener listener) {
        return new Messages.Sink() {
            @Override
            public void line(String text) {
                listener.message(text);
            }

            @Override
            public boolean terminal() {
                return listener.liveProgress();
            }
        };
    }

    /** Runs a validated {@code cfg} on data already loaded and poisoned for it. */
    public static ExperimentResult run(ExperimentConfig cfg, Mode mode, Baseline baseline, ExperimentListener listener,
            String commandLine, Prepared prepared, long start) throws IOException {
        Messages.Sink before = Messages.use(sink(listener));
        try {
            return runPrepared(cfg, mode, baseline, listener, commandLine, prepared, start);
        } finally {
            Messages.use(before);
        }
    }

    private static ExperimentResult runPrepared(ExperimentConfig cfg, Mode mode, Baseline baseline,
            ExperimentListener listener, String commandLine, Prepared prepared, long start) throws IOException {
        TrainTestSplit split = prepared.split();
        PoisonedData pd = prepared.poisoned();
        var train = pd.train();
        long seed = cfg.training().seed();
        Provenance prov = Provenance.capture(cfg.toJson(), seed, split.source(), commandLine);
        RunDirectory run = mode == Mode.RESUME
                ? RunDirectory.open(Path.of(cfg.out()))
                : RunDirectory.create(Path.of(cfg.out()), mode == Mode.FORCE);
        Checkpoints checkpoints = new Checkpoints(run.path());
        Optional<Checkpoints.Checkpoint> resumePoint = Optional.empty();
        if (mode == Mode.RESUME) {
            resumePoint = checkpoints.latest();
            listener.message("cbd4j: resuming " + run.path() + resumePoint
                    .map(c -> " after epoch " + c.epochsDone() + " of stage " + c.stage()).orElse(" from the start"));
        } else {
            run.writeConfig(prov);
            run.writeRunConfig(cfg.flags(), "re-run: cbd train --config " + run.file(RunDirectory.RUN_CONFIG)
                    + " --out NEW_DIR");
        }
        boolean fresh = resumePoint.isEmpty(); // a resumed run that died before its first checkpoint starts over
        if (fresh) {
            run.writePoisonedIndices(pd.poisonedIndices());
            run.writeAttackArtifacts(pd.artifacts(), pd.otherIndices());
            if (prepared.preview() != null) {
                AtomicFiles.write(run.file("preview.png"), prepared.preview());
            }
        }
        listener.message(String.format(Locale.ROOT,
                "cbd4j: %s (%s), %d training images (%d poisoned by %s), defense %s, model %s -> %s", cfg.data().dataset(),
                split.source().origin(), train.size(), pd.poisonedIndices().length, cfg.attack().name(),
                cfg.defense().name(), cfg.training().model(), run.path()));

        boolean[] mask = pd.poisonMask();
        Map<String, double[]> lastEval = new LinkedHashMap<>();
        int[] rows = {0};
        MetricsCsv csv;
        if (!fresh) {
            rows[0] = resumePoint.map(Checkpoints.Checkpoint::metricRows).orElse(0);
            for (String[] r : MetricsCsv.truncate(run.file("metrics.csv"), rows[0])) {
                lastEval.put(r[0], new double[] {parse(r[MetricsCsv.COLUMNS.indexOf("ca")]),
                    parse(r[MetricsCsv.COLUMNS.indexOf("asr")]), parse(r[MetricsCsv.COLUMNS.indexOf("ra")])});
            }
            csv = MetricsCsv.append(run.file("metrics.csv"));
        } else {
            csv = MetricsCsv.create(run.file("metrics.csv"));
        }
        EpochListener epochs = (stage, epoch, net, scalars, weights) -> {
            double[] m = evaluate(net, split, pd);
            lastEval.put(stage, m);
            double[] w = weightMeans(weights, mask);
            double secs = (System.nanoTime() - start) / 1e9;
            try {
                csv.append(stage, epoch, scalars.getOrDefault("loss", Double.NaN), scalars.getOrDefault("lr", Double.NaN),
                        scalars.getOrDefault("mi", Double.NaN), m[0], m[1], m[2], w[0], w[1], secs);
                rows[0]++;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            listener.epochEnd(new ExperimentListener.EpochMetrics(stage, epoch, scalars.getOrDefault("loss", Double.NaN),
                    scalars.getOrDefault("lr", Double.NaN), scalars.getOrDefault("mi", Double.NaN), m[0], m[1], m[2], w[0],
                    w[1], secs));
        };
        Optional<Checkpoints.Checkpoint> from = resumePoint;
        Checkpointer checkpointer = new Checkpointer() {
            @Override
            public Optional<Checkpoints.Checkpoint> resumePoint() {
                return from;
            }

            @Override
            public void save(String stage, int epochsDone, TrainingState state) throws IOException {
                checkpoints.save(stage, epochsDone, rows[0], state.parts());
            }
        };
        DefenseContext ctx = new DefenseContext(pd.train(), cfg.training().model(), cfg.training().trainConfig(), epochs,
                checkpointer, prepared.cleanReserve());
        // Re-seeded here so that network initialisation does not depend on how much randomness
        // the attack used (a helper model trained now or read from the cache, shared bench data).
        Engine.getInstance().setRandomSeed((int) seed);
        ExperimentResult out;
        try (DefenseResult result = runDefense(cfg, ctx)) {
            FinalArtifacts.Evaluation evaluation = FinalArtifacts.evaluate(result.model(), split, pd);
            double[] fin = evaluation.metrics();
            boolean attacked = pd.poisonedIndices().length > 0;
            double auroc = result.suspicion() != null && attacked ? Detection.auroc(result.suspicion(), mask) : Double.NaN;
            double[] pr = result.flagged() != null && attacked ? Detection.precisionRecall(result.flagged(), mask)
                    : new double[] {Double.NaN, Double.NaN};
            double[] fb = lastEval.getOrDefault("f_B", new double[] {Double.NaN, Double.NaN, Double.NaN});
            // DER and RIR need an attack on both sides: a baseline run with --attack none has no
            // ASR or RA and neither has this run; then they are simply absent.
            double der = baseline != null ? baseline.der(fin[0], fin[1]) : Double.NaN;
            double rir = baseline != null ? baseline.rir(fin[0], fin[2]) : Double.NaN;
            String resumedFrom = mode == Mode.RESUME
                    ? resumePoint.map(c -> c.stage() + " epoch " + c.epochsDone()).orElse("start") : null;
            out = new ExperimentResult(cfg, run.path(), fin[0], fin[1], fin[2], der, rir, auroc, pr[0], pr[1],
                    result.suspicion(), result.flagged(), pd.poisonedIndices(), result.report(), fb[0], fb[1],
                    (System.nanoTime() - start) / 1e9, resumedFrom);
            run.saveModel(result.model(), prov);
            for (Network aux : result.auxiliary().values()) {
                run.saveModel(aux, prov);
            }
            run.writeServing(servingSpec(cfg, split.test(), result.model().name()));
            FinalArtifacts.writeConfusion(run, evaluation);
            FinalArtifacts.writeEmbeddings(run, FinalArtifacts.embedded(result), pd.train(), mask, seed);
            Map<String, float[]> columns = new LinkedHashMap<>(result.sampleColumns());
            if (result.flagged() != null) {
                float[] f = new float[mask.length];
                for (int i = 0; i < f.length; i++) {
                    f[i] = result.flagged()[i] ? 1f : 0f;
                }
                columns.put("flagged", f);
            }
            run.writeSampleScores(pd.train().labels(), pd.train().sources(), mask, result.suspicion(), columns);
        }
        run.writeSummary(out.summary(train.size(), split.source()));
        listener.message("cbd4j: report " + HtmlReport.write(run.path()));
        return out;
    }

    /**
     * What DJL needs to load this run's models: the architecture, the shape and class names of
     * {@code data}, whether images are resized to it (folder and GTSRB data were), and the default
     * network {@code defaultModel}.
     */
    public static ServingSpec servingSpec(ExperimentConfig cfg, org.cbd4j.data.ImageDataset data, String defaultModel)
            throws IOException {
        String dataset = cfg.data().dataset();
        Path dir = cfg.data().dir() == null ? null : Path.of(cfg.data().dir());
        boolean resize = dataset.equals("folder") || dataset.equals("gtsrb");
        return new ServingSpec(cfg.training().model(), data.numClasses(), data.channels(), data.height(), data.width(),
                resize, ClassNames.of(dataset, dir, data.numClasses()), defaultModel);
    }

    private static DefenseResult runDefense(ExperimentConfig cfg, DefenseContext ctx) throws IOException {
        try {
            return cfg.defense().create().apply(ctx);
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    /** CA, ASR and RA of a network (ASR and RA are NaN when the triggered set is empty). */
    public static double[] evaluate(Network net, TrainTestSplit split, PoisonedData pd) {
        int[] clean = Evaluator.predict(net, split.test(), EVAL_BATCH).classes();
        double ca = Metrics.cleanAccuracy(clean, split.test().labels());
        if (pd.triggeredTest().size() == 0) {
            return new double[] {ca, Double.NaN, Double.NaN};
        }
        int[] trig = Evaluator.predict(net, pd.triggeredTest(), EVAL_BATCH).classes();
        return new double[] {ca, Metrics.attackSuccessRate(trig, pd.triggeredTest().labels()),
            Metrics.robustAccuracy(trig, pd.triggeredTrueLabels())};
    }

    /** Mean sample weight of poisoned and of clean samples (reporting only; defenses never see the mask). */
    static double[] weightMeans(float[] weights, boolean[] mask) {
        if (weights == null) {
            return new double[] {Double.NaN, Double.NaN};
        }
        double[] sum = new double[2];
        long[] cnt = new long[2];
        for (int i = 0; i < weights.length; i++) {
            int k = mask[i] ? 0 : 1;
            sum[k] += weights[i];
            cnt[k]++;
        }
        return new double[] {cnt[0] == 0 ? Double.NaN : sum[0] / cnt[0], cnt[1] == 0 ? Double.NaN : sum[1] / cnt[1]};
    }

    private static double parse(String field) {
        return field.isEmpty() ? Double.NaN : Double.parseDouble(field);
    }
}
