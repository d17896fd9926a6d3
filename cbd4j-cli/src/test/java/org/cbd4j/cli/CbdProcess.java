package org.cbd4j.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Helpers for tests that run {@code cbd} in a separate JVM, as a user would. */
final class CbdProcess {

    private CbdProcess() {}

    /** The command line starting {@code cbd args...} in a fresh JVM with the test class path. */
    static List<String> command(String... args) {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx2g",
                "-Dai.djl.pytorch.num_interop_threads=1", "-Dai.djl.offline=true", "-Dcbd4j.quiet=true",
                "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(List.of(args));
        return cmd;
    }

    /** {@code base} followed by {@code extra}. */
    static String[] concat(String[] base, String... extra) {
        List<String> l = new ArrayList<>(List.of(base));
        l.addAll(List.of(extra));
        return l.toArray(new String[0]);
    }

    /** metrics.csv of a run without its last (wall-clock) column. */
    static List<String> metricsWithoutTime(Path run) throws Exception {
        List<String> out = new ArrayList<>();
        for (String line : Files.readAllLines(run.resolve("metrics.csv"))) {
            out.add(line.substring(0, line.lastIndexOf(',')));
        }
        return out;
    }
}
