package org.cbd4j.cli;

import ai.djl.engine.Engine;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.cbd4j.attack.Attacks;
import org.cbd4j.attack.PoisonedData;
import org.cbd4j.data.DatasetResolver;
import org.cbd4j.data.TrainTestSplit;
import java.util.Optional;
import org.cbd4j.defense.CbdDefense;
import org.cbd4j.defense.Checkpointer;
import org.cbd4j.defense.Defense;
import org.cbd4j.defense.DefenseContext;
import org.cbd4j.defense.DefenseResult;
import org.cbd4j.defense.EpochListener;
import org.cbd4j.defense.NoDefense;
import org.cbd4j.eval.Detection;
import org.cbd4j.eval.Evaluator;
import org.cbd4j.eval.Metrics;
import org.cbd4j.model.Network;
import org.cbd4j.report.MetricsCsv;
import org.cbd4j.report.Provenance;
import org.cbd4j.report.RunDirectory;
import org.cbd4j.train.Checkpoints;
import org.cbd4j.train.TrainingState;

/** Runs one configured pipeline: data → attack → defense → per-epoch evaluation → run directory. */
public final class Experiment {

    /** Definitions written into every summary, so a reader never has to guess (docs/METHOD.md §4). */
    static final String METRIC_DEFINITIONS = "ca: top-1 % on the whole clean test set; asr: % of triggered test "
            + "images whose true class differs from the attack label that are classified as the attack label; "
            + "ra: % of those classified as their true class; der = [max(0, asr_nodef - asr) - max(0, ca_nodef - ca) "
            + "+ 1] / 2 on fractions; detection_auroc: AUROC of per-sample suspicion vs the true poisoned indices";

    static final int EVAL_BATCH = 256;

    private Experiment() {}

    /**
     * Runs {@code cfg} and writes its run directory.
     *
     * @param baseline summary of an undefended run on the same data, for DER, or null
     * @return the summary that was written to {@code summary.json}
     */
    public static Map<String, Object> run(RunConfig cfg, boolean force, Map<String, Object> baseline, String commandLine)
            throws IOException {
        return run(cfg, force ? Mode.FORCE : Mode.NEW, baseline, commandLine);
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
    record Prepared(TrainTestSplit split, PoisonedData poisoned) {

        /** Loads the dataset {@code cfg} names and applies its attack. */
        static Prepared of(RunConfig cfg) throws IOException {
            return poison(cfg, load(cfg));
        }

        static TrainTestSplit load(RunConfig cfg) throws IOException {
            return loadData(cfg.dataset(), cfg.data(), cfg.seed(), cfg.dataOptions());
        }

        static Prepared poison(RunConfig cfg, TrainTestSplit split) throws IOException {
            Engine.getInstance().setRandomSeed((int) cfg.seed());
            var train = cfg.limitTrain() > 0 ? split.train().subset(cfg.limitTrain(), cfg.seed()) : split.train();
            return new Prepared(split, Attacks.create(cfg.attack(), cfg.attackOptions())
                    .poison(train, split.test(), cfg.attackConfig()));
        }
    }

    /** Loads a dataset by name and says how long it took (the loaders' speed is part of RESULTS). */
    static TrainTestSplit loadData(String dataset, String dir, long seed, org.cbd4j.data.DataOptions options)
            throws IOException {
        long t0 = System.nanoTime();
        TrainTestSplit split = DatasetResolver.defaults().load(dataset, dir == null ? null : Path.of(dir), seed, options);
        System.err.printf(Locale.ROOT, "cbd4j: loaded %s (%d training, %d test images, %dx%dx%d) in %.2f s%n", dataset,
                split.train().size(), split.test().size(), split.train().channels(), split.train().height(),
                split.train().width(), (System.nanoTime() - t0) / 1e9);
        return split;
    }

    /** Runs {@code cfg} in the given mode; see {@link #run(RunConfig, boolean, Map, String)}. */
    public static Map<String, Object> run(RunConfig cfg, Mode mode, Map<String, Object> baseline, String commandLine)
            throws IOException {
        long start = System.nanoTime();
        cfg.validate(); // before any data is read
        return run(cfg, mode, baseline, commandLine, Prepared.of(cfg), start);
    }

    /** Runs a validated {@code cfg} on data already loaded and poisoned for it. */
    static Map<String, Object> run(RunConfig cfg, Mode mode, Map<String, Object> baseline, String commandLine,
            Prepared prepared, long start) throws IOException {
        TrainTestSplit split = prepared.split();
        PoisonedData pd = prepared.poisoned();
        var train = pd.train();
        Provenance prov = Provenance.capture(cfg, cfg.seed(), split.source(), commandLine);
        RunDirectory run = mode == Mode.RESUME
                ? RunDirectory.open(Path.of(cfg.out()))
                : RunDirectory.create(Path.of(cfg.out()), mode == Mode.FORCE);
        Checkpoints checkpoints = new Checkpoints(run.path());
        Optional<Checkpoints.Checkpoint> resumePoint = Optional.empty();
        if (mode == Mode.RESUME) {
            resumePoint = checkpoints.latest();
            System.err.println("cbd4j: resuming " + run.path() + resumePoint
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
        }
        System.err.printf("cbd4j: %s (%s), %d training images (%d poisoned by %s), defense %s, model %s -> %s%n",
                cfg.dataset(), split.source().origin(), train.size(), pd.poisonedIndices().length, cfg.attack(),
                cfg.defense(), cfg.model(), run.path());

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
        EpochListener listener = (stage, epoch, net, scalars, weights) -> {
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
            System.err.printf(Locale.ROOT, "[%s %d] loss %.4f  CA %.2f  ASR %.2f  RA %.2f%s  (%.0f s)%n", stage, epoch + 1,
                    scalars.getOrDefault("loss", Double.NaN), m[0], m[1], m[2],
                    weights == null ? "" : String.format(Locale.ROOT, "  w_poison %.3f w_clean %.3f", w[0], w[1]), secs);
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
        DefenseContext ctx = new DefenseContext(pd.train(), cfg.model(), cfg.trainConfig(), listener, checkpointer);
        // Re-seeded here so that network initialisation does not depend on how much randomness
        // the attack used (a helper model trained now or read from the cache, shared bench data).
        Engine.getInstance().setRandomSeed((int) cfg.seed());
        Map<String, Object> summary = new LinkedHashMap<>();
        try (DefenseResult result = runDefense(cfg, ctx)) {
            double[] fin = evaluate(result.model(), split, pd);
            summary.put("ca", num(fin[0]));
            summary.put("asr", num(fin[1]));
            summary.put("ra", num(fin[2]));
            if (result.suspicion() != null && pd.poisonedIndices().length > 0) {
                summary.put("detection_auroc", num(Detection.auroc(result.suspicion(), mask)));
            }
            if (result.flagged() != null) {
                int count = 0;
                for (boolean f : result.flagged()) {
                    count += f ? 1 : 0;
                }
                if (pd.poisonedIndices().length > 0) {
                    double[] pr = Detection.precisionRecall(result.flagged(), mask);
                    summary.put("detection_precision", num(pr[0]));
                    summary.put("detection_recall", num(pr[1]));
                }
                summary.put("flagged", count);
            }
            if (lastEval.containsKey("f_B")) {
                summary.put("fb_ca", num(lastEval.get("f_B")[0]));
                summary.put("fb_asr", num(lastEval.get("f_B")[1]));
            }
            // DER needs an attack on both sides: a baseline run with --attack none has no ASR
            // (null in its summary) and neither has this run; then DER is simply absent.
            if (baseline != null && baseline.get("ca") instanceof Number bCa && baseline.get("asr") instanceof Number bAsr
                    && Double.isFinite(fin[1])) {
                summary.put("der", num(Metrics.der(bCa.doubleValue(), bAsr.doubleValue(), fin[0], fin[1])));
            }
            if (!result.report().isEmpty()) {
                summary.put("defense_report", result.report());
            }
            run.saveModel(result.model(), prov);
            for (Network aux : result.auxiliary().values()) {
                run.saveModel(aux, prov);
            }
            Map<String, float[]> columns = new LinkedHashMap<>(result.sampleColumns());
            if (result.flagged() != null) {
                float[] f = new float[mask.length];
                for (int i = 0; i < f.length; i++) {
                    f[i] = result.flagged()[i] ? 1f : 0f;
                }
                columns.put("flagged", f);
            }
            run.writeSampleScores(pd.train().labels(), mask, result.suspicion(), columns);
        }
        if (mode == Mode.RESUME) {
            summary.put("resumed_from", resumePoint.map(c -> c.stage() + " epoch " + c.epochsDone()).orElse("start"));
        }
        summary.put("poisoned", pd.poisonedIndices().length);
        summary.put("train_size", train.size());
        summary.put("wall_seconds", Math.round((System.nanoTime() - start) / 1e8) / 10.0);
        summary.put("metric_definitions", METRIC_DEFINITIONS);
        summary.put("config", cfg);
        summary.put("data_source", split.source());
        run.writeSummary(summary);
        return summary;
    }

    private static DefenseResult runDefense(RunConfig cfg, DefenseContext ctx) throws IOException {
        try {
            return cfg.createDefense().apply(ctx);
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    /** CA, ASR and RA of a network (ASR and RA are NaN when the triggered set is empty). */
    static double[] evaluate(Network net, TrainTestSplit split, PoisonedData pd) {
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

    /** JSON has no NaN: undefined metrics are written as null; others rounded to 4 decimals. */
    static Double num(double v) {
        return Double.isFinite(v) ? Math.round(v * 1e4) / 1e4 : null;
    }
}
