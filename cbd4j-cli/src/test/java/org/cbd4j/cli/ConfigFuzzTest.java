package org.cbd4j.cli;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.file.Path;
import picocli.CommandLine;

/**
 * Coverage-guided fuzzing (Jazzer) of the files users hand to the CLI. Property: any input is
 * either accepted or refused with {@link ConfigFiles.ConfigException}, the one-line usage error;
 * see LoaderFuzzTest for how the targets run.
 */
class ConfigFuzzTest {

    @FuzzTest(maxDuration = "15s")
    void runConfig(byte[] data) {
        CommandLine cl = TrainCommand.commandLine();
        try {
            RunConfigFile.apply(Path.of("run.yaml"), ConfigFiles.parse(Path.of("run.yaml"), data), cl.getCommandSpec(),
                    cl.parseArgs());
            TrainCommand.config(cl.getCommandSpec(), "out");
        } catch (ConfigFiles.ConfigException expected) {
            // the parser's own clear error
        } catch (IllegalArgumentException expected) {
            // a value out of range, named by its flag (always a one-line message)
            if (expected.getMessage() == null || expected.getMessage().contains("\n")) {
                throw expected;
            }
        }
    }

    @FuzzTest(maxDuration = "15s")
    void grid(byte[] data) {
        try {
            GridFile g = GridFile.parse(Path.of("grid.yaml"), ConfigFiles.parse(Path.of("grid.yaml"), data));
            if (g.cells().size() > GridFile.MAX_CELLS || g.cells().isEmpty()) {
                throw new AssertionError("accepted a grid of " + g.cells().size() + " cells");
            }
        } catch (ConfigFiles.ConfigException expected) {
            // the parser's own clear error
        }
    }
}
