package org.cbd4j.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.cbd4j.data.DatasetWriter;
import org.cbd4j.data.ImageDataset;
import org.cbd4j.data.ImageFolderReader;
import org.cbd4j.data.SyntheticImages;
import org.cbd4j.eval.Evaluator;
import org.cbd4j.model.Network;
import org.cbd4j.model.ServingSpec;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run's models/ directory leaves cbd4j: the README's DJL example, cut out of README.md, is
 * compiled and run as printed against a model trained here on a generated image folder, and
 * predicts what cbd4j's own Evaluator does; the safetensors copy holds every parameter.
 */
class PredictReadmeTest {

    @TempDir
    static Path tmp;

    static Path run;
    static ImageDataset images;

    @BeforeAll
    static void train() throws Exception {
        // 4 classes of 16x16 gray images in class-000 .. class-003 (20 % of each held out for testing).
        DatasetWriter.write("folder", SyntheticImages.generate(800, 1, 16, 16, 3), tmp, "images");
        run = tmp.resolve("run");
        ExperimentConfig cfg = ExperimentConfig.builder().optDataset("folder").optDataDir(tmp.resolve("images"))
                .optImageSize(16).optChannels(1).optAttack("none").optDefense("none").optModel("tiny-cnn")
                .optEpochs(4).optBatchSize(32).optSeed(1).optOut(run).build();
        Experiment.run(cfg);
        images = ImageFolderReader.read(tmp.resolve("images"), 16, 1, false).images();
    }

    @Test
    void theModelDirectoryRecordsArchitectureShapeAndFolderClassNames() throws Exception {
        ServingSpec spec = ServingSpec.read(run.resolve("models"));
        assertEquals(new ServingSpec("tiny-cnn", 4, 1, 16, 16, true,
                List.of("class-000", "class-001", "class-002", "class-003"), "model"), spec);
        String props = Files.readString(run.resolve("models").resolve("serving.properties"));
        assertTrue(props.contains("blockFactory=org.cbd4j.model.Cbd4jBlockFactory\n"), props);
        assertTrue(props.contains("engine=PyTorch\n") && props.contains("option.modelName=model\n"), props);
    }

    @Test
    void theReadmeDjlExampleLoadsTheModelAndPredictsAsTheEvaluator() throws Exception {
        ReadmeExampleTest.CompiledExample example = ReadmeExampleTest.compileExample("djl-example", tmp);
        String source = example.source();
        assertEquals(List.of("org.cbd4j.model.Cbd4jTranslatorFactory"),
                Pattern.compile("import (org\\.cbd4j[\\w.]*);").matcher(source).results().map(r -> r.group(1)).toList(),
                "the example needs only DJL and cbd4j's translator");
        Path classes = example.classes();

        int n = 40; // every 20th image: all four classes, train and test files
        List<String> args = new ArrayList<>(List.of(run.resolve("models").toString()));
        int[] picked = new int[n];
        for (int k = 0; k < n; k++) {
            picked[k] = k * 20;
            args.add(tmp.resolve("images").resolve(images.source(picked[k])).toString());
        }
        PrintStream oldOut = System.out;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        try (URLClassLoader loader = new URLClassLoader(new URL[] {classes.toUri().toURL()}, PredictReadmeTest.class.getClassLoader())) {
            System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
            loader.loadClass(example.className()).getMethod("main", String[].class).invoke(null, (Object) args.toArray(new String[0]));
        } finally {
            System.setOut(oldOut);
        }
        String[] lines = printed.toString(StandardCharsets.UTF_8).split("\n");
        assertEquals(n, lines.length, printed.toString(StandardCharsets.UTF_8));

        ImageDataset subset = images.select(picked);
        int[] expected;
        try (Network net = Network.load(run.resolve("models"), "model", "tiny-cnn", 4, 1, 16, 16)) {
            expected = Evaluator.predict(net, subset, 16).classes();
        }
        Set<String> seen = new HashSet<>();
        for (int k = 0; k < n; k++) {
            String[] f = lines[k].split("\t");
            assertEquals(args.get(k + 1), f[0]);
            assertEquals(String.format("class-%03d", expected[k]), f[1], "image " + f[0]);
            double p = Double.parseDouble(f[2]);
            assertTrue(p >= 0.25 && p <= 1, lines[k]);
            seen.add(f[1]);
        }
        assertTrue(seen.size() >= 2, "the comparison covers more than one predicted class: " + seen);
    }

    @Test
    void theSafetensorsFileHoldsEveryParameterUnderItsName() throws Exception {
        byte[] st = Files.readAllBytes(run.resolve("models").resolve("model.safetensors"));
        try (Network net = Network.load(run.resolve("models"), "model", "tiny-cnn", 4, 1, 16, 16);
                NDManager m = NDManager.newBaseManager()) {
            NDList decoded = NDList.decode(m, st);
            assertEquals(net.block().getParameters().size(), decoded.size());
            for (Pair<String, Parameter> p : net.block().getParameters()) {
                NDArray a = decoded.get(p.getKey());
                assertNotNull(a, "no tensor named " + p.getKey());
                assertEquals(p.getValue().getArray().getShape(), a.getShape(), p.getKey());
                assertArrayEquals(p.getValue().getArray().toFloatArray(), a.toFloatArray(), p.getKey());
            }
        }
    }
}
