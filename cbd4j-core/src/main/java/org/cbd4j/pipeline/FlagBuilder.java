package org.cbd4j.pipeline;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code opt*} setters that {@link ExperimentConfig.Builder} and {@link AuditConfig.Builder}
 * share (after DJL's builders): each sets one option of the flat form by its flag name, so a
 * builder, a command line and a config file all end in the same {@code fromFlags}.
 *
 * @param <B> the concrete builder, returned by every setter for chaining
 */
public abstract class FlagBuilder<B extends FlagBuilder<B>> {

    /** Option name (flag without dashes) to value, in the order they were set. */
    protected final Map<String, Object> flags = new LinkedHashMap<>();

    /** This builder as its own type. */
    protected abstract B self();

    /** Any option by its flag name without dashes, e.g. {@code opt("blend-alpha", 0.1)}. */
    public B opt(String name, Object value) {
        flags.put(name, value);
        return self();
    }

    public B optDataset(String name) {
        return opt(DataSetup.DATASET.name(), name);
    }

    /** The dataset's directory ({@code --data}). */
    public B optDataDir(Path dir) {
        return opt(DataSetup.DIR.name(), dir.toString());
    }

    public B optImageSize(int side) {
        return opt(DataSetup.IMAGE_SIZE.name(), side);
    }

    public B optChannels(int channels) {
        return opt(DataSetup.CHANNELS.name(), channels);
    }

    /** The attack simulated on the data (default none). */
    public B optAttack(String name) {
        return opt(AttackSetup.NAME.name(), name);
    }

    public B optModel(String name) {
        return opt(TrainingSetup.MODEL.name(), name);
    }

    public B optSeed(long seed) {
        return opt(TrainingSetup.SEED.name(), seed);
    }
}
