package org.cbd4j.cli;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.cbd4j.data.ImageDataset;
import org.cbd4j.data.SyntheticImages;
import org.cbd4j.defense.CbdConfig;
import org.cbd4j.defense.CbdDefense;
import org.cbd4j.defense.CbdOptions;
import org.cbd4j.defense.DefenseContext;
import org.cbd4j.defense.DefenseResult;
import org.cbd4j.defense.EpochListener;
import org.cbd4j.eval.Evaluator;
import org.cbd4j.model.MemoryLayout;
import org.cbd4j.model.Precision;
import org.cbd4j.model.Network;
import org.cbd4j.report.Machine;
import org.cbd4j.report.OpProfile;
import org.cbd4j.train.Augmentation;
import org.cbd4j.train.Learner;
import org.cbd4j.train.LearningRate;
import org.cbd4j.train.SupervisedTraining;
import org.cbd4j.train.TrainConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code cbd bench-speed}: training or inference throughput on generated images (no augmentation),
 * beside the PyTorch-Python yardstick's on the same machine, or the wall time of CBD epochs; the
 * figures in docs/RESULTS.md come from here, each with the CPU it ran on.
 */
@Command(name = "bench-speed", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Measure training throughput (img/s) or CBD epoch time on generated data.")
final class BenchSpeedCommand implements Callable<Integer> {

    @picocli.CommandLine.Mixin
    DeviceFlag deviceFlag = new DeviceFlag();

    @Option(names = "--model", defaultValue = "wrn-16-1", description = "Model. Default: ${DEFAULT-VALUE}.")
    String model;

    @Option(names = "--batch-size", defaultValue = "64", description = "Batch size. Default: ${DEFAULT-VALUE}.")
    int batchSize;

    @Option(names = "--images", defaultValue = "6400", description = "Images per timed epoch. Default: ${DEFAULT-VALUE}.")
    int images;

    @Option(names = "--channels", defaultValue = "3", description = "Input channels. Default: ${DEFAULT-VALUE}.")
    int channels;

    @Option(names = "--size", defaultValue = "32", description = "Input height and width. Default: ${DEFAULT-VALUE}.")
    int size;

    @Option(names = "--mode", defaultValue = "train",
            description = "train: plain training steps; eval: inference (no gradients); cbd: one f_B epoch then one "
                    + "f_C epoch (MI on), timed apart from the work between them. Default: ${DEFAULT-VALUE}.")
    String mode;

    @Option(names = "--python", paramLabel = "auto|off|EXE", defaultValue = "auto",
            description = "train and eval modes with wrn-16-1: also time the PyTorch-Python yardstick (same network, "
                    + "batch and threads, NCHW and channels-last) and print the ratio; auto runs python3 when it can "
                    + "import torch. Default: ${DEFAULT-VALUE}.")
    String python;

    @Option(names = "--threads", defaultValue = "2",
            description = "Intra-op threads of the Python yardstick (cbd4j uses PyTorch's default, one per core). "
                    + "Default: ${DEFAULT-VALUE}.")
    int threads;

    @Option(names = "--optimizer", defaultValue = "nesterov",
            description = "train mode: nesterov (cbd4j's, composed from NDArray ops) or sgd (DJL's fused momentum SGD, "
                    + "for comparison). Default: ${DEFAULT-VALUE}.")
    String optimizer;

    @Option(names = "--profile", paramLabel = "DIR",
            description = "train and eval modes: also record the timed epoch with PyTorch's profiler (cbd4j and each "
                    + "Python layout), write the Chrome traces to DIR and print the operators by self time. Profiling "
                    + "slows every side, so the img/s of such a run is not a figure.")
    Path profile;

    @Override
    public Integer call() throws Exception {
        deviceFlag.apply();
        Engine.getInstance().setRandomSeed(0);
        ImageDataset data = SyntheticImages.generate(images, channels, size, size, 0);
        TrainConfig cfg = new TrainConfig(1, batchSize, 0.01f, 0.9f, 1e-4f,
                "cbd".equals(mode) ? Augmentation.reference(true) : Augmentation.none(), 0);
        System.out.println("machine: " + Machine.current().describe());
        if ("train".equals(mode) || "eval".equals(mode)) {
            Optional<PythonYardstick> yardstick = model.equals("wrn-16-1") ? PythonYardstick.find(python) : Optional.empty();
            double ours = measure(data, cfg);
            yardstick.ifPresentOrElse(y -> compare(y, ours),
                    () -> System.out.println("(no PyTorch-Python yardstick: " + (model.equals("wrn-16-1")
                            ? "--python " + python + " found no python3 with torch" : "it has wrn-16-1 only") + ")"));
        } else if ("cbd".equals(mode)) {
            // marks: start, f_B's epoch ends, f_C's pass starts (after f_B's loss pass over the
            // training set and the capture tests), f_C's epoch ends
            long[] marks = new long[4];
            marks[0] = System.nanoTime();
            DefenseContext ctx = new DefenseContext(data, model, cfg, new EpochListener() {
                @Override
                public void epochStart(String stage, int epoch) {
                    marks[2] = System.nanoTime();
                }

                @Override
                public void epochEnd(String stage, int epoch, Network net, Map<String, Double> scalars,
                        float[] w) {
                    marks["f_B".equals(stage) ? 1 : 3] = System.nanoTime();
                }
            }, org.cbd4j.defense.Checkpointer.none());
            try (DefenseResult r = new CbdDefense(new CbdConfig(1, true, true, 1f, 0.2f, false, CbdOptions.DEFAULTS)).apply(ctx)) {
                System.out.printf(Locale.ROOT, "%s %dx%dx%d batch %d, %d images: f_B epoch %.1f s, between the "
                                + "stages (f_B's loss pass, capture tests) %.1f s, f_C epoch (one pass of f_C and "
                                + "the MI critic) %.1f s%n",
                        model, channels, size, size, batchSize, images, (marks[1] - marks[0]) / 1e9,
                        (marks[2] - marks[1]) / 1e9, (marks[3] - marks[2]) / 1e9);
            }
        } else {
            throw new IllegalArgumentException("--mode must be train, eval or cbd, got " + mode);
        }
        return 0;
    }

    /** cbd4j's img/s in train or eval mode, printed. */
    private double measure(ImageDataset data, TrainConfig cfg) throws IOException {
        try (Network net = Network.create("bench", model, data.numClasses(), channels, size, size)) {
            ImageDataset warmUp = data.limit(Math.min(images, batchSize * 10));
            double secs;
            if ("eval".equals(mode)) {
                Evaluator.predict(net, warmUp, batchSize);
                startProfile();
                long t0 = System.nanoTime();
                Evaluator.predict(net, data, batchSize);
                secs = (System.nanoTime() - t0) / 1e9;
                stopProfile("cbd4j");
            } else {
                Learner learner = "sgd".equals(optimizer)
                        ? new Learner(net.block(), ai.djl.training.optimizer.Optimizer.sgd()
                                .setLearningRateTracker(new LearningRate(0.01f)).optMomentum(0.9f).optWeightDecays(1e-4f)
                                .build())
                        : SupervisedTraining.learner(net, new LearningRate(0.01f), cfg);
                SupervisedTraining.epoch("warm-up", net, learner, warmUp, cfg, 0);
                startProfile();
                long t0 = System.nanoTime();
                SupervisedTraining.epoch("timed", net, learner, data, cfg, 1);
                secs = (System.nanoTime() - t0) / 1e9;
                stopProfile("cbd4j");
            }
            System.out.printf(Locale.ROOT, "cbd4j %s %s %dx%dx%d batch %d %s %s%s: %.1f img/s (%d images in %.1f s, %d parameters)%n",
                    mode, model, channels, size, size, batchSize, MemoryLayout.current(), Precision.current(),
                    "train".equals(mode) ? ", " + optimizer : "",
                    images / secs, images, secs, net.parameterCount());
            return images / secs;
        }
    }

    private void startProfile() throws IOException {
        if (profile != null) {
            Files.createDirectories(profile);
            JniUtils.startProfile(false, false, false);
        }
    }

    /** Stops the profiler, writes the trace as DIR/{@code name}.json and prints its table. */
    private void stopProfile(String name) throws IOException {
        if (profile != null) {
            Path trace = traceFile(name);
            JniUtils.stopProfile(trace.toString());
            printProfile(name, trace);
        }
    }

    private Path traceFile(String name) {
        return profile.resolve(name + "-" + mode + ".json");
    }

    private void printProfile(String who, Path trace) throws IOException {
        OpProfile p = OpProfile.read(trace);
        System.out.printf(Locale.ROOT, "profile of %s (%s), operators by self time:%n%s", who, trace,
                p.table(15, images));
    }

    /** Times the Python yardstick in both layouts after cbd4j and prints the ratio to its best. */
    private void compare(PythonYardstick y, double ours) {
        try {
            double best = 0;
            String bestLayout = "";
            for (String layout : new String[] {"nchw", "channels-last"}) {
                Path trace = profile == null ? null : traceFile("pytorch-" + layout);
                PythonYardstick.Figure f = y.run(mode, layout, Precision.current().toString(), threads, images, batchSize, channels, size, trace);
                System.out.println(f.line());
                if (trace != null) {
                    printProfile("pytorch-python " + layout, trace);
                }
                if (f.imgPerSecond() > best) {
                    best = f.imgPerSecond();
                    bestLayout = layout;
                }
            }
            System.out.printf(Locale.ROOT, "ratio cbd4j / pytorch-python (best layout, %s): %.2fx%n", bestLayout, ours / best);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
