package org.cbd4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class RunConfigFileTest {

    @TempDir
    Path tmp;

    /** Parses {@code args} as {@code cbd train} would and applies its --config file. */
    private TrainCommand parse(String... args) {
        TrainCommand cmd = new TrainCommand();
        CommandLine cl = new CommandLine(cmd);
        CommandLine.ParseResult pr = cl.parseArgs(args);
        if (cmd.config != null) {
            RunConfigFile.apply(Path.of(cmd.config), cl.getCommandSpec(), pr);
        }
        return cmd;
    }

    private Path write(String name, String text) throws Exception {
        return Files.writeString(tmp.resolve(name), text);
    }

    @Test
    void yamlAndJsonFilesSetOptionsAndFlagsOverrideThem() throws Exception {
        Path yaml = write("run.yaml", "dataset: synthetic\nepochs: 7\nlr: 0.05\nno-mi: true\nseed: 11\nout: runs/a\n");
        TrainCommand c = parse("--config", yaml.toString(), "--epochs", "3");
        assertEquals("synthetic", c.options.dataFlags.dataset);
        assertEquals(3, c.options.epochs, "the flag wins over the file");
        assertEquals(0.05f, c.options.lr);
        assertTrue(c.options.noMi);
        assertEquals(11L, c.options.seed);
        assertEquals("runs/a", c.out);
        assertEquals(64, c.options.batchSize, "keys the file leaves out keep their defaults");

        Path json = write("run.json", "{\"model\": \"tiny-cnn\", \"poison-rate\": 0.25, \"all-to-all\": true}");
        TrainCommand j = parse("--config", json.toString());
        assertEquals("tiny-cnn", j.options.model);
        assertEquals(0.25, j.options.poisonFlags.poisonRate);
        assertTrue(j.options.poisonFlags.allToAll);
    }

    @Test
    void theWrittenFlagsReadBackToTheSameConfig() throws Exception {
        RunConfig cfg = new RunConfig("synthetic", "/data/x", 28, 1, true, 500, "badnets", 0.2, 3, true, "cbd", 2, 9, true, false,
                true, 0.5f, 0.1f, "tiny-cnn", 32, 0.03f, 0.8f, 5e-4f, false, false, 42,
                new org.cbd4j.attack.AttackOptions(0.3, "p.png", 20, 3, 5, 0.75, 1.5, 1, "tiny-cnn", 2, 4, 10, 4,
                        0.5, 7),
                new org.cbd4j.defense.BaselineOptions(3, 0.02, 0.4f, 2, 1e-3f, 0.05, 4, 0.3),
                new org.cbd4j.defense.CbdOptions(3, true, false, 0.25, 50, false), "runs/x");
        Path f = write("resolved.yaml", org.cbd4j.report.Json.yaml(cfg.flags()));
        TrainCommand c = parse("--config", f.toString());
        assertEquals(cfg, c.options.toConfig(c.out));
    }

    @Test
    void fbEpochsAutoRoundTripsAndIsTheDefault() throws Exception {
        TrainCommand parsed = parse("--out", "o");
        assertEquals(org.cbd4j.defense.CbdConfig.AUTO, parsed.options.toConfig("o").fbEpochs());
        assertEquals("auto", parsed.options.toConfig("o").flags().get("fb-epochs"));
        Path f = write("auto.yaml", org.cbd4j.report.Json.yaml(parsed.options.toConfig("o").flags()));
        TrainCommand back = parse("--config", f.toString());
        assertEquals(parsed.options.toConfig("o"), back.options.toConfig("o"));
        assertEquals(3, parse("--fb-epochs", "3", "--out", "o").options.toConfig("o").fbEpochs());
        assertEquals(org.cbd4j.defense.CbdOptions.DEFAULTS, parsed.options.toConfig("o").cbdOptions());
    }

    @Test
    void everyTrainOptionHasAConfigKeyAndIsWrittenBack() {
        CommandLine cl = new CommandLine(new TrainCommand());
        Set<String> keys = RunConfigFile.keys(cl.getCommandSpec());
        Set<String> written = new TreeSet<>(new TrainOptions().toConfig("o").flags().keySet());
        written.add("data"); // written only when set
        written.add("blend-pattern"); // written only when set
        written.add("baseline"); // a comparison, not part of the run
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

    @Test
    void configsOfOlderRunsReadBackWithTheDefaultsOfTheirTime() throws Exception {
        // What a config.json written before image-size, channels, the helper-model attacks and
        // cbd4j's CBD options holds (field names as Jackson writes the record).
        RunConfig today = parse("--out", "o").options.toConfig("o");
        var node = (com.fasterxml.jackson.databind.node.ObjectNode) org.cbd4j.report.Json.MAPPER.valueToTree(today);
        node.remove(java.util.List.of("imageSize", "channels", "cbdOptions"));
        var attack = (com.fasterxml.jackson.databind.node.ObjectNode) node.get("attackOptions");
        attack.remove(java.util.List.of("helperModel", "helperEpochs", "trojanSteps", "lcEps", "lcStep", "lcSteps"));
        RunConfig old = RunConfig.fromJson(node);
        assertEquals(org.cbd4j.attack.AttackOptions.DEFAULTS, old.attackOptions());
        assertEquals(org.cbd4j.defense.CbdOptions.LEGACY, old.cbdOptions());
        assertEquals(today.imageSize(), old.imageSize());
        assertEquals(today.channels(), old.channels());
        // A CBD options object from before the weight gate existed: the gate stays off.
        node.set("cbdOptions", org.cbd4j.report.Json.MAPPER.valueToTree(org.cbd4j.defense.CbdOptions.DEFAULTS));
        ((com.fasterxml.jackson.databind.node.ObjectNode) node.get("cbdOptions")).remove("weightGate");
        assertEquals(false, RunConfig.fromJson(node).cbdOptions().weightGate());
        assertEquals(true, today.cbdOptions().weightGate(), "on by default");
        // Explicit zeros are kept (and refused by validate), not replaced.
        attack.put("lcSteps", 0);
        assertEquals(0, RunConfig.fromJson(node).attackOptions().lcSteps());
    }
}
