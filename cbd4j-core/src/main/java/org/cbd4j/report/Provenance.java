package org.cbd4j.report;

import ai.djl.engine.Engine;
import java.time.Instant;
import java.util.Map;
import org.cbd4j.data.DataSource;
import org.cbd4j.model.ComputeDevice;
import org.cbd4j.model.MemoryLayout;
import org.cbd4j.model.Precision;

/**
 * How an artifact was made (after Tribuo's provenance): the full resolved config, seed, data
 * source with file hashes, tool version and the git commit it was built from, library, engine
 * and JVM versions, the device, memory layout, precision and CPU it ran on, time and command
 * line. Written to every run directory and stored inside every saved model.
 */
public record Provenance(
        String tool,
        String toolVersion,
        String toolCommit,
        String djlVersion,
        String engine,
        String device,
        String memoryLayout,
        String precision,
        String cpu,
        String java,
        String os,
        String created,
        String commandLine,
        long seed,
        Object config,
        DataSource data) {

    /** Captures the environment now. */
    public static Provenance capture(Object config, long seed, DataSource data, String commandLine) {
        Engine e = Engine.getInstance();
        String djl = Engine.class.getPackage().getImplementationVersion();
        return new Provenance(
                "cbd4j",
                Version.get(),
                Version.commit(),
                djl == null ? "0.36.0" : djl,
                e.getEngineName() + " " + e.getVersion(),
                ComputeDevice.current().toString(),
                MemoryLayout.current().toString(),
                Precision.current().toString(),
                Machine.current().describe(),
                System.getProperty("java.vendor") + " " + System.getProperty("java.version"),
                System.getProperty("os.name") + " " + System.getProperty("os.arch"),
                Instant.now().toString(),
                commandLine,
                seed,
                config,
                data);
    }

    /** Properties to store inside a saved model file. */
    public Map<String, String> asModelProperties() {
        return Map.of("cbd4j.provenance", Json.compact(this));
    }
}
