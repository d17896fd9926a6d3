package org.cbd4j.report;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The columns of a run's {@code sample_scores.csv} that the report draws.
 *
 * @param poisoned per training sample, whether the attack poisoned it
 * @param suspicion the defense's suspicion score, or null when it gives none
 * @param flagged whether the defense flagged the sample, or null when it flags none by rule
 */
record SampleScores(boolean[] poisoned, float[] suspicion, boolean[] flagged) {

    static SampleScores read(Path file) throws IOException {
        Csv c = Csv.read(file);
        double[] p = c.numbers("poisoned");
        boolean[] poisoned = new boolean[p.length];
        for (int i = 0; i < p.length; i++) {
            poisoned[i] = p[i] == 1;
        }
        float[] suspicion = null;
        if (c.has("suspicion")) {
            double[] s = c.numbers("suspicion");
            suspicion = new float[s.length];
            for (int i = 0; i < s.length; i++) {
                if (!Double.isFinite(s[i])) {
                    throw new IOException(file.getFileName() + ": row " + (i + 1) + " has no suspicion value");
                }
                suspicion[i] = (float) s[i];
            }
        }
        boolean[] flagged = null;
        if (c.has("flagged")) {
            double[] f = c.numbers("flagged");
            flagged = new boolean[f.length];
            for (int i = 0; i < f.length; i++) {
                flagged[i] = f[i] == 1;
            }
        }
        return new SampleScores(poisoned, suspicion, flagged);
    }

    int size() {
        return poisoned.length;
    }

    int poisonedCount() {
        int n = 0;
        for (boolean b : poisoned) {
            n += b ? 1 : 0;
        }
        return n;
    }

    int flaggedCount() {
        int n = 0;
        for (int i = 0; flagged != null && i < flagged.length; i++) {
            n += flagged[i] ? 1 : 0;
        }
        return n;
    }

    int flaggedPoisoned() {
        int n = 0;
        for (int i = 0; flagged != null && i < flagged.length; i++) {
            n += flagged[i] && poisoned[i] ? 1 : 0;
        }
        return n;
    }
}
