package org.cbd4j.defense;

import java.util.List;

/** The defenses by command-line name. */
public final class Defenses {

    /** Names accepted by {@code --defense} and in bench grids. */
    public static final List<String> NAMES = List.of("none", "cbd", "abl", "spectral", "activation-clustering");

    private Defenses() {}

    /** The defense called {@code name}; an unknown name lists the known ones. */
    public static Defense create(String name, CbdConfig cbd, BaselineOptions baselines) {
        return switch (name) {
            case "none" -> new NoDefense();
            case "cbd" -> new CbdDefense(cbd);
            case "abl" -> new AntiBackdoorLearning(baselines);
            case "spectral" -> new SpectralSignatures(baselines);
            case "activation-clustering" -> new ActivationClustering(baselines);
            default -> throw new IllegalArgumentException("unknown defense '" + name + "'; known: " + String.join(", ", NAMES));
        };
    }
}
