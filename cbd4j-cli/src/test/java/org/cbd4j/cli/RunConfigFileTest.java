package org.cbd4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import org.cbd4j.attack.Attacks;
import org.cbd4j.defense.CbdDefense;
import org.cbd4j.defense.Defenses;
import org.cbd4j.pipeline.ExperimentConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class RunConfigFileTest {

    @TempDir
    Path tmp;

    /** Parses {@code args} as {@code cbd train} would and applies its --config file. */
    private Parsed parse(String... args) {
        CommandLine cl = TrainCommand.commandLine();
        CommandLine.ParseResult pr = cl.parseArgs(args);
        TrainCommand cmd = cl.getCommand();
        if (cmd.config != null) {
            RunConfigFile.apply(Path.of(cmd.config), cl.getCommandSpec(), pr);
        }
        return new Parsed(cmd.out, TrainCommand.config(cl.getCommandSpec(), cmd.out));
    }

    private record Parsed(String out, ExperimentConfig config) {}

    private Path write(String name, String text) throws Exception {
        return Files.writeString(tmp.resolve(name), text);
    }

    @Test
    void yamlAndJsonFilesSetOptionsAndFlagsOverrideThem() throws Exception {
        Path yaml = write("run.yaml", "dataset: synthetic\nepochs: 7\nlr: 0.05\nno-mi: true\nseed: 11\nout: runs/a\n");
        Parsed c = parse("--config", yaml.toString(), "--epochs", "3");
        ExperimentConfig cfg = c.config();
        assertEquals("synthetic", cfg.data().dataset());
        assertEquals(3, cfg.training().epochs(), "the flag wins over the file");
        assertEquals(0.05, cfg.training().lr());
        assertFalse(CbdDefense.config(cfg.defense().options()).mutualInformation(), "no-mi: true");
        assertEquals(11L, cfg.training().seed());
        assertEquals("runs/a", c.out());
        assertEquals(64, cfg.training().batchSize(), "keys the file leaves out keep their defaults");

        Path json = write("run.json", "{\"model\": \"tiny-cnn\", \"poison-rate\": 0.25, \"all-to-all\": true}");
        ExperimentConfig j = parse("--config", json.toString()).config();
        assertEquals("tiny-cnn", j.training().model());
        assertEquals(0.25, j.attack().poisonRate());
        assertTrue(j.attack().allToAll());
    }

    /** The repository's presets/ (tests run in the module's directory, one below it). */
    private static Path preset(String name) {
        Path here = Path.of("presets");
        return (Files.isDirectory(here) ? here : Path.of("..", "presets")).resolve(name);
    }

    @Test
    void thePresetsSetTheirAttackRateAndOpacityAndFlagsOverrideThem() throws Exception {
        ExperimentConfig slow = parse("--config", preset("slow-blend.yaml").toString(), "--out", "o").config().validate();
        assertEquals("blend", slow.attack().name());
        assertEquals(0.01, slow.attack().poisonRate());
        assertEquals(0.08, slow.attack().options().toMap().get("blend-alpha"));
        ExperimentConfig slower = parse("--config", preset("slow-blend.yaml").toString(), "--poison-rate", "0.005",
                "--out", "o").config();
        assertEquals(0.005, slower.attack().poisonRate(), "the flag wins over the preset");
        for (String a : new String[] {"adap-blend", "adap-patch"}) {
            ExperimentConfig c = parse("--config", preset(a + ".yaml").toString(), "--out", "o").config().validate();
            assertEquals(a, c.attack().name());
            assertEquals(0.003, c.attack().poisonRate(), a + ": the paper's 150 of 50,000");
        }
        try (var files = Files.list(preset(""))) {
            assertEquals(3, files.filter(f -> f.toString().endsWith(".yaml")).count(), "every preset is checked here");
        }
    }

    @Test
    void theWrittenFlagsReadBackToTheSameConfig() throws Exception {
        ExperimentConfig cfg = ExperimentConfig.builder().optDataset("synthetic").optDataDir(Path.of("/data/x"))
                .optImageSize(28).optChannels(1).opt("skip-unreadable", true).opt("limit-train", 500).optAttack("blend")
                .optPoisonRate(0.2).optTarget(3).opt("all-to-all", true).opt("blend-alpha", 0.3).opt("blend-pattern", "p.png")
                .optDefense("cbd").opt("fb-epochs", "2").opt("no-mi", true).opt("paper-weighting", true)
                .opt("mi-lambda", 0.5).opt("critic-lr", 0.1).opt("fb-max-epochs", 3).opt("batch-weights", true)
                .opt("intervention-rate", 0.25).opt("inversion-steps", 50).opt("no-weight-gate", true).optModel("tiny-cnn")
                .optEpochs(9).optBatchSize(32).opt("lr", 0.03).opt("momentum", 0.8).opt("weight-decay", 5e-4)
                .opt("no-augment", true).opt("no-flip", true).optSeed(42).optOut(Path.of("runs/x")).build();
        Path f = write("resolved.yaml", org.cbd4j.report.Json.yaml(cfg.flags()));
        Parsed c = parse("--config", f.toString(), "--out", "runs/x");
        assertEquals(cfg, c.config());
    }

    @Test
    void fbEpochsAutoRoundTripsAndIsTheDefault() throws Exception {
        ExperimentConfig parsed = parse("--out", "o").config();
        assertEquals(org.cbd4j.defense.CbdConfig.AUTO, CbdDefense.config(parsed.defense().options()).fbEpochs());
        assertEquals("auto", parsed.flags().get("fb-epochs"));
        Path f = write("auto.yaml", org.cbd4j.report.Json.yaml(parsed.flags()));
        assertEquals(parsed, parse("--config", f.toString(), "--out", "o").config());
        assertEquals(3, CbdDefense.config(parse("--fb-epochs", "3", "--out", "o").config().defense().options()).fbEpochs());
        assertEquals(org.cbd4j.defense.CbdOptions.DEFAULTS, CbdDefense.config(parsed.defense().options()).options());
        var e = assertThrows(IllegalArgumentException.class, () -> parse("--fb-epochs", "0", "--out", "o"));
        assertEquals("--fb-epochs must be 'auto' or a whole number >= 1, got 0", e.getMessage());
    }

    @Test
    void everyTrainOptionHasAConfigKeyAndIsWrittenBack() {
        Set<String> keys = RunConfigFile.keys(TrainCommand.commandLine().getCommandSpec());
        Set<String> written = new TreeSet<>();
        for (String a : Attacks.names()) {
            for (String d : Defenses.NAMES) {
                written.addAll(ExperimentConfig.builder().optAttack(a).optDefense(d).optOut(Path.of("o")).build()
                        .flags().keySet());
            }
        }
        written.add("data"); // written only when set
        written.add("blend-pattern"); // written only when set
        written.add("baseline"); // a comparison, not part of the run
        written.add("out"); // given on the command line of a re-run
        written.add("device"); // where the run computes, not what: a re-run may choose another
        written.add("memory-layout"); // likewise how, not what (results agree to rounding)
        // The number format, like the device a flag of the machine's, not of the experiment; it
        // changes results by bfloat16's rounding, so config.json's provenance records it.
        written.add("precision");
        assertEquals(keys, written, "run-config.yaml must be able to reproduce every train option");
    }

    @Test
    void badFilesNameTheKeyOrTheProblem() throws Exception {
        var e = assertThrows(IllegalArgumentException.class, () -> parse("--config", write("a.yaml", "epoch: 3\n").toString()));
        assertTrue(e.getMessage().contains("unknown key 'epoch'") && e.getMessage().contains("a.yaml"), e.getMessage());
        assertTrue(e.getMessage().contains("epochs"), "lists the known keys: " + e.getMessage());

        e = assertThrows(IllegalArgumentException.class, () -> parse("--config", write("b.yaml", "epochs: many\n").toString()));
        assertTrue(e.getMessage().contains("key 'epochs' expects a whole number, got text 'many'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> parse("--config", write("c.yaml", "epochs: 2.5\n").toString()));
        assertTrue(e.getMessage().contains("key 'epochs'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> parse("--config", write("d.yaml", "no-mi: yes please\n").toString()));
        assertTrue(e.getMessage().contains("key 'no-mi' expects true or false"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> parse("--config", write("e.yaml", "- 1\n- 2\n").toString()));
        assertTrue(e.getMessage().contains("expected a mapping"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> parse("--config", write("f.yaml", "lr: 0.1\nlr: 0.2\n").toString()));
        assertTrue(e.getMessage().contains("f.yaml") && e.getMessage().contains("Duplicate"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> parse("--config", write("g.yaml", "lr: [0.1\n").toString()));
        assertTrue(e.getMessage().contains("not valid YAML/JSON at line"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> parse("--config", write("h.yaml", "resume: runs/x\n").toString()));
        assertTrue(e.getMessage().contains("unknown key 'resume'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> parse("--config", tmp.resolve("missing.yaml").toString()));
        assertTrue(e.getMessage().contains("missing.yaml: cannot read"), e.getMessage());
    }

    @Test
    void theCliReportsABadConfigOnOneLineWithExitCodeTwo() throws Exception {
        Path f = write("bad.yaml", "dataset: synthetic\nmodle: tiny-cnn\n");
        Path out = tmp.resolve("never");
        CliTest.Result r = CliTest.run("train", "--config", f.toString(), "--out", out.toString());
        assertEquals(2, r.code(), r.err());
        assertEquals(1, r.err().lines().filter(l -> l.startsWith("cbd: error:")).count(), r.err());
        assertTrue(r.err().contains("unknown key 'modle'"), r.err());
        assertFalse(Files.exists(out), "nothing written for a refused config");
    }
}
