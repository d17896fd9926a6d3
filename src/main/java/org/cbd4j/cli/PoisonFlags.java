package org.cbd4j.cli;

import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Which attack poisons the data and its parameters (shared by {@code cbd train} and {@code cbd poison}). */
final class PoisonFlags {

    @Option(names = "--attack", defaultValue = "badnets",
            description = "Attack: none, badnets, blend, sig (clean-label), wanet, trojan, input-aware, label-consistent (clean-label). "
                    + "Default: ${DEFAULT-VALUE}.")
    String attack;

    @Option(names = "--poison-rate", paramLabel = "R", defaultValue = "0.1",
            description = "Fraction of the whole training set poisoned, in (0, 1]. Default: ${DEFAULT-VALUE}.")
    double poisonRate;

    @Option(names = "--target", paramLabel = "T", defaultValue = "0", description = "Target class (all-to-one). Default: ${DEFAULT-VALUE}.")
    int target;

    @Option(names = "--all-to-all", description = "Poisoned label y becomes (y+1) mod K instead of the target.")
    boolean allToAll;

    @Mixin
    AttackFlags attackFlags = new AttackFlags();
}
