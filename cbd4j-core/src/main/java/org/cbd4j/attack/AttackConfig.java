package org.cbd4j.attack;

/**
 * Options every poisoning attack shares.
 *
 * @param poisonRate fraction of the whole training set that is poisoned, in (0, 1]
 * @param target the target class for all-to-one attacks
 * @param allToAll when true, label y becomes (y + 1) mod K instead of {@code target}
 * @param seed seed for the choice of poisoned samples and any random trigger
 */
public record AttackConfig(double poisonRate, int target, boolean allToAll, long seed) {

    /** Checks the values against a dataset with {@code numClasses} classes. */
    public AttackConfig validate(int numClasses) {
        if (!(poisonRate > 0 && poisonRate <= 1)) {
            throw new IllegalArgumentException("--poison-rate must be in (0, 1], got " + poisonRate);
        }
        if (target < 0 || target >= numClasses) {
            throw new IllegalArgumentException(
                    "--target " + target + " is not a class of this dataset (0.." + (numClasses - 1) + ")");
        }
        return this;
    }

    /** The label a poisoned sample of true class {@code y} receives. */
    public int poisonLabel(int y, int numClasses) {
        return allToAll ? (y + 1) % numClasses : target;
    }
}
