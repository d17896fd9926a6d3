package org.cbd4j.defense;

import java.util.Map;
import org.cbd4j.model.Network;

/** Told after every epoch of every stage; the run evaluates and logs metrics there. */
public interface EpochListener {

    /**
     * @param stage e.g. "train", "f_B", "f_C"
     * @param epoch 0-based epoch within the stage
     * @param net the network just trained (evaluate it, do not modify it)
     * @param scalars training statistics of the epoch (loss, MI estimate, ...)
     * @param sampleWeights per-training-sample weight used in the epoch, or null
     */
    void epochEnd(String stage, int epoch, Network net, Map<String, Double> scalars, float[] sampleWeights);
}
