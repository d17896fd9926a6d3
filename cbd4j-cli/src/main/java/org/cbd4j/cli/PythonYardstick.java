package org.cbd4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The PyTorch-Python yardstick of {@code cbd bench-speed}: the same WRN-16-1 step in Python
 * (the script ships in this jar as {@code pytorch_wrn16_1.py}, also at {@code bench/} in the
 * repository), run in a child process one layout at a time, so both sides use the same two cores
 * one after the other and never at once.
 */
final class PythonYardstick {

    /** One Python measurement. */
    record Figure(String layout, String version, double imgPerSecond, String line) {}

    private final String python;

    private PythonYardstick(String python) {
        this.python = python;
    }

    /**
     * The yardstick {@code spec} asks for: {@code off}, a Python executable, or {@code auto}
     * ({@code python3} on the PATH, else Debian's {@code /usr/bin/python3}, whichever first can
     * import torch: a PATH python from pyenv or a venv often cannot). Empty when there is none.
     */
    static Optional<PythonYardstick> find(String spec) {
        if (spec.equals("off")) {
            return Optional.empty();
        }
        for (String exe : spec.equals("auto") ? List.of("python3", "/usr/bin/python3") : List.of(spec)) {
            if (importsTorch(exe)) {
                return Optional.of(new PythonYardstick(exe));
            }
        }
        if (!spec.equals("auto")) {
            throw new IllegalArgumentException("--python " + spec + ": cannot run it with torch importable");
        }
        return Optional.empty();
    }

    private static boolean importsTorch(String exe) {
        try {
            Process p = new ProcessBuilder(exe, "-c", "import torch").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            if (p.waitFor(120, TimeUnit.SECONDS)) {
                return p.exitValue() == 0;
            }
            p.destroyForcibly();
        } catch (IOException e) {
            // no such executable
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return false;
    }

    /**
     * Runs the script once for {@code layout} ({@code nchw} or {@code channels-last}) and
     * {@code precision} ({@code fp32}, or {@code bf16}: PyTorch's autocast); with a {@code profile}
     * path (else null) it also writes the timed epoch's Chrome trace there.
     */
    Figure run(String mode, String layout, String precision, int threads, int images, int batchSize, int channels,
            int size, Path profile) throws IOException, InterruptedException {
        Path script = Files.createTempFile("cbd4j-yardstick", ".py");
        try {
            try (InputStream in = PythonYardstick.class.getResourceAsStream("pytorch_wrn16_1.py")) {
                if (in == null) {
                    throw new IOException("pytorch_wrn16_1.py is missing from the cbd4j jar");
                }
                Files.copy(in, script, StandardCopyOption.REPLACE_EXISTING);
            }
            List<String> cmd = new ArrayList<>(List.of(python, script.toString(), "--threads", String.valueOf(threads),
                    "--images", String.valueOf(images), "--batch-size", String.valueOf(batchSize), "--channels",
                    String.valueOf(channels), "--size", String.valueOf(size), "--mode", mode, "--precision", precision));
            if (layout.equals("channels-last")) {
                cmd.add("--channels-last");
            }
            if (profile != null) {
                cmd.addAll(List.of("--profile", profile.toString()));
            }
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
            // The yardstick is Python as a user runs it: without the allocator ./cbd sets for cbd4j.
            pb.environment().keySet().removeIf(k -> k.equals("LD_PRELOAD") || k.startsWith("MALLOC_"));
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(3600, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                String[] lines = out.strip().split("\n");
                throw new IOException("the PyTorch yardstick failed: " + lines[lines.length - 1]);
            }
            return parse(out);
        } finally {
            Files.deleteIfExists(script);
        }
    }

    /** The figure in the script's output: its last line is JSON, the one before is for people. */
    static Figure parse(String out) throws IOException {
        String[] lines = out.strip().split("\n");
        JsonNode j;
        try {
            j = new ObjectMapper().readTree(lines[lines.length - 1]);
        } catch (IOException e) {
            throw new IOException("the PyTorch yardstick printed no result: " + lines[lines.length - 1]);
        }
        if (j == null || !j.has("img_per_s") || !j.has("layout")) {
            throw new IOException("the PyTorch yardstick printed no result: " + lines[lines.length - 1]);
        }
        return new Figure(j.get("layout").asText(), j.path("version").asText("?"), j.get("img_per_s").asDouble(),
                lines.length > 1 ? lines[lines.length - 2] : "");
    }
}
