package org.cbd4j.train;

import ai.djl.ndarray.NDArray;
import java.util.Map;

/** An optimiser whose internal state (momentum, moments, step counts) can be checkpointed. */
public interface OptimizerState {

    /** The state as named arrays (the arrays themselves, not copies). */
    Map<String, NDArray> state();

    /** Integer state such as per-parameter step counts. */
    default Map<String, Integer> counters() {
        return Map.of();
    }

    /** Replaces the state with values read from a checkpoint (the optimiser takes the arrays). */
    void restore(Map<String, NDArray> arrays, Map<String, Integer> counters);
}
