package org.cbd4j.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The CPU a figure was measured on: model name and the instruction-set extensions that decide
 * which kernels oneDNN picks (AVX2, AVX-512, VNNI, BF16, AMX). Floating-point results and speeds
 * differ between CPUs, so every speed figure and every run's provenance carries this.
 */
public record Machine(String cpuModel, int cores, List<String> isa) {

    /** Extensions reported when present, in this order. */
    static final List<String> INTERESTING = List.of("avx2", "fma", "avx512f", "avx512bw", "avx512_vnni",
            "avx512_bf16", "amx_tile", "amx_bf16", "amx_int8");

    /** This machine, from {@code /proc/cpuinfo} (unknown fields where that file is missing). */
    public static Machine current() {
        try {
            return parse(Files.readString(Path.of("/proc/cpuinfo")), Runtime.getRuntime().availableProcessors());
        } catch (IOException | RuntimeException e) {
            return new Machine(System.getProperty("os.arch") + " (no /proc/cpuinfo)",
                    Runtime.getRuntime().availableProcessors(), List.of());
        }
    }

    /** Reads the first processor's model name and flags from the text of {@code /proc/cpuinfo}. */
    static Machine parse(String cpuinfo, int cores) {
        String model = "unknown";
        Set<String> flags = new LinkedHashSet<>();
        for (String line : cpuinfo.split("\n")) {
            int colon = line.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String key = line.substring(0, colon).trim();
            String value = line.substring(colon + 1).trim();
            if (key.equals("model name") && model.equals("unknown")) {
                model = value;
            } else if (key.equals("flags") && flags.isEmpty()) {
                flags.addAll(List.of(value.split("\\s+")));
            }
        }
        List<String> isa = new ArrayList<>();
        for (String f : INTERESTING) {
            if (flags.contains(f)) {
                isa.add(f);
            }
        }
        return new Machine(model, cores, isa);
    }

    /** One line: {@code AMD EPYC 7B13, 2 cores, ISA avx2 fma}. */
    public String describe() {
        return cpuModel + ", " + cores + " cores, ISA " + (isa.isEmpty() ? "(none of " + INTERESTING + ")"
                : String.join(" ", isa));
    }

    /** Whether the CPU has native bf16 arithmetic (AVX512-BF16 or AMX-BF16). */
    public boolean hasBf16() {
        return isa.contains("avx512_bf16") || isa.contains("amx_bf16");
    }
}
