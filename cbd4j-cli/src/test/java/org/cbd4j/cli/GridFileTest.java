package org.cbd4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GridFileTest {

    @TempDir
    Path tmp;

    private GridFile read(String text) throws Exception {
        return GridFile.read(Files.writeString(tmp.resolve("grid.yaml"), text));
    }

    @Test
    void aGridExpandsToEveryCombinationWithTypedSharedOptions() throws Exception {
        GridFile g = read("datasets: [synthetic]\nattacks: [none, badnets]\ndefenses: [none, cbd]\nseeds: [0, 1, 2]\n"
                + "train:\n  model: tiny-cnn\n  epochs: 2\n  lr: 0.05\n  no-mi: true\n");
        assertEquals(12, g.cells().size());
        assertEquals(new GridFile.Cell("synthetic", "none", "none", 0), g.cells().get(0));
        assertEquals(new GridFile.Cell("synthetic", "badnets", "cbd", 2), g.cells().get(11));
        assertEquals(Map.of("model", "tiny-cnn", "epochs", 2, "lr", 0.05, "no-mi", true), g.train());

        GridFile json = read("{\"datasets\": [\"synthetic\"], \"attacks\": [\"badnets\"], \"defenses\": [\"cbd\"]}");
        assertEquals(List.of(0L), json.seeds(), "seeds default to [0]");
    }

    @Test
    void malformedGridsAreRefusedNamingTheProblem() {
        String ok = "datasets: [synthetic]\nattacks: [badnets]\ndefenses: [cbd]\n";
        String[][] cases = {
            {"attacks: [badnets]\ndefenses: [cbd]\n", "'datasets' expects a non-empty list"},
            {ok.replace("[badnets]", "[badnet]"), "'attacks' holds text 'badnet'; known: none, badnets"},
            {ok.replace("[cbd]", "[cbd, cbd]"), "'defenses' lists 'cbd' twice"},
            {ok + "seeds: [1.5]\n", "key 'seeds' expects a whole number"},
            {ok + "seeds: []\n", "'seeds' expects a non-empty list"},
            {ok + "train: {epoch: 3}\n", "'train' has unknown key 'epoch'"},
            {ok + "train: {attack: blend}\n", "an axis of the grid"},
            {ok + "train: {epochs: lots}\n", "key 'train.epochs' expects a whole number"},
            {ok + "cells: 4\n", "unknown key 'cells'"},
            {"[1, 2]", "expected a mapping"},
            {"datasets: [synthetic\n", "not valid YAML/JSON at line"},
        };
        for (String[] c : cases) {
            var e = assertThrows(IllegalArgumentException.class, () -> read(c[0]), c[1]);
            assertTrue(e.getMessage().contains("grid.yaml: ") && e.getMessage().contains(c[1]), c[1] + " <- " + e.getMessage());
        }
    }
}
