package org.cbd4j.cli;

import java.util.Locale;
import org.cbd4j.pipeline.ExperimentListener;

/** The CLI's listener: progress lines and one line per epoch on stderr, live bars on a terminal. */
final class PrintingListener implements ExperimentListener {

    @Override
    public boolean liveProgress() {
        return true;
    }

    @Override
    public void message(String line) {
        System.err.println(line);
    }

    @Override
    public void epochEnd(EpochMetrics m) {
        boolean weighted = Double.isFinite(m.poisonedWeight()) || Double.isFinite(m.cleanWeight());
        System.err.printf(Locale.ROOT, "[%s %d] loss %.4f  CA %.2f  ASR %.2f  RA %.2f%s  (%.0f s)%n", m.stage(),
                m.epoch() + 1, m.loss(), m.ca(), m.asr(), m.ra(), weighted
                        ? String.format(Locale.ROOT, "  w_poison %.3f w_clean %.3f", m.poisonedWeight(), m.cleanWeight())
                        : "", m.seconds());
    }
}
