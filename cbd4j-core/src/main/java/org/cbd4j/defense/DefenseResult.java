package org.cbd4j.defense;

import java.util.LinkedHashMap;
import java.util.Map;
import org.cbd4j.model.Network;

/**
 * What a defense returns.
 *
 * @param model the final (defended) model
 * @param auxiliary other networks worth saving, by name (CBD's f_B, a screening model)
 * @param suspicion per-training-sample suspicion score (higher = more likely poisoned), or null
 * @param flagged the training samples the defense treats as poisoned (removed, isolated or
 *     down-weighted past its threshold), or null when it flags none by rule
 * @param sampleColumns further per-sample values to write out, by column name
 * @param report the defense's own decisions and the figures they rest on (written into
 *     {@code summary.json} under "defense_report")
 */
public record DefenseResult(Network model, Map<String, Network> auxiliary, float[] suspicion, boolean[] flagged,
        Map<String, float[]> sampleColumns, Map<String, Object> report) implements AutoCloseable {

    /** A result without a report. */
    public DefenseResult(Network model, Map<String, Network> auxiliary, float[] suspicion, boolean[] flagged,
            Map<String, float[]> sampleColumns) {
        this(model, auxiliary, suspicion, flagged, sampleColumns, new LinkedHashMap<>());
    }

    /** A result with only a model. */
    public static DefenseResult of(Network model) {
        return new DefenseResult(model, new LinkedHashMap<>(), null, null, new LinkedHashMap<>());
    }

    @Override
    public void close() {
        auxiliary.values().forEach(Network::close);
        model.close();
    }
}
