package org.cbd4j.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OpProfileTest {

    private static String event(String name, int tid, double ts, double dur) {
        return String.format(java.util.Locale.ROOT,
                "{\"ph\":\"X\",\"cat\":\"cpu_op\",\"name\":\"%s\",\"pid\":1,\"tid\":%d,\"ts\":%.1f,\"dur\":%.1f}",
                name, tid, ts, dur);
    }

    @Test
    void selfTimeSubtractsDirectChildrenOnTheSameThreadOnly(@TempDir Path dir) throws IOException {
        // conv 0..100 holds a 10..40 and b 50..70, and b holds a 55..60; thread 2 runs a 0..30 alone.
        String trace = "{\"traceEvents\":[" + String.join(",",
                event("conv", 1, 0, 100), event("a", 1, 10, 30), event("b", 1, 50, 20), event("a", 1, 55, 5),
                event("a", 2, 0, 30),
                "{\"ph\":\"i\",\"name\":\"marker\",\"pid\":1,\"tid\":1,\"ts\":5}") + "]}";
        Path f = dir.resolve("t.json");
        Files.writeString(f, trace);
        OpProfile p = OpProfile.read(f);
        Map<String, Double> self = p.selfByName();
        assertEquals(50.0, self.get("conv"), 1e-9);
        assertEquals(30 + 5 + 30, self.get("a"), 1e-9);
        assertEquals(15.0, self.get("b"), 1e-9);
        assertEquals(130.0, p.selfTotalMicros(), 1e-9, "self times add up to the busy time of both threads");
        assertEquals("a", p.ops().get(0).name(), "largest self time first");
        assertEquals(3, p.ops().get(0).calls());
        assertEquals(65.0, p.ops().get(0).totalMicros(), 1e-9);
        String table = p.table(2, 10);
        assertEquals(true, table.contains("| a | 0.30 | 6.5 | 50.0 % |"), table);
        assertEquals(false, table.contains("| b |"), "only the top 2 rows: " + table);
    }

    @Test
    void aFileWithoutEventsIsRefusedWithItsPath(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("x.json");
        Files.writeString(f, "{\"something\":1}");
        IOException e = assertThrows(IOException.class, () -> OpProfile.read(f));
        assertEquals(true, e.getMessage().startsWith(f.toString()), e.getMessage());
    }
}
