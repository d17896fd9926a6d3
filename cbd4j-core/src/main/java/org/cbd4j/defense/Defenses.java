package org.cbd4j.defense;

import java.util.List;
import java.util.Map;
import org.cbd4j.method.Method;
import org.cbd4j.method.Registry;

/** The defenses by name: one line per defense; everything else reads their declarations. */
public final class Defenses {

    /** Every defense cbd4j knows, in the order help texts and {@code cbd list} show them. */
    public static final Registry<Defense> REGISTRY = new Registry<>("defense",
            NoDefense.METHOD,
            CbdDefense.METHOD,
            AntiBackdoorLearning.METHOD,
            SpectralSignatures.METHOD,
            ActivationClustering.METHOD,
            FinePruning.METHOD,
            NeuralAttentionDistillation.METHOD,
            ModeConnectivityRepair.METHOD,
            DecoupledTraining.METHOD);

    /** Names accepted by {@code --defense} and in bench grids. */
    public static final List<String> NAMES = REGISTRY.names();

    private Defenses() {}

    /** The defense called {@code name}. */
    public static Method<Defense> method(String name) {
        return REGISTRY.get(name);
    }

    /** The defense called {@code name} with these options (by name, over its defaults). */
    public static Defense create(String name, Map<String, ?> options) {
        return method(name).create(options);
    }
}
