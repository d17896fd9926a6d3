package org.cbd4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.cbd4j.report.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * CBD's ablation switches and cbd4j's own options each run end to end on generated data, and
 * CBD does what it is for there: a clearly lower ASR than no defense on the same poisoned data.
 */
class CbdSwitchesTest {

    @TempDir
    Path tmp;

    private static final List<String> BASE = List.of("train", "--dataset", "synthetic", "--attack", "badnets",
            "--poison-rate", "0.1", "--model", "tiny-cnn", "--batch-size", "32", "--lr", "0.05", "--seed", "2",
            "--inversion-steps", "20");

    private JsonNode train(String name, String... extra) throws Exception {
        List<String> args = new ArrayList<>(BASE);
        args.addAll(List.of(extra));
        args.addAll(List.of("--out", tmp.resolve(name).toString()));
        CliTest.Result r = CliTest.run(args.toArray(new String[0]));
        assertEquals(0, r.code(), r.err());
        return Json.read(tmp.resolve(name).resolve("summary.json"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"--no-mi", "--no-reweight", "--paper-weighting", "--batch-weights", "--no-intervention", "--no-weight-gate",
        "--fb-last-loss", "--reweight-uncaptured",
        "--no-trigger-check", "--tail-check"})
    void eachSwitchRunsAndIsRecorded(String flag) throws Exception {
        JsonNode s = train("run", "--defense", "cbd", "--fb-epochs", "1", "--epochs", "1", "--limit-train", "600", flag);
        assertTrue(s.get("ca").isNumber() && s.get("asr").isNumber(), s.toString());
        assertTrue(s.get("config").toString().length() > 0);
        JsonNode flags = ConfigFiles.read(tmp.resolve("run").resolve("run-config.yaml"));
        assertTrue(flags.get(flag.substring(2)).asBoolean(), flag + " not recorded in run-config.yaml");
    }

    @Test
    void automaticStageOneRecordsItsDecision() throws Exception {
        JsonNode s = train("auto", "--defense", "cbd", "--fb-epochs", "auto", "--fb-max-epochs", "2", "--epochs", "1", "--limit-train", "600");
        JsonNode rep = s.get("defense_report");
        int epochs = rep.get("fb_epochs").asInt();
        assertTrue(epochs >= 1 && epochs <= 2, rep.toString());
        assertEquals(epochs, rep.get("fb_checks").size());
        JsonNode last = rep.get("fb_checks").get(epochs - 1);
        assertEquals(rep.get("fb_captured").asBoolean(), last.get("captured").asBoolean());
        assertTrue(last.get("ashman_d").isNumber());
    }

    /** CBD on clean generated data with one f_B epoch: stage 1 cannot capture (it needs two) and names no class. */
    private JsonNode cleanUncaptured(String name, String... extra) throws Exception {
        List<String> args = new ArrayList<>(BASE);
        args.set(args.indexOf("badnets"), "none");
        args.addAll(List.of("--defense", "cbd", "--fb-epochs", "auto", "--fb-max-epochs", "1", "--epochs", "3", "--limit-train", "600",
                "--out", tmp.resolve(name).toString()));
        args.addAll(List.of(extra));
        CliTest.Result r = CliTest.run(args.toArray(new String[0]));
        assertEquals(0, r.code(), r.err());
        JsonNode rep = Json.read(tmp.resolve(name).resolve("summary.json")).get("defense_report");
        assertEquals(false, rep.get("fb_captured").asBoolean(), rep.toString());
        return rep;
    }

    /** Mean weight of the clean samples in each f_C epoch, from metrics.csv. */
    private List<Double> fcCleanWeights(String name) throws Exception {
        List<String> rows = java.nio.file.Files.readAllLines(tmp.resolve(name).resolve("metrics.csv"));
        int stage = org.cbd4j.report.MetricsCsv.COLUMNS.indexOf("stage");
        int clean = org.cbd4j.report.MetricsCsv.COLUMNS.indexOf("weight_clean");
        List<Double> fc = new ArrayList<>();
        for (String row : rows.subList(1, rows.size())) {
            String[] f = row.split(",", -1);
            if (f[stage].equals("f_C")) {
                fc.add(Double.parseDouble(f[clean]));
            }
        }
        assertEquals(3, fc.size(), rows.toString());
        return fc;
    }

    @Test
    void whenStageOneCapturesNothingFcIsNotReweighted() throws Exception {
        JsonNode rep = cleanUncaptured("clean");
        assertTrue(rep.get("weighting").asText().startsWith("off"), rep.toString());
        assertEquals(List.of(1.0, 1.0, 1.0), fcCleanWeights("clean"));
    }

    @Test
    void reweightUncapturedReweightsEveryoneFirstAndTheGateStartsWithTheSecond() throws Exception {
        // Clean generated data after one f_B epoch: its losses form no separated low group (after two
        // they did here, low share 27 %, D 2.41: the whole-set rule is not specific), so there are no suspects
        // to gate on in f_C's first epoch.
        JsonNode rep = cleanUncaptured("clean", "--reweight-uncaptured");
        JsonNode checks = rep.get("fb_checks");
        assertEquals(false, checks.get(checks.size() - 1).get("separated_low_minority").asBoolean(), checks.toString());
        assertTrue(rep.get("weight_gate").asText().startsWith("on from f_C's second epoch"), rep.toString());
        List<Double> fc = fcCleanWeights("clean");
        // A gate with no suspects would leave every weight at exactly 1.
        assertTrue(fc.get(0) < 1.0, "first f_C epoch: every sample re-weighted, mean " + fc.get(0));
        assertTrue(fc.get(2) > fc.get(0), "the gate gives the clean samples their weight back: " + fc);
    }

    /**
     * On images where the trigger is learnt well before the classes, CBD's premise, it ends with a
     * clearly lower ASR than no defense. The bars are at contrast 30, not the synthetic dataset's
     * 55: at 55 tiny-cnn fits most clean images within f_B's first epoch (62 % of the losses in
     * the low group), whether stage 1 captures then turns on the CPU's rounding, and CBD's ASR
     * ranged from 3.7 to 96 % over seeds 0-4 on an AMD EPYC (this test failed there at 96.3 %). At
     * 30, seeds 0-3 on the same machine: CBD ASR 0.0, 0.3, 1.3, 0.0 against 99.7-100 undefended.
     * The classes themselves are barely learnt in 4 epochs (CA 28-40 %), so no CA is asserted.
     */
    @Test
    void cbdEndsWithAClearlyLowerAsrThanNoDefense() throws Exception {
        Path data = SyntheticFolder.writeSplit(tmp.resolve("data"), 2000, 500, 2, 30);
        List<String> args = new ArrayList<>(BASE);
        args.set(args.indexOf("synthetic"), "folder");
        args.addAll(List.of("--data", data.toString(), "--channels", "1", "--image-size", "16", "--epochs", "4"));
        double asrNone = asr(args, "none", "--defense", "none");
        double asrCbd = asr(args, "cbd", "--defense", "cbd", "--fb-epochs", "auto", "--fb-max-epochs", "3");
        assertTrue(asrNone >= 80, "the undefended model must learn the trigger: ASR " + asrNone);
        assertTrue(asrCbd <= asrNone - 40, "cbd ASR " + asrCbd + " vs none " + asrNone);
    }

    private double asr(List<String> base, String name, String... extra) throws Exception {
        List<String> args = new ArrayList<>(base);
        args.addAll(List.of(extra));
        args.addAll(List.of("--out", tmp.resolve(name).toString()));
        CliTest.Result r = CliTest.run(args.toArray(new String[0]));
        assertEquals(0, r.code(), r.err());
        return Json.read(tmp.resolve(name).resolve("summary.json")).get("asr").asDouble();
    }
}
