package org.cbd4j.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.cbd4j.eval.Detection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Not part of the suite (the name does not end in Test): the measurement behind the default
 * {@code --fc-epochs} (docs/RESULTS.md, "cbd audit"). Audits one generated folder with a planted
 * patch once per f_C budget and prints flagged, precision, recall and AUROC. Run with
 * {@code mvn -o -pl cbd4j-core test-compile surefire:test@default-test -Dtest=AuditBudgetMeasurement
 * -Dsurefire.failIfNoSpecifiedTests=false -Dfc=0,2,5,10}; {@code -Dn}, {@code -Dplanted},
 * {@code -Dbar}, {@code -Dseed} change the folder.
 */
class AuditBudgetMeasurement {

    @TempDir
    Path tmp;

    @Test
    void measure() throws Exception {
        Path data = tmp.resolve("images");
        int n = Integer.getInteger("n", 2000);
        Set<String> planted = new HashSet<>(PlantedFolder.write(data, n, Integer.getInteger("planted", 200), 5, false,
                Integer.getInteger("bar", 55)));
        for (int fc : Arrays.stream(System.getProperty("fc", "0,2,5,10").split(",")).mapToInt(Integer::parseInt).toArray()) {
            long t0 = System.nanoTime();
            AuditResult r = Audit.run(AuditConfig.builder().optDataset("folder").optDataDir(data).optImageSize(16)
                    .optChannels(1).optModel("tiny-cnn").optFcEpochs(fc).opt("fb-max-epochs", 4).opt("batch-size", 32)
                    .opt("lr", 0.05).opt("no-flip", true).opt("inversion-steps", 20).optSeed(Long.getLong("seed", 1))
                    .optOut(tmp.resolve("audit-" + fc)).build());
            boolean[] mask = new boolean[r.flagged().length];
            for (int i = 0; i < mask.length; i++) {
                mask[i] = planted.contains(r.sources()[i]);
            }
            double[] pr = Detection.precisionRecall(r.flagged(), mask);
            double auroc = Detection.auroc(r.suspicion(), mask);
            System.out.printf("fc-epochs %d: %d of %d flagged, precision %.3f recall %.3f, AUROC %.4f, %.0f s%n", fc,
                    r.flaggedCount(), n, pr[0], pr[1], auroc, (System.nanoTime() - t0) / 1e9);
            assertEquals(n, r.labels().length);
            assertTrue(auroc > 0.5, "the planted patch is not found at all with --fc-epochs " + fc);
        }
    }
}
