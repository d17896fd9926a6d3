package org.cbd4j.pipeline;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.cbd4j.attack.Attacks;
import org.cbd4j.defense.CbdDefense;
import org.cbd4j.method.Option;
import org.cbd4j.method.OptionValues;

/**
 * What one {@link Audit} needs: the data (any dataset and data options of {@code cbd train}), an
 * optional simulated attack (default none: auditing a user's data never poisons it), CBD's and the
 * training options for f_B and f_C, how many f_C epochs to spend, and where to write. Alternatively
 * {@code run}: a finished CBD run whose saved f_B and f_C score the data without training.
 *
 * @param cbd the options as a CBD run's config ({@code defense cbd}; its {@code epochs} is not used,
 *     {@code fcEpochs} is)
 * @param fcEpochs f_C epochs before the samples are scored; 0 scores from f_B alone
 * @param gridPerClass images per class in {@code suspicious_grid.png}
 * @param run a finished run directory whose models score the data, or null to train them
 * @param exportClean directory to write the data without the flagged samples into, or null
 * @param out the audit directory
 */
public record AuditConfig(ExperimentConfig cbd, int fcEpochs, int gridPerClass, String run, String exportClean,
        String out) {

    /**
     * Default f_C budget: a tenth of CBD's 100 f_C epochs. The flagging rule needs f_C to fit the
     * clean images f_B fitted easily, so that only the images f_B fits and f_C does not stay in
     * the flagged group: on generated data with a planted patch (docs/RESULTS.md, "cbd audit")
     * precision rose from 0.42 after 5 f_C epochs to 0.67 after 10, recall 0.995 in both; with
     * none the scores ranked well (AUROC 0.92) but nothing was flagged.
     */
    static final int DEFAULT_FC_EPOCHS = 10;

    static final Option<Integer> FC_EPOCHS = Option.integer("fc-epochs", DEFAULT_FC_EPOCHS, 0, 100_000,
            "f_C epochs of CBD (re-weighting, intervention, MI critic) before the samples are scored; 0 scores from "
                    + "f_B alone, as CBD does before f_C's first epoch (l_C = ln K)");
    static final Option<Integer> GRID_PER_CLASS = Option.integer("grid-per-class", 8, 1, 256,
            "suspicious_grid.png: the N most suspicious images of each class, one row per class");

    /** The audit's own options. */
    public static final List<Option<?>> AUDIT_OPTIONS = List.of(FC_EPOCHS, GRID_PER_CLASS);

    /**
     * Every option an audit takes, each once: data, attack and its methods' options, CBD's
     * options, training options without {@code --epochs} (f_C's count is {@code --fc-epochs}),
     * and the audit's own.
     */
    public static List<Option<?>> options() {
        Map<String, Option<?>> all = new LinkedHashMap<>();
        List<Option<?>> listed = new ArrayList<>(DataSetup.OPTIONS);
        listed.addAll(AttackSetup.OPTIONS);
        listed.addAll(Attacks.REGISTRY.allOptions());
        listed.addAll(CbdDefense.METHOD.options());
        TrainingSetup.OPTIONS.stream().filter(o -> o != TrainingSetup.EPOCHS).forEach(listed::add);
        listed.addAll(AUDIT_OPTIONS);
        listed.forEach(o -> all.putIfAbsent(o.name(), o));
        return new ArrayList<>(all.values());
    }

    /**
     * The config a flat map of option values describes (missing options take their defaults);
     * a name {@link #options} does not have is refused.
     */
    public static AuditConfig fromFlags(Map<String, ?> flags, String run, String exportClean, String out) {
        List<String> known = options().stream().map(Option::name).toList();
        for (String k : flags.keySet()) {
            if (!known.contains(k)) {
                throw new IllegalArgumentException("unknown option --" + k + " for an audit");
            }
        }
        OptionValues own = OptionValues.of(AUDIT_OPTIONS, pick(flags, AUDIT_OPTIONS));
        Map<String, Object> run1 = new LinkedHashMap<>(flags);
        AUDIT_OPTIONS.forEach(o -> run1.remove(o.name()));
        run1.put(DefenseSetup.NAME.name(), CbdDefense.METHOD.name());
        // Only to make a valid CBD config; the audit trains f_C for fcEpochs, which may be 0.
        run1.put(TrainingSetup.EPOCHS.name(), Math.max(1, own.get(FC_EPOCHS)));
        ExperimentConfig cbd = ExperimentConfig.fromFlags(run1, out);
        return new AuditConfig(cbd, own.get(FC_EPOCHS), own.get(GRID_PER_CLASS), run, exportClean, out);
    }

    private static Map<String, Object> pick(Map<String, ?> flags, List<Option<?>> options) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (Option<?> o : options) {
            if (flags.get(o.name()) != null) {
                m.put(o.name(), flags.get(o.name()));
            }
        }
        return m;
    }

    /** Checks names, model and values before any data is read; the export's data set is checked too. */
    public AuditConfig validate() {
        if (out == null) {
            throw new IllegalArgumentException("no audit directory: --out DIR");
        }
        cbd.validate();
        if (exportClean != null) {
            CleanExport.checkSupported(cbd.data().dataset());
        }
        return this;
    }

    /** Seed of everything (the attack, f_B, f_C). */
    public long seed() {
        return cbd.training().seed();
    }

    /**
     * What decides the audit's networks and scores: data, attack, CBD and training options,
     * f_C epochs, and the scoring run. An interrupted audit resumes only into the same identity.
     */
    public Map<String, Object> identity() {
        Map<String, Object> m = cbd.toJson();
        m.remove("out");
        @SuppressWarnings("unchecked")
        Map<String, Object> training = (Map<String, Object>) m.get("training");
        training.remove(TrainingSetup.EPOCHS.name());
        m.put(FC_EPOCHS.name(), fcEpochs);
        if (run != null) {
            m.put("run", Path.of(run).toAbsolutePath().normalize().toString());
        }
        return m;
    }

    /**
     * The nested form written to {@code config.json} and {@code summary.json}: {@link #identity}
     * plus the output choices. It keeps {@code ExperimentConfig}'s sections, so tools that read a
     * run's config (cbd predict) read an audit's.
     */
    public Map<String, Object> toJson() {
        Map<String, Object> m = identity();
        Map<String, Object> audit = new LinkedHashMap<>();
        audit.put(GRID_PER_CLASS.name(), gridPerClass);
        audit.put("export-clean", exportClean);
        audit.put("out", out);
        m.put("audit", audit);
        return m;
    }

    /** A builder starting from every default. */
    public static Builder builder() {
        return new Builder();
    }

    /** Sets what differs from the defaults, as {@link ExperimentConfig.Builder} does. */
    public static final class Builder extends FlagBuilder<Builder> {

        private String run;
        private String exportClean;
        private String out;

        private Builder() {}

        @Override
        protected Builder self() {
            return this;
        }

        public Builder optFcEpochs(int epochs) {
            return opt(FC_EPOCHS.name(), epochs);
        }

        /** Scores with the saved f_B and f_C of this finished run instead of training them. */
        public Builder optRun(Path dir) {
            this.run = dir.toString();
            return this;
        }

        /** Writes the data without the flagged samples here, in the dataset's own layout. */
        public Builder optExportClean(Path dir) {
            this.exportClean = dir.toString();
            return this;
        }

        /** The audit directory (required). */
        public Builder optOut(Path dir) {
            this.out = dir.toString();
            return this;
        }

        /** The checked config; a missing directory or a bad value is named. */
        public AuditConfig build() {
            if (out == null) {
                throw new IllegalArgumentException("no audit directory: call optOut(dir)");
            }
            return fromFlags(flags, run, exportClean, out).validate();
        }
    }
}
