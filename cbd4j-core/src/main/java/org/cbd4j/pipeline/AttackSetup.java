package org.cbd4j.pipeline;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.cbd4j.attack.Attack;
import org.cbd4j.attack.AttackConfig;
import org.cbd4j.attack.Attacks;
import org.cbd4j.method.Option;
import org.cbd4j.method.OptionValues;

/**
 * Which attack poisons the training data: the settings every attack shares (declared here) and
 * the attack's own options (declared in the attack's class).
 *
 * @param name registered attack name
 * @param poisonRate fraction of the whole training set poisoned
 * @param target attack label (all-to-one)
 * @param allToAll poisoned label y becomes (y+1) mod K instead of the target
 * @param options the attack's own options
 */
public record AttackSetup(String name, double poisonRate, int target, boolean allToAll, OptionValues options) {

    /**
     * The attack; {@code none} unless one is named: pointed at a user's own data, cbd4j must not
     * poison it unless asked. Runs recorded before this default (it was {@code badnets}) name their
     * attack, or are read as {@link #DEFAULT_BEFORE_NONE} by {@link ExperimentConfig#fromJson}.
     */
    static final Option<String> NAME = Option.text("attack", "none", "attack: "
            + String.join(", ", Attacks.names()) + " (sig and label-consistent are clean-label); none leaves the data clean");

    /** What a run config without an attack meant when it was written, before the default became none. */
    static final String DEFAULT_BEFORE_NONE = "badnets";
    static final Option<Double> POISON_RATE = Option.real("poison-rate", 0.1, "(0, 1]",
            "fraction of the whole training set poisoned");
    static final Option<Integer> TARGET = Option.integer("target", 0, 0, Integer.MAX_VALUE, "target class (all-to-one)");
    static final Option<Boolean> ALL_TO_ALL = Option.flag("all-to-all",
            "poisoned label y becomes (y+1) mod K instead of the target");

    /** The shared attack settings, in help order. */
    public static final List<Option<?>> OPTIONS = List.of(NAME, POISON_RATE, TARGET, ALL_TO_ALL);

    /** The attack, made from its registered declaration. */
    public Attack create() {
        return Attacks.method(name).create(options);
    }

    /** What the attack needs besides its own options. */
    public AttackConfig config(long seed) {
        return new AttackConfig(poisonRate, target, allToAll, seed);
    }

    Map<String, Object> values() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put(NAME.name(), name);
        m.put(POISON_RATE.name(), poisonRate);
        m.put(TARGET.name(), target);
        m.put(ALL_TO_ALL.name(), allToAll);
        return m;
    }
}
