package org.cbd4j.cli;

import ai.djl.engine.Engine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.cbd4j.attack.PoisonedData;
import org.cbd4j.data.DatasetResolver;
import org.cbd4j.data.ImageDataset;
import org.cbd4j.data.TrainTestSplit;
import org.cbd4j.model.Network;
import org.cbd4j.pipeline.Experiment;
import org.cbd4j.pipeline.ExperimentConfig;
import org.cbd4j.report.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code cbd eval}: evaluates a saved model of a run directory on the clean test set and on the
 * triggered test set, rebuilt deterministically from the run's recorded attack config and seed.
 */
@Command(name = "eval", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Evaluate a saved model (CA on clean test data, ASR and RA with the trigger).")
final class EvalCommand implements Callable<Integer> {

    @picocli.CommandLine.Mixin
    DeviceFlag deviceFlag = new DeviceFlag();

    @Option(names = "--run", paramLabel = "DIR", required = true, description = "Run directory written by cbd train.")
    String run;

    @Option(names = "--net", defaultValue = "model",
            description = "Which saved network: model (the final one; f_C for cbd) or f_B. Default: ${DEFAULT-VALUE}.")
    String net;

    @Option(names = "--data", paramLabel = "DIR", description = "Dataset directory, if it moved since the run.")
    String data;

    @Override
    public Integer call() throws Exception {
        deviceFlag.apply();
        Path dir = Path.of(run);
        Path configFile = dir.resolve("config.json");
        if (!Files.isRegularFile(configFile)) {
            throw new IllegalArgumentException("--run " + dir + " has no config.json (not a cbd4j run directory)");
        }
        ExperimentConfig cfg = ExperimentConfig.fromJson(Json.read(configFile).get("config"));
        String name = "model".equals(net) && "cbd".equals(cfg.defense().name()) ? "f_C" : net;
        if (!"model".equals(name) && !"f_C".equals(name) && !"f_B".equals(name)) {
            throw new IllegalArgumentException("--net must be model or f_B, got " + net);
        }
        Path params = dir.resolve("models").resolve(name + "-0000.params");
        if (!Files.isRegularFile(params)) {
            throw new IllegalArgumentException("no saved network '" + name + "' in " + dir.resolve("models"));
        }
        long seed = cfg.training().seed();
        Engine.getInstance().setRandomSeed((int) seed);
        var d = cfg.data();
        TrainTestSplit split = DatasetResolver.defaults().load(d.dataset(),
                data != null ? Path.of(data) : d.dir() == null ? null : Path.of(d.dir()), seed, d.decoding());
        ImageDataset train = d.limitTrain() > 0 ? split.train().subset(d.limitTrain(), seed) : split.train();
        PoisonedData pd = cfg.attack().create().poison(train, split.test(), cfg.attack().config(seed));
        ImageDataset t = split.test();
        try (Network model = Network.load(dir.resolve("models"), name, cfg.training().model(), t.numClasses(), t.channels(),
                t.height(), t.width())) {
            double[] m = Experiment.evaluate(model, split, pd);
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("network", name);
            out.put("ca", num(m[0]));
            out.put("asr", num(m[1]));
            out.put("ra", num(m[2]));
            out.put("clean_test_size", t.size());
            out.put("triggered_test_size", pd.triggeredTest().size());
            System.out.println(Json.MAPPER.writeValueAsString(out));
        }
        return 0;
    }

    private static Double num(double v) {
        return Double.isFinite(v) ? Math.round(v * 1e4) / 1e4 : null;
    }
}
