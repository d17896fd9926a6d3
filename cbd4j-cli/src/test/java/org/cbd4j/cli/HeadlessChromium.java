package org.cbd4j.cli;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Debian's {@code chromium} for the report's browser test: found on the PATH, else installed with
 * apt-get when that is allowed and possible ({@link DebianPackage}), else the test fails with one
 * line saying what to do. Every process runs with the fixed flags below and an empty profile
 * directory of its own, and is killed, with every process it started, when it outlives its time.
 */
final class HeadlessChromium {

    static final List<String> FLAGS = List.of("--headless", "--no-sandbox", "--disable-gpu",
            "--disable-background-networking", "--no-first-run");
    static final long TIMEOUT_SECONDS = 60;

    private final Path executable;

    private HeadlessChromium(Path executable) {
        this.executable = executable;
    }

    /** What one run printed. */
    record Result(String stdout, String stderr) {}

    /** The installed browser, installing it first when it is missing and that may be done here. */
    static HeadlessChromium find() {
        Path exe = onPath();
        if (exe != null) {
            return new HeadlessChromium(exe);
        }
        if ("0".equals(System.getenv("CBD4J_ALLOW_APT"))) {
            fail("chromium is not installed and CBD4J_ALLOW_APT=0 forbids installing it: apt-get install chromium");
        }
        if (!DebianPackage.installable()) {
            fail("chromium is not installed and cannot be installed here (needs root and /usr/bin/apt-get): "
                    + "install Debian's chromium package");
        }
        DebianPackage.install("chromium", "the HTML report's browser test needs chromium, which is not installed");
        exe = onPath();
        if (exe == null) {
            fail("chromium is not installed and apt-get install chromium did not install it (its output is above)");
        }
        return new HeadlessChromium(exe);
    }

    private static Path onPath() {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(File.pathSeparator)) {
            Path p = Path.of(dir.isEmpty() ? "." : dir, "chromium");
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }

    /**
     * Runs the browser with the fixed flags, a new empty {@code --user-data-dir} under
     * {@code work}, and {@code extra}; fails the test when it exits non-zero or outlives
     * {@link #TIMEOUT_SECONDS}.
     */
    Result run(Path work, String... extra) throws IOException, InterruptedException {
        Path profile = Files.createTempDirectory(work, "chromium-profile-");
        List<String> cmd = new ArrayList<>();
        cmd.add(executable.toString());
        cmd.addAll(FLAGS);
        cmd.add("--user-data-dir=" + profile);
        cmd.addAll(List.of(extra));
        Path out = Files.createTempFile(work, "chromium-", ".out");
        Path err = Files.createTempFile(work, "chromium-", ".err");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        // Chromium starts helper processes; they are collected while it runs so that none is left
        // behind, whatever way it ends.
        Set<ProcessHandle> started = new LinkedHashSet<>();
        long deadline = System.nanoTime() + TIMEOUT_SECONDS * 1_000_000_000L;
        while (p.isAlive() && System.nanoTime() < deadline) {
            p.descendants().forEach(started::add);
            Thread.sleep(100);
        }
        boolean timedOut = p.isAlive();
        if (timedOut) {
            p.descendants().forEach(started::add);
            p.destroyForcibly();
        }
        started.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
        p.waitFor();
        Result r = new Result(Files.readString(out), Files.readString(err));
        if (timedOut) {
            fail("chromium did not finish within " + TIMEOUT_SECONDS + " s and was killed: " + cmd);
        }
        if (p.exitValue() != 0) {
            fail("chromium exited with " + p.exitValue() + ": " + cmd + "\n" + r.stderr());
        }
        return r;
    }
}
