package org.cbd4j.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class MachineTest {

    @Test
    void modelAndTheKernelDecidingExtensionsAreReadFromTheFirstProcessor() {
        String cpuinfo = """
                processor\t: 0
                model name\t: Intel(R) Xeon(R) Platinum 8481C CPU @ 2.70GHz
                flags\t\t: fpu sse2 avx2 fma avx512f avx512bw avx512_bf16 amx_bf16 amx_tile
                processor\t: 1
                model name\t: something else
                flags\t\t: fpu
                """;
        Machine m = Machine.parse(cpuinfo, 2);
        assertEquals("Intel(R) Xeon(R) Platinum 8481C CPU @ 2.70GHz", m.cpuModel());
        assertEquals(List.of("avx2", "fma", "avx512f", "avx512bw", "avx512_bf16", "amx_tile", "amx_bf16"), m.isa());
        assertTrue(m.hasBf16());
        assertEquals("Intel(R) Xeon(R) Platinum 8481C CPU @ 2.70GHz, 2 cores, ISA avx2 fma avx512f avx512bw avx512_bf16 "
                + "amx_tile amx_bf16", m.describe());
        Machine amd = Machine.parse("model name : AMD EPYC 7B13\nflags : sse2 avx2 fma\n", 2);
        assertFalse(amd.hasBf16());
        assertEquals("AMD EPYC 7B13, 2 cores, ISA avx2 fma", amd.describe());
    }
}
