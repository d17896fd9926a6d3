package org.cbd4j.defense;

import java.util.Map;
import org.cbd4j.model.Network;

/**
 * Told after every epoch of every stage; the run evaluates and logs metrics there. Defenses with
 * work between their stages also say when an epoch's training pass starts, so that a benchmark
 * can time the pass alone.
 */
public interface EpochListener {

    /**
     * @param stage e.g. "train", "f_B", "f_C"
     * @param epoch 0-based epoch within the stage
     * @param net the network just trained (evaluate it, do not modify it)
     * @param scalars training statistics of the epoch (loss, MI estimate, ...)
     * @param sampleWeights per-training-sample weight used in the epoch, or null
     */
    void epochEnd(String stage, int epoch, Network net, Map<String, Double> scalars, float[] sampleWeights);

    /** Called just before an epoch's training pass; by CBD for f_C's epochs. Nothing by default. */
    default void epochStart(String stage, int epoch) {
    }
}
