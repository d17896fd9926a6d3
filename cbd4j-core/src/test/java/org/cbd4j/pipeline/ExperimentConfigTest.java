package org.cbd4j.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.List;
import org.cbd4j.defense.CbdDefense;
import org.cbd4j.defense.CbdOptions;
import org.cbd4j.report.Json;
import org.junit.jupiter.api.Test;

class ExperimentConfigTest {

    /** The config object of a real run directory written by cbd4j at 3419d77 (the flat record). */
    private static ObjectNode flat() throws Exception {
        try (var in = ExperimentConfigTest.class.getResourceAsStream("config-3419d77.json")) {
            return (ObjectNode) Json.MAPPER.readTree(in).get("config");
        }
    }

    @Test
    void aFlatConfigOfAnOlderRunReadsAsItRan() throws Exception {
        ExperimentConfig c = ExperimentConfig.fromJson(flat());
        assertEquals("fashion-mnist", c.data().dataset());
        assertEquals("wanet", c.attack().name());
        assertEquals(0.1, c.attack().poisonRate());
        assertEquals(2.0, c.attack().options().toMap().get("wanet-cross-ratio"));
        assertEquals("cbd", c.defense().name());
        // Written before --fb-last-loss existed: it weighed with the last stage-1 epoch's loss; and
        // before --reweight-uncaptured: it re-weighted when stage 1 captured nothing; and before the
        // trigger check: every anomalously easy class counted.
        CbdOptions d = CbdOptions.DEFAULTS;
        assertEquals(new CbdOptions(d.fbMaxEpochs(), d.batchWeights(), d.intervention(), 0.5, // as recorded
                d.inversionSteps(), d.weightGate(), true, true, false, false), CbdDefense.config(c.defense().options()).options());
        assertEquals(org.cbd4j.defense.CbdConfig.AUTO, CbdDefense.config(c.defense().options()).fbEpochs());
        assertEquals("small-cnn", c.training().model());
        assertEquals(12, c.training().epochs());
        assertEquals(128, c.training().batchSize());
        assertTrue(c.training().augment() && c.training().flip());
        assertEquals("/tmp/exp4/g3-wanet", c.out());
    }

    @Test
    void fieldsAnOlderRunDidNotHaveTakeTheBehaviourOfItsTime() throws Exception {
        ObjectNode node = flat();
        node.remove(List.of("imageSize", "channels", "cbdOptions"));
        ((ObjectNode) node.get("attackOptions")).remove(List.of("helperModel", "helperEpochs"));
        ExperimentConfig c = ExperimentConfig.fromJson(node);
        assertEquals(32, c.data().imageSize(), "today's default");
        assertEquals(CbdOptions.LEGACY, CbdDefense.config(c.defense().options()).options(),
                "before cbd4j's CBD options: batch weights, no intervention, no gate");
        // A CBD options object from before the weight gate existed: the gate stays off.
        node.set("cbdOptions", flat().get("cbdOptions").deepCopy());
        ((ObjectNode) node.get("cbdOptions")).remove("weightGate");
        assertEquals(false, CbdDefense.config(ExperimentConfig.fromJson(node).defense().options()).options().weightGate());
        // An explicit zero is refused naming the flag, not replaced by a default.
        ((ObjectNode) node.get("cbdOptions")).put("inversionSteps", 0);
        var e = assertThrows(IllegalArgumentException.class, () -> ExperimentConfig.fromJson(node));
        assertTrue(e.getMessage().startsWith("--inversion-steps"), e.getMessage());
    }

    @Test
    void anAttackIsNeverAssumedButOldRunsWithoutOneKeepTheirs() throws Exception {
        // Today: no attack named, nothing poisoned.
        ExperimentConfig fresh = ExperimentConfig.fromFlags(java.util.Map.of(), "o");
        assertEquals("none", fresh.attack().name());
        assertEquals("none", ExperimentConfig.builder().optOut(Path.of("o")).build().attack().name());
        // A config.json written when the default was badnets and that does not name its attack
        // (flat record, and the nested form) still runs badnets when resumed or re-evaluated.
        ObjectNode node = flat();
        node.remove("attack");
        assertEquals("badnets", ExperimentConfig.fromJson(node).attack().name());
        JsonNode nested = Json.MAPPER.valueToTree(ExperimentConfig.builder().optAttack("blend").optOut(Path.of("o"))
                .build().toJson());
        assertEquals("blend", ExperimentConfig.fromJson(nested).attack().name(), "a named attack is kept");
        ((ObjectNode) nested.get("attack")).remove("attack");
        assertEquals("badnets", ExperimentConfig.fromJson(nested).attack().name());
        // A recorded none stays none.
        JsonNode clean = Json.MAPPER.valueToTree(fresh.toJson());
        assertEquals("none", ExperimentConfig.fromJson(clean).attack().name());
    }

    @Test
    void theNestedFormRoundTripsAndOtherFormatsAreRefused() throws Exception {
        ExperimentConfig c = ExperimentConfig.builder().optAttack("trojan").opt("trojan-size", 5).optDefense("abl")
                .opt("abl-gamma", 0.4).optEpochs(3).optOut(Path.of("runs/r")).build();
        JsonNode json = Json.MAPPER.valueToTree(c.toJson());
        assertEquals(5, json.get("attack").get("options").get("trojan-size").intValue());
        assertEquals(c, ExperimentConfig.fromJson(json));
        ((ObjectNode) json).put("format", 99);
        var e = assertThrows(IllegalArgumentException.class, () -> ExperimentConfig.fromJson(json));
        assertTrue(e.getMessage().contains("format 99"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ExperimentConfig.fromJson(Json.MAPPER.readTree("[]")));
        assertTrue(e.getMessage().contains("no \"config\" object"), e.getMessage());
    }

    @Test
    void theBuilderNamesWhatIsMissingOrWrong() {
        var e = assertThrows(IllegalArgumentException.class, () -> ExperimentConfig.builder().build());
        assertTrue(e.getMessage().contains("optOut"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> ExperimentConfig.builder().optEpochs(0).optOut(Path.of("o")).build());
        assertEquals("--epochs must be a whole number in 1..100000, got 0", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> ExperimentConfig.builder().opt("epochz", 3).optOut(Path.of("o")).build());
        assertEquals("unknown option --epochz", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> ExperimentConfig.builder().optModel("wrn-15-1").optOut(Path.of("o")).build());
        assertTrue(e.getMessage().contains("wrn-15-1"), e.getMessage());
    }
}
