package org.cbd4j.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.cbd4j.attack.Attacks;
import org.cbd4j.data.DatasetResolver;
import org.cbd4j.defense.Defenses;
import org.cbd4j.method.Option;
import org.cbd4j.method.OptionValues;
import org.cbd4j.model.Models;

/**
 * Everything one run needs, nested the way the pipeline runs: data, attack, defense, training,
 * and the run directory. Defaults live with the option declarations (here in
 * {@link DataSetup}, {@link AttackSetup}, {@link DefenseSetup}, {@link TrainingSetup}, and in each
 * method's class); {@link #builder()} sets what differs from them.
 *
 * <p>One flat form, option name to value, is shared by the command line, {@code --config}
 * files, bench grids and {@code run-config.yaml}: {@link #fromFlags} and {@link #flags}.
 * {@code config.json} holds the nested form ({@link #toJson}); {@link #fromJson} also reads the
 * flat records written before this class existed ({@link LegacyConfig}).
 */
public record ExperimentConfig(DataSetup data, AttackSetup attack, DefenseSetup defense, TrainingSetup training,
        String out) {

    /** Version of the nested {@code config.json} form. */
    static final int FORMAT = 2;

    /** The options every run has, whatever its methods: data, attack and defense choice, training. */
    public static List<Option<?>> commonOptions() {
        List<Option<?>> all = new ArrayList<>(DataSetup.OPTIONS);
        all.addAll(AttackSetup.OPTIONS);
        all.addAll(DefenseSetup.OPTIONS);
        all.addAll(TrainingSetup.OPTIONS);
        return all;
    }

    /**
     * Every option a flat config may name, each once: the common ones and every registered
     * attack's and defense's (what {@code cbd train} offers as flags).
     */
    public static List<Option<?>> allOptions() {
        Map<String, Option<?>> all = new LinkedHashMap<>();
        List<Option<?>> listed = new ArrayList<>(commonOptions());
        listed.addAll(Attacks.REGISTRY.allOptions());
        listed.addAll(Defenses.REGISTRY.allOptions());
        for (Option<?> o : listed) {
            Option<?> before = all.putIfAbsent(o.name(), o);
            if (before != null && !before.sameAs(o)) {
                throw new IllegalStateException("--" + o.name() + " is declared twice, differently");
            }
        }
        return new ArrayList<>(all.values());
    }

    /**
     * The config a flat map of option values describes (missing options take their defaults).
     * Options of attacks and defenses the config does not select are ignored, so one file can
     * serve several methods; a name no option has is refused.
     */
    public static ExperimentConfig fromFlags(Map<String, ?> flags, String out) {
        Map<String, Option<?>> declared = new LinkedHashMap<>();
        allOptions().forEach(o -> declared.put(o.name(), o));
        for (Map.Entry<String, ?> e : flags.entrySet()) {
            Option<?> o = declared.get(e.getKey());
            if (o == null) {
                throw new IllegalArgumentException("unknown option --" + e.getKey());
            }
            // Checked even when its method is not selected: a bad value given is a mistake either way.
            if (e.getValue() != null) {
                o.coerce(e.getValue());
            }
        }
        OptionValues common = OptionValues.of(commonOptions(), pick(flags, commonOptions()));
        DataSetup data = DataSetup.from(common);
        var attackMethod = Attacks.method(common.get(AttackSetup.NAME));
        var defenseMethod = Defenses.method(common.get(DefenseSetup.NAME));
        AttackSetup attack = new AttackSetup(attackMethod.name(), common.get(AttackSetup.POISON_RATE),
                common.get(AttackSetup.TARGET), common.get(AttackSetup.ALL_TO_ALL),
                attackMethod.values(pick(flags, attackMethod.options())));
        DefenseSetup defense = new DefenseSetup(defenseMethod.name(), defenseMethod.values(pick(flags, defenseMethod.options())));
        return new ExperimentConfig(data, attack, defense, TrainingSetup.from(common, data.dataset()), out);
    }

    private static Map<String, Object> pick(Map<String, ?> flags, List<Option<?>> options) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (Option<?> o : options) {
            if (flags.containsKey(o.name()) && flags.get(o.name()) != null) {
                m.put(o.name(), flags.get(o.name()));
            }
        }
        return m;
    }

    /** The flat form: every common option, then the selected attack's and defense's own options. */
    public Map<String, Object> flags() {
        Map<String, Object> m = new LinkedHashMap<>(data.values());
        m.putAll(attack.values());
        m.putAll(attack.options().toMap());
        m.put(DefenseSetup.NAME.name(), defense.name());
        m.putAll(defense.options().toMap());
        m.putAll(training.values());
        return m;
    }

    /** Checks what the option declarations cannot: that the names exist and the model can be built. */
    public ExperimentConfig validate() {
        if (!DatasetResolver.NAMES.contains(data.dataset())) {
            throw new IllegalArgumentException(
                    "unknown dataset '" + data.dataset() + "'; known: " + String.join(", ", DatasetResolver.NAMES));
        }
        data.decoding();
        Models.validate(training.model());
        attack.create();
        defense.create();
        training.trainConfig().validate();
        return this;
    }

    /** The same config writing to another directory (a resumed run that was moved). */
    public ExperimentConfig withOut(String dir) {
        return new ExperimentConfig(data, attack, defense, training, dir);
    }

    /** The nested form written to {@code config.json}. */
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("format", FORMAT);
        m.put("data", data.values());
        Map<String, Object> a = attack.values();
        a.put("options", attack.options().toMap());
        m.put("attack", a);
        Map<String, Object> d = new LinkedHashMap<>();
        d.put(DefenseSetup.NAME.name(), defense.name());
        d.put("options", defense.options().toMap());
        m.put("defense", d);
        m.put("training", training.values());
        if (out != null) {
            m.put("out", out);
        }
        return m;
    }

    /**
     * Reads the {@code config} object of a run's {@code config.json}: the nested form, or the flat
     * record of runs written before it ({@link LegacyConfig}). Anything else is refused in one line.
     */
    public static ExperimentConfig fromJson(JsonNode config) {
        if (config == null || !config.isObject()) {
            throw new IllegalArgumentException("config.json has no \"config\" object (not a cbd4j run directory?)");
        }
        if (!config.has("format")) {
            return LegacyConfig.read(config);
        }
        if (config.get("format").asInt() != FORMAT) {
            throw new IllegalArgumentException("config.json is format " + config.get("format") + "; this cbd4j reads "
                    + FORMAT + " and the flat configs before it");
        }
        Map<String, Object> flags = new LinkedHashMap<>();
        for (String section : List.of("data", "attack", "defense", "training")) {
            JsonNode s = config.get(section);
            if (s == null || !s.isObject()) {
                throw new IllegalArgumentException("config.json has no \"" + section + "\" section");
            }
            s.fields().forEachRemaining(e -> {
                if (e.getKey().equals("options")) {
                    e.getValue().fields().forEachRemaining(o -> flags.put(o.getKey(), LegacyConfig.plain(o.getValue())));
                } else {
                    flags.put(e.getKey(), LegacyConfig.plain(e.getValue()));
                }
            });
        }
        // Every config.json of this format names its attack; one that does not was written when the
        // default was badnets, and must keep meaning what it meant (a resumed or re-evaluated run).
        if (!config.get("attack").has(AttackSetup.NAME.name())) {
            flags.put(AttackSetup.NAME.name(), AttackSetup.DEFAULT_BEFORE_NONE);
        }
        JsonNode out = config.get("out");
        return fromFlags(flags, out == null || out.isNull() ? null : out.asText());
    }

    /** A builder starting from every default. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Sets what differs from the defaults, as DJL's {@code Criteria.builder()} does; {@link #build}
     * checks everything and names the first problem.
     */
    public static final class Builder extends FlagBuilder<Builder> {

        private String out;

        private Builder() {}

        @Override
        protected Builder self() {
            return this;
        }

        public Builder optPoisonRate(double rate) {
            return opt(AttackSetup.POISON_RATE.name(), rate);
        }

        public Builder optTarget(int label) {
            return opt(AttackSetup.TARGET.name(), label);
        }

        public Builder optDefense(String name) {
            return opt(DefenseSetup.NAME.name(), name);
        }

        public Builder optEpochs(int epochs) {
            return opt(TrainingSetup.EPOCHS.name(), epochs);
        }

        public Builder optBatchSize(int size) {
            return opt(TrainingSetup.BATCH_SIZE.name(), size);
        }

        /** The run directory to create (required). */
        public Builder optOut(Path dir) {
            this.out = dir.toString();
            return this;
        }

        /** The checked config; a missing run directory or a bad value is named. */
        public ExperimentConfig build() {
            if (out == null) {
                throw new IllegalArgumentException("no run directory: call optOut(dir)");
            }
            return fromFlags(flags, out).validate();
        }
    }
}
